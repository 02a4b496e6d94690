// Tests for SecretBytes (zeroizing buffer) and the DRBG helpers that fill it.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <kms/internal/random.hpp>
#include <kms/internal/secret_bytes.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

using kms::internal::SecretBytes;

namespace {
const std::vector<uint8_t> kSample = {1, 2, 3, 4, 5, 6, 7, 8};
bool AllZero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != 0) return false;
  }
  return true;
}
}  // namespace

TEST_CASE("SecretBytes constructors hold zeros or a copy of the given bytes") {
  SecretBytes empty;
  CHECK(empty.empty());
  SecretBytes zeros(5);
  CHECK(zeros.size() == 5);
  CHECK(AllZero(zeros.data(), 5));
  SecretBytes copy(kSample);
  CHECK(copy.Equals(kSample));
  SecretBytes from_ptr(kSample.data(), 3);
  CHECK(from_ptr.Equals(std::vector<uint8_t>{1, 2, 3}));
  SecretBytes none(nullptr, 0);
  CHECK(none.empty());
}

TEST_CASE("SecretBytes Clone is an independent copy") {
  SecretBytes a(kSample);
  SecretBytes b = a.Clone();
  CHECK(b.Equals(kSample));
  b.data()[0] = 9;
  CHECK(a.Equals(kSample));
  CHECK(b.data() != a.data());
}

TEST_CASE("SecretBytes Equals compares content and size") {
  SecretBytes a(kSample);
  CHECK(a.Equals(kSample));
  CHECK_FALSE(a.Equals(std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 9}));
  CHECK_FALSE(a.Equals(std::vector<uint8_t>{1, 2, 3}));
  CHECK(SecretBytes().Equals(std::vector<uint8_t>{}));
  CHECK_FALSE(SecretBytes().Equals(kSample));
}

TEST_CASE("SecretBytes move leaves the source empty and keeps the buffer") {
  SecretBytes a(kSample);
  const uint8_t* buffer = a.data();
  SecretBytes b(std::move(a));
  CHECK(a.empty());  // NOLINT(bugprone-use-after-move): the contract says so
  CHECK(b.data() == buffer);
  CHECK(b.Equals(kSample));
  SecretBytes c(3);
  c = std::move(b);
  CHECK(b.empty());  // NOLINT(bugprone-use-after-move)
  CHECK(c.Equals(kSample));
}

TEST_CASE("SecretBytes self move-assignment keeps the content") {
  SecretBytes a(kSample);
  SecretBytes& alias = a;
  a = std::move(alias);
  CHECK(a.Equals(kSample));
}

TEST_CASE("SecretBytes resize down wipes the cut tail in place") {
  SecretBytes a(kSample);
  const uint8_t* buffer = a.data();
  a.resize(3);
  CHECK(a.size() == 3);
  CHECK(a.data() == buffer);
  CHECK(a.Equals(std::vector<uint8_t>{1, 2, 3}));
  // The vector keeps its allocation on shrink: the cut bytes are still there, and must be zero.
  CHECK(AllZero(buffer + 3, kSample.size() - 3));
}

TEST_CASE("SecretBytes resize up keeps the content and appends zeros") {
  SecretBytes a(kSample);
  a.resize(100);
  CHECK(a.size() == 100);
  CHECK(std::equal(kSample.begin(), kSample.end(), a.data()));
  CHECK(AllZero(a.data() + kSample.size(), 100 - kSample.size()));
  a.resize(4);
  a.resize(6);  // within capacity: the regrown bytes are zero, not the old 5 and 6
  CHECK(a.Equals(std::vector<uint8_t>{1, 2, 3, 4, 0, 0}));
}

TEST_CASE("SecretBytes clear wipes and empties") {
  SecretBytes a(kSample);
  const uint8_t* buffer = a.data();
  a.clear();
  CHECK(a.empty());
  CHECK(AllZero(buffer, kSample.size()));
}

TEST_CASE("SecretBytes span views the bytes") {
  SecretBytes a(kSample);
  CHECK(a.span().data() == a.data());
  CHECK(a.span().size() == kSample.size());
  a.span()[0] = 42;
  CHECK(a.data()[0] == 42);
}

TEST_CASE("RandomSecret returns n fresh random bytes") {
  auto a = kms::internal::RandomSecret(32);
  auto b = kms::internal::RandomSecret(32);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(a->size() == 32);
  CHECK_FALSE(a->Equals(b->span()));
  CHECK_FALSE(AllZero(a->data(), 32));
  auto empty = kms::internal::RandomSecret(0);
  REQUIRE(empty.has_value());
  CHECK(empty->empty());
}

TEST_CASE("RandomUuid is a lower-case version-4 UUID and unique") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string id = kms::internal::RandomUuid();
    REQUIRE(id.size() == 36);
    for (size_t j = 0; j < id.size(); ++j) {
      bool dash = j == 8 || j == 13 || j == 18 || j == 23;
      CHECK((dash ? id[j] == '-' : std::isxdigit(id[j]) && !std::isupper(id[j])));
    }
    CHECK(id[14] == '4');
    CHECK(std::string("89ab").find(id[19]) != std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("RandomFill never hands out the same bytes twice, across pool refills and sizes") {
  // Draws of every size from 1 to 200 bytes walk through several refills of the per-thread pool
  // and past its largest pooled draw; no 16-byte window may repeat anywhere.
  std::set<std::vector<uint8_t>> windows;
  size_t count = 0;
  for (size_t n = 16; n <= 200; ++n) {
    std::vector<uint8_t> out(n);
    REQUIRE(kms::internal::RandomFill(out).has_value());
    for (size_t i = 0; i + 16 <= n; i += 16) {
      windows.insert(std::vector<uint8_t>(out.begin() + i, out.begin() + i + 16));
      ++count;
    }
  }
  CHECK(windows.size() == count);
}

TEST_CASE("A forked child draws different random bytes from its parent") {
  // Warm the pool so the child inherits unused pooled bytes, then both draw.
  std::vector<uint8_t> warm(8);
  REQUIRE(kms::internal::RandomFill(warm).has_value());
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    uint8_t child[16];
    bool ok = static_cast<bool>(kms::internal::RandomFill(child));
    ssize_t written = ok ? write(fds[1], child, sizeof(child)) : -1;
    _exit(written == static_cast<ssize_t>(sizeof(child)) ? 0 : 1);
  }
  close(fds[1]);
  uint8_t parent[16];
  REQUIRE(kms::internal::RandomFill(parent).has_value());
  uint8_t child[16] = {};
  ssize_t got = read(fds[0], child, sizeof(child));
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  REQUIRE(got == 16);
  CHECK_FALSE(std::equal(std::begin(parent), std::end(parent), std::begin(child)));
}
