// The SDK end to end against the real kms-emulator (KMS_EMULATOR_BIN, started here on port 0
// with posix_spawn, stopped by PID with SIGTERM): every KmsClient operation, errors as the
// service sends them (code, message, HTTP 400, request id), and pagination. Every test case runs
// once per Mode; HTTPS and --auth sigv4 become new rows in Modes().
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <client/temp_dir.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <kms/client.hpp>
#include <kms/internal/encoding.hpp>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

extern char** environ;

namespace kms::test {
namespace {

using namespace std::chrono_literals;
constexpr std::string_view kListening = "kms-emulator listening on ";
constexpr std::string_view kAccount = "111122223333";
const std::string kArnPrefix = "arn:aws:kms:us-east-1:111122223333:";

// A kms-emulator child process. The destructor kills it (SIGKILL) if Stop() was not called.
class EmulatorProcess {
 public:
  EmulatorProcess(const std::vector<std::string>& extra_args, const TempDir& dir) {
    const char* bin = std::getenv("KMS_EMULATOR_BIN");
    REQUIRE_MESSAGE(bin != nullptr, "KMS_EMULATOR_BIN must name the kms-emulator binary");
    std::vector<std::string> args = {bin, "--port", "0", "--db", ":memory:"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int out[2];
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    stderr_path_ = (dir.path() / "emulator.stderr").string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int rc = posix_spawn(&pid_, bin, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    stdout_fd_ = out[0];
    if (rc != 0) {
      pid_ = 0;
      spawn_error_ = rc;
      return;
    }
    url_ = ReadListeningUrl();
  }
  ~EmulatorProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
  }
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  // "http://127.0.0.1:PORT", or "" when the emulator did not start (see Stderr()).
  const std::string& url() const { return url_; }
  int spawn_error() const { return spawn_error_; }

  std::string Stderr() const {
    std::ifstream in(stderr_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // SIGTERM, then waits up to 10 s: the exit status, or -1 if it had to be killed.
  int Stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (auto deadline = std::chrono::steady_clock::now() + 10s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(10ms)) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
    }
    return -1;  // the destructor kills it
  }

 private:
  // The URL in the one line the emulator prints when it listens (10 s at most); "" otherwise.
  std::string ReadListeningUrl() {
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd pfd{stdout_fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0) continue;
      char c = 0;
      if (::read(stdout_fd_, &c, 1) != 1) break;
      if (c == '\n') break;
      line += c;
    }
    if (!line.starts_with(kListening)) return "";
    return line.substr(kListening.size());
  }

  pid_t pid_ = 0;
  int stdout_fd_ = -1;
  int spawn_error_ = 0;
  std::string stderr_path_;
  std::string url_;
};

// How one mode runs the emulator and configures the client. `prepare` may write files (a TLS
// certificate, a credentials file) into the test's directory.
struct ModeSetup {
  std::vector<std::string> emulator_args;
  std::function<void(ClientConfig&)> configure;
};
struct Mode {
  std::string name;
  std::function<ModeSetup(const TempDir& dir)> prepare;
};

std::vector<Mode> Modes() {
  return {
      {"http, --auth none", [](const TempDir&) { return ModeSetup{}; }},
      // To add: "https" (--tls-cert/--tls-key, config.ca_bundle) and "--auth sigv4"
      // (--credentials FILE, config.credentials matching it).
  };
}

// A fresh emulator and a client for it, configured only from here (no machine environment).
struct Fixture {
  explicit Fixture(const Mode& mode) {
    ModeSetup setup = mode.prepare(dir);
    emulator = std::make_unique<EmulatorProcess>(setup.emulator_args, dir);
    REQUIRE_MESSAGE(emulator->spawn_error() == 0,
                    "posix_spawn failed: " << emulator->spawn_error());
    REQUIRE_MESSAGE(!emulator->url().empty(), "emulator did not start: " << emulator->Stderr());
    ClientConfig config;
    config.endpoint_url = emulator->url();
    config.region = "us-east-1";
    config.credentials = Credentials{"AKIAIOSFODNN7EXAMPLE", "e2e-secret", ""};
    config.environment = FixedEnvironment({{"HOME", dir.path().string()}});
    config.retry.max_attempts = 1;
    if (setup.configure) setup.configure(config);
    auto created = KmsClient::Create(config);
    REQUIRE_MESSAGE(created.has_value(), created.error().message);
    client.emplace(std::move(*created));
  }
  // Ends the emulator by PID and checks it shut down cleanly.
  void Stop() {
    int status = emulator->Stop();
    INFO("emulator stderr: " << emulator->Stderr());
    CHECK(status == 0);
  }
  KeyMetadata NewKey(CreateKeyRequest req = {}) {
    auto created = client->CreateKey(req);
    REQUIRE_MESSAGE(created.has_value(), created.error().message);
    REQUIRE(created->KeyMetadata.has_value());
    return *created->KeyMetadata;
  }

  TempDir dir;
  std::unique_ptr<EmulatorProcess> emulator;
  std::optional<KmsClient> client;
};

// Runs `body` once per mode, each with its own emulator.
void ForEachMode(const std::function<void(Fixture&)>& body) {
  for (const Mode& mode : Modes()) {
    INFO("mode: " << mode.name);
    Fixture f(mode);
    body(f);
    f.Stop();
  }
}

internal::SecretBytes Bytes(std::string_view s) {
  return internal::SecretBytes(internal::AsBytes(s));
}
std::string Text(const internal::SecretBytes& b) { return {b.span().begin(), b.span().end()}; }

// An error as the service sent it: code, exact message, HTTP 400, a request id.
template <class T>
void CheckServiceError(const Result<T>& result, ErrorCode code, const std::string& message) {
  REQUIRE_FALSE(result.has_value());
  CHECK(TypeName(result.error().code) == TypeName(code));
  CHECK(result.error().message == message);
  CHECK(result.error().http_status == 400);
  CHECK_FALSE(result.error().request_id.empty());
}

bool Near(std::optional<Timestamp> t, std::chrono::system_clock::duration from_now) {
  if (!t) return false;
  auto delta = *t - (std::chrono::system_clock::now() + from_now);
  return delta < 10min && delta > -10min;
}

TEST_CASE("Key management operations work end to end") {
  ForEachMode([](Fixture& f) {
    KeyMetadata key = f.NewKey({.Description = "e2e",
                                .KeyUsage = KeyUsage::kEncryptDecrypt,
                                .KeySpec = KeySpec::kSymmetricDefault,
                                .Tags = {{"team", "sdk"}}});
    CHECK(key.AWSAccountId == kAccount);
    CHECK(key.Arn == kArnPrefix + "key/" + key.KeyId);
    CHECK(key.Description == "e2e");
    CHECK(key.Enabled == true);
    CHECK(key.KeyState == KeyState::kEnabled);
    CHECK(key.Origin == Origin::kAwsKms);
    CHECK(key.KeyManager == KeyManager::kCustomer);
    CHECK(key.EncryptionAlgorithms == std::vector{EncryptionAlgorithm::kSymmetricDefault});
    CHECK(Near(key.CreationDate, 0s));
    CHECK_FALSE(key.CurrentKeyMaterialId.empty());
    REQUIRE(f.client->CreateAlias({"alias/e2e", key.KeyId}).has_value());
    for (const std::string& id :
         {key.KeyId, key.Arn, std::string("alias/e2e"), kArnPrefix + "alias/e2e"}) {
      auto described = f.client->DescribeKey({id, {}});
      REQUIRE_MESSAGE(described.has_value(), id);
      CHECK(described->KeyMetadata->KeyId == key.KeyId);
    }
    REQUIRE(f.client->UpdateKeyDescription({key.KeyId, "changed"}).has_value());
    CHECK(f.client->DescribeKey({key.KeyId, {}})->KeyMetadata->Description == "changed");
    REQUIRE(f.client->DisableKey({key.KeyId}).has_value());
    CHECK(f.client->DescribeKey({key.KeyId, {}})->KeyMetadata->KeyState == KeyState::kDisabled);
    REQUIRE(f.client->EnableKey({key.KeyId}).has_value());
    CHECK(f.client->DescribeKey({key.KeyId, {}})->KeyMetadata->Enabled == true);
    auto scheduled = f.client->ScheduleKeyDeletion({key.KeyId, 7});
    REQUIRE(scheduled.has_value());
    CHECK(scheduled->KeyId == key.Arn);
    CHECK(scheduled->KeyState == KeyState::kPendingDeletion);
    CHECK(scheduled->PendingWindowInDays == 7);
    CHECK(Near(scheduled->DeletionDate, 7 * 24h));
    auto pending = f.client->DescribeKey({key.KeyId, {}});
    CHECK(pending->KeyMetadata->KeyState == KeyState::kPendingDeletion);
    CHECK(pending->KeyMetadata->DeletionDate == scheduled->DeletionDate);
    auto cancelled = f.client->CancelKeyDeletion({key.KeyId});
    REQUIRE(cancelled.has_value());
    CHECK(cancelled->KeyId == key.Arn);
    CHECK(f.client->DescribeKey({key.KeyId, {}})->KeyMetadata->KeyState == KeyState::kDisabled);
  });
}

TEST_CASE("Cryptographic operations round-trip end to end") {
  ForEachMode([](Fixture& f) {
    KeyMetadata a = f.NewKey(), b = f.NewKey();
    EncryptionContextMap context{{"purpose", "e2e"}};
    auto encrypted = f.client->Encrypt(
        {.KeyId = a.KeyId, .Plaintext = Bytes("attack at dawn"), .EncryptionContext = context});
    REQUIRE(encrypted.has_value());
    CHECK(encrypted->KeyId == a.Arn);
    CHECK(encrypted->EncryptionAlgorithm == EncryptionAlgorithm::kSymmetricDefault);
    auto decrypted = f.client->Decrypt(
        {.CiphertextBlob = encrypted->CiphertextBlob, .EncryptionContext = context});
    REQUIRE(decrypted.has_value());
    CHECK(Text(decrypted->Plaintext) == "attack at dawn");
    CHECK(decrypted->KeyId == a.Arn);
    CHECK(decrypted->KeyMaterialId == a.CurrentKeyMaterialId);

    auto moved = f.client->ReEncrypt({.CiphertextBlob = encrypted->CiphertextBlob,
                                      .SourceEncryptionContext = context,
                                      .DestinationKeyId = "alias/none-yet-" + b.KeyId});
    CheckServiceError(moved, ErrorCode::kNotFound,
                      "Alias " + kArnPrefix + "alias/none-yet-" + b.KeyId + " is not found.");
    moved = f.client->ReEncrypt({.CiphertextBlob = encrypted->CiphertextBlob,
                                 .SourceEncryptionContext = context,
                                 .DestinationKeyId = b.Arn});
    REQUIRE(moved.has_value());
    CHECK(moved->SourceKeyId == a.Arn);
    CHECK(moved->KeyId == b.Arn);
    auto again = f.client->Decrypt({.CiphertextBlob = moved->CiphertextBlob, .KeyId = b.KeyId});
    REQUIRE(again.has_value());
    CHECK(Text(again->Plaintext) == "attack at dawn");

    auto data_key = f.client->GenerateDataKey(
        {.KeyId = a.KeyId, .EncryptionContext = context, .KeySpec = DataKeySpec::kAes256});
    REQUIRE(data_key.has_value());
    CHECK(data_key->Plaintext.size() == 32);
    CHECK(data_key->KeyId == a.Arn);
    auto unwrapped = f.client->Decrypt(
        {.CiphertextBlob = data_key->CiphertextBlob, .EncryptionContext = context});
    REQUIRE(unwrapped.has_value());
    CHECK(unwrapped->Plaintext.Equals(data_key->Plaintext.span()));
    auto long_key = f.client->GenerateDataKey({.KeyId = a.Arn, .NumberOfBytes = 64});
    REQUIRE(long_key.has_value());
    CHECK(long_key->Plaintext.size() == 64);

    auto sealed = f.client->GenerateDataKeyWithoutPlaintext(
        {.KeyId = "alias/missing-" + a.KeyId, .KeySpec = DataKeySpec::kAes128});
    CHECK_FALSE(sealed.has_value());
    sealed = f.client->GenerateDataKeyWithoutPlaintext(
        {.KeyId = a.KeyId, .KeySpec = DataKeySpec::kAes128});
    REQUIRE(sealed.has_value());
    auto opened = f.client->Decrypt({.CiphertextBlob = sealed->CiphertextBlob});
    REQUIRE(opened.has_value());
    CHECK(opened->Plaintext.size() == 16);

    auto r1 = f.client->GenerateRandom({1024, std::nullopt});
    auto r2 = f.client->GenerateRandom({1024, std::nullopt});
    REQUIRE((r1.has_value() && r2.has_value()));
    CHECK(r1->Plaintext.size() == 1024);
    CHECK_FALSE(r1->Plaintext.Equals(r2->Plaintext.span()));
  });
}

TEST_CASE("Alias and tag operations work end to end") {
  ForEachMode([](Fixture& f) {
    KeyMetadata a = f.NewKey(), b = f.NewKey();
    REQUIRE(f.client->CreateAlias({"alias/app", a.KeyId}).has_value());
    auto listed = f.client->ListAliases({.KeyId = a.KeyId});
    REQUIRE(listed.has_value());
    REQUIRE(listed->Aliases.size() == 1);
    CHECK(listed->Aliases[0].AliasName == "alias/app");
    CHECK(listed->Aliases[0].AliasArn == kArnPrefix + "alias/app");
    CHECK(listed->Aliases[0].TargetKeyId == a.KeyId);
    CHECK(Near(listed->Aliases[0].CreationDate, 0s));
    REQUIRE(f.client->UpdateAlias({"alias/app", b.KeyId}).has_value());
    CHECK(f.client->DescribeKey({"alias/app", {}})->KeyMetadata->KeyId == b.KeyId);
    REQUIRE(f.client->DeleteAlias({"alias/app"}).has_value());
    CHECK(f.client->ListAliases({.KeyId = b.KeyId})->Aliases.empty());

    REQUIRE(f.client->TagResource({a.KeyId, {{"b", "2"}, {"a", "1"}, {"c", ""}}}).has_value());
    auto tags = f.client->ListResourceTags({.KeyId = a.KeyId});
    REQUIRE(tags.has_value());
    std::set<std::pair<std::string, std::string>> got;
    for (const Tag& t : tags->Tags) got.emplace(t.TagKey, t.TagValue);
    CHECK(got == std::set<std::pair<std::string, std::string>>{{"a", "1"}, {"b", "2"}, {"c", ""}});
    REQUIRE(f.client->UntagResource({a.KeyId, {"a", "c"}}).has_value());
    tags = f.client->ListResourceTags({.KeyId = a.Arn});
    REQUIRE(tags.has_value());
    REQUIRE(tags->Tags.size() == 1);
    CHECK(tags->Tags[0].TagKey == "b");
  });
}

TEST_CASE("Errors carry the AWS code, message, HTTP status 400 and a request id") {
  ForEachMode([](Fixture& f) {
    KeyMetadata key = f.NewKey();
    CheckServiceError(f.client->DescribeKey({"alias/missing", {}}), ErrorCode::kNotFound,
                      "Alias " + kArnPrefix + "alias/missing is not found.");
    CheckServiceError(f.client->DescribeKey({"nope", {}}), ErrorCode::kNotFound,
                      "Invalid keyId 'nope'");
    CheckServiceError(f.client->CancelKeyDeletion({key.KeyId}), ErrorCode::kInvalidState,
                      key.Arn + " is not pending deletion.");
    CheckServiceError(f.client->ScheduleKeyDeletion({key.KeyId, 3}), ErrorCode::kValidation,
                      "PendingWindowInDays must be between 7 and 30");
    CheckServiceError(f.client->GenerateRandom({0, std::nullopt}), ErrorCode::kValidation,
                      "1 validation error detected: Value '0' at 'numberOfBytes' failed to "
                      "satisfy constraint: Member must have value greater than or equal to 1");
    CheckServiceError(f.client->GenerateDataKey({.KeyId = key.KeyId}), ErrorCode::kValidation,
                      "Please specify either number of bytes or key spec.");
    CheckServiceError(f.client->ListKeys({.Marker = "bogus"}), ErrorCode::kInvalidMarker,
                      "Invalid marker");
    CheckServiceError(f.client->TagResource({key.KeyId, {{"aws:x", "1"}}}), ErrorCode::kTag,
                      "Tags beginning with aws: are reserved");
    REQUIRE(f.client->CreateAlias({"alias/once", key.KeyId}).has_value());
    CheckServiceError(f.client->CreateAlias({"alias/once", key.KeyId}), ErrorCode::kAlreadyExists,
                      "An alias with the name " + kArnPrefix + "alias/once already exists");
    CheckServiceError(f.client->CreateAlias({"once", key.KeyId}), ErrorCode::kValidation,
                      "Alias must start with the prefix \"alias/\". Please see "
                      "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");

    auto blob = f.client->Encrypt(
        {.KeyId = key.KeyId, .Plaintext = Bytes("x"), .EncryptionContext = {{"k", "v"}}});
    REQUIRE(blob.has_value());
    CheckServiceError(f.client->Decrypt({.CiphertextBlob = blob->CiphertextBlob,
                                         .EncryptionContext = {{"k", "other"}}}),
                      ErrorCode::kInvalidCiphertext, "");
    CheckServiceError(f.client->Decrypt({.CiphertextBlob = Blob{1, 2, 3}}),
                      ErrorCode::kInvalidCiphertext, "");
    KeyMetadata other = f.NewKey();
    CheckServiceError(f.client->Decrypt({.CiphertextBlob = blob->CiphertextBlob,
                                         .EncryptionContext = {{"k", "v"}},
                                         .KeyId = other.KeyId}),
                      ErrorCode::kIncorrectKey,
                      "The key ID in the request does not identify a CMK that can perform this "
                      "operation.");
    REQUIRE(f.client->DisableKey({key.KeyId}).has_value());
    CheckServiceError(f.client->Encrypt({.KeyId = key.KeyId, .Plaintext = Bytes("x")}),
                      ErrorCode::kDisabled, key.Arn + " is disabled.");
    REQUIRE(f.client->ScheduleKeyDeletion({key.KeyId, 30}).has_value());
    CheckServiceError(f.client->GenerateDataKey({.KeyId = key.KeyId, .NumberOfBytes = 16}),
                      ErrorCode::kInvalidState, key.Arn + " is pending deletion.");

    auto first = f.client->DescribeKey({"nope", {}});
    auto second = f.client->DescribeKey({"nope", {}});
    CHECK(first.error().request_id != second.error().request_id);
  });
}

// Follows NextMarker with `limit` per page; every page but the last is full and Truncated.
template <class Request, class Response, class Entry>
std::vector<Entry> AllPages(const KmsClient& client,
                            Result<Response> (KmsClient::*call)(const Request&) const,
                            std::vector<Entry> Response::*entries, Request request, int limit,
                            size_t expected) {
  std::vector<Entry> all;
  request.Limit = limit;
  for (int page = 0; page < 100; ++page) {
    auto response = (client.*call)(request);
    REQUIRE_MESSAGE(response.has_value(), response.error().message);
    all.insert(all.end(), ((*response).*entries).begin(), ((*response).*entries).end());
    bool truncated = response->Truncated.value_or(false);
    CHECK(truncated == (all.size() < expected));
    if (!truncated) {
      CHECK(response->NextMarker.empty());
      break;
    }
    CHECK(((*response).*entries).size() == static_cast<size_t>(limit));
    REQUIRE_FALSE(response->NextMarker.empty());
    request.Marker = response->NextMarker;
  }
  CHECK(all.size() == expected);
  return all;
}

TEST_CASE("List operations paginate with Limit, NextMarker and Truncated") {
  ForEachMode([](Fixture& f) {
    std::set<std::string> created;
    for (int i = 0; i < 7; ++i) created.insert(f.NewKey().KeyId);
    auto keys =
        AllPages(*f.client, &KmsClient::ListKeys, &ListKeysResponse::Keys, ListKeysRequest{}, 3, 7);
    std::set<std::string> listed;
    for (const KeyListEntry& k : keys) {
      CHECK(k.KeyArn == kArnPrefix + "key/" + k.KeyId);
      listed.insert(k.KeyId);
    }
    CHECK(listed == created);
    auto everything = f.client->ListKeys();
    REQUIRE(everything.has_value());
    CHECK(everything->Keys.size() == 7);
    CHECK(everything->Truncated == false);

    const std::string target = *created.begin();
    for (int i = 0; i < 5; ++i) {
      REQUIRE(f.client->CreateAlias({"alias/page-" + std::to_string(i), target}).has_value());
    }
    auto aliases = AllPages(*f.client, &KmsClient::ListAliases, &ListAliasesResponse::Aliases,
                            ListAliasesRequest{.KeyId = target}, 2, 5);
    std::set<std::string> names;
    for (const AliasListEntry& a : aliases) names.insert(a.AliasName);
    CHECK(names.size() == 5);

    std::vector<Tag> tags;
    for (int i = 0; i < 5; ++i) tags.push_back({"t" + std::to_string(i), "v"});
    REQUIRE(f.client->TagResource({target, tags}).has_value());
    AllPages(*f.client, &KmsClient::ListResourceTags, &ListResourceTagsResponse::Tags,
             ListResourceTagsRequest{.KeyId = target}, 2, 5);
  });
}

TEST_CASE("A request that reaches no server fails with HTTP status 0 and no request id") {
  TempDir dir;
  ClientConfig config;
  config.endpoint_url = "http://127.0.0.1:1";
  config.region = "us-east-1";
  config.credentials = Credentials{"AKIAIOSFODNN7EXAMPLE", "e2e-secret", ""};
  config.environment = FixedEnvironment({{"HOME", dir.path().string()}});
  config.retry.max_attempts = 1;
  auto client = KmsClient::Create(config);
  REQUIRE(client.has_value());
  auto result = client->ListKeys();
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code == ErrorCode::kInternal);
  CHECK(result.error().message.starts_with(
      "Could not connect to the endpoint URL: \"http://127.0.0.1:1/\""));
  CHECK(result.error().http_status == 0);
  CHECK(result.error().request_id.empty());
}

}  // namespace
}  // namespace kms::test
