// Streaming encryption and decryption: odd chunk sizes, constant memory on large inputs, what is
// released when (signed and unsigned suites), Discard on failure, and the stock sinks.
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <kms/envelope/stream.hpp>
#include <sstream>

#include "envelope/envelope_support.hpp"

namespace kms::envelope::test {

TEST_CASE("Streaming in odd chunk sizes matches one-shot results both ways") {
  auto keyring = AesKeyring();
  for (auto id : {AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384,
                  AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey,
                  AlgorithmSuiteId::kAes192GcmIv12Tag16HkdfSha384EcdsaP384,
                  AlgorithmSuiteId::kAes128GcmIv12Tag16NoKdf}) {
    for (size_t size : {0, 1, 99, 100, 101, 1000}) {
      auto plaintext = Pattern(size, 3);
      for (size_t chunk : {1, 3, 7, 100, 4093}) {
        CAPTURE(size);
        CAPTURE(chunk);
        auto message = StreamEncrypt(*keyring, plaintext, OptionsFor(id, 100), chunk);
        auto one_shot = Decrypt(*keyring, message, DecryptFor(id));
        REQUIRE_MESSAGE(one_shot.has_value(), one_shot.error().message);
        CHECK(Same(one_shot->plaintext.span(), plaintext));
        MemorySink sink;
        auto st = StreamDecryptInto(*keyring, message, DecryptFor(id), chunk, sink);
        REQUIRE_MESSAGE(st.has_value(), st.error().message);
        CHECK(Same(sink.bytes(), plaintext));
      }
    }
  }
}

TEST_CASE("Streaming 48 MiB each way stays within a few MiB of memory") {
  auto keyring = AesKeyring();
  const size_t kTotal = size_t{48} << 20;
  auto block = Pattern(size_t{1} << 20, 9);
  uint64_t expected_sum = 0;
  for (size_t i = 0; i < kTotal / block.size(); ++i) {
    for (uint8_t b : block) expected_sum = expected_sum * 31 + b;
  }
  RecordingSink message;  // keeps the ciphertext for the decryption half
  auto encryptor = StreamEncryptor::Create(*keyring, {}, message);
  REQUIRE(encryptor.has_value());
  for (size_t done = 0; done < kTotal; done += block.size()) {
    REQUIRE(encryptor->Update(block).has_value());
  }
  REQUIRE(encryptor->Finish().has_value());
  CHECK(encryptor->peak_buffered_bytes() < (size_t{3} << 20));
  CHECK(message.writes > 40);  // output left in pieces, not at the end

  CountingSink plaintext;
  StreamDecryptor decryptor(*keyring, {}, plaintext);
  const size_t kChunk = 65521;  // a prime, so frames straddle every chunk boundary
  for (size_t i = 0; i < message.data.size(); i += kChunk) {
    auto n = std::min(kChunk, message.data.size() - i);
    REQUIRE(decryptor.Update({message.data.data() + i, n}).has_value());
  }
  REQUIRE(decryptor.Finish().has_value());
  CHECK(plaintext.size == kTotal);
  CHECK(plaintext.sum == expected_sum);
  CHECK(decryptor.peak_buffered_bytes() < (size_t{3} << 20));
}

// Signed messages hash their first 4 MiB inline and the rest on a second thread; these sizes
// are past that point.
constexpr size_t kLargeSigned = (size_t{9} << 20) + 4321;

// The aws-crypto-public-key of a (well-formed) signed message.
std::string PublicKeyOf(std::span<const uint8_t> message) {
  auto layout = InspectMessage(message);
  REQUIRE_MESSAGE(layout.has_value(), layout.error().message);
  return layout->header.encryption_context.at("aws-crypto-public-key");
}

// Checks the footer with OpenSSL alone: an ECDSA P-384 signature, by `base64` (a compressed
// point), over the SHA-384 of every byte before the footer.
bool FooterSignsMessage(std::span<const uint8_t> message, const std::string& base64) {
  std::vector<uint8_t> point(base64.size());
  int decoded = EVP_DecodeBlock(point.data(), reinterpret_cast<const uint8_t*>(base64.data()),
                                static_cast<int>(base64.size()));
  REQUIRE(decoded > 0);
  point.resize(static_cast<size_t>(decoded) - std::count(base64.begin(), base64.end(), '='));
  size_t signature_length = 0;  // DER: 0x30, then at most 104 bytes in all for P-384
  for (size_t n = 8; n <= 104 && signature_length == 0; ++n) {
    const uint8_t* at = message.data() + message.size() - n - 2;
    if (((at[0] << 8) | at[1]) == static_cast<int>(n) && at[2] == 0x30) signature_length = n;
  }
  REQUIRE(signature_length != 0);
  auto signed_bytes = message.first(message.size() - signature_length - 2);
  uint8_t digest[48];
  unsigned digest_length = 0;
  REQUIRE(EVP_Digest(signed_bytes.data(), signed_bytes.size(), digest, &digest_length, EVP_sha384(),
                     nullptr) == 1);
  char group[] = "P-384";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  EVP_PKEY_CTX* from = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* key = nullptr;
  bool loaded = EVP_PKEY_fromdata_init(from) == 1 &&
                EVP_PKEY_fromdata(from, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(from);
  REQUIRE(loaded);
  EVP_PKEY_CTX* verify = EVP_PKEY_CTX_new(key, nullptr);
  bool ok = EVP_PKEY_verify_init(verify) == 1 &&
            EVP_PKEY_CTX_set_signature_md(verify, EVP_sha384()) == 1 &&
            EVP_PKEY_verify(verify, signed_bytes.data() + signed_bytes.size() + 2, signature_length,
                            digest, digest_length) == 1;
  EVP_PKEY_CTX_free(verify);
  EVP_PKEY_free(key);
  return ok;
}

TEST_CASE("A large signed message is signed over the SHA-384 of every byte before its footer") {
  auto keyring = AesKeyring();
  auto plaintext = Pattern(kLargeSigned, 5);
  for (size_t chunk : {size_t{1} << 20, size_t{333331}}) {
    CAPTURE(chunk);
    auto message = StreamEncrypt(*keyring, plaintext, {}, chunk);
    auto public_key = PublicKeyOf(message);
    CHECK(FooterSignsMessage(message, public_key));
    message[message.size() / 2] ^= 0x40;  // a body byte: the signature no longer covers it
    CHECK_FALSE(FooterSignsMessage(message, public_key));
  }
  auto one_shot = EncryptOrDie(*keyring, plaintext, {});
  CHECK(FooterSignsMessage(one_shot, PublicKeyOf(one_shot)));
}

TEST_CASE("A large signed message decrypts in chunks; a changed signature fails at the footer") {
  auto keyring = AesKeyring();
  auto plaintext = Pattern(kLargeSigned, 6);
  auto message = EncryptOrDie(*keyring, plaintext, {});
  for (size_t chunk : {size_t{65521}, size_t{1} << 20}) {
    CAPTURE(chunk);
    CountingSink sink;
    REQUIRE(StreamDecryptInto(*keyring, message, {}, chunk, sink).has_value());
    CHECK(sink.size == plaintext.size());
    CHECK(sink.sum == Checksum(plaintext));
  }
  message[message.size() - 5] ^= 0x01;  // inside the signature
  RecordingSink sink;
  auto st = StreamDecryptInto(*keyring, message, {}, 65521, sink);
  REQUIRE(!st.has_value());
  CHECK(st.error().code == ErrorCode::kInvalidCiphertext);
  CHECK(st.error().message == "Signature verification failed");
  CHECK(sink.writes > 0);  // regular frames were released before the footer
  CHECK(sink.discards == 1);
  auto one_shot = Decrypt(*keyring, message, {});
  REQUIRE(!one_shot.has_value());
  CHECK(one_shot.error().message == "Signature verification failed");
}

TEST_CASE("Streams of a large signed message dropped halfway stop cleanly") {
  auto keyring = AesKeyring();
  auto plaintext = Pattern(kLargeSigned, 7);
  auto message = EncryptOrDie(*keyring, plaintext, {});
  auto first_part = std::span<const uint8_t>(message).first(size_t{7} << 20);
  {
    CountingSink sink;
    StreamDecryptor decryptor(*keyring, {}, sink);
    REQUIRE(decryptor.Update(first_part).has_value());
    auto finish = decryptor.Finish();
    REQUIRE(!finish.has_value());
    CHECK(finish.error().message.starts_with("Message is truncated: it ends in frame "));
    CHECK(sink.discards == 1);
  }
  {
    CountingSink sink;
    StreamDecryptor decryptor(*keyring, {}, sink);
    REQUIRE(decryptor.Update(first_part).has_value());
    CHECK(sink.size > (size_t{6} << 20));
  }  // destroyed while its hashing thread may still be busy
  {
    RecordingSink sink;
    auto encryptor = StreamEncryptor::Create(*keyring, {}, sink);
    REQUIRE(encryptor.has_value());
    REQUIRE(
        encryptor->Update(std::span<const uint8_t>(plaintext).first(size_t{6} << 20)).has_value());
    CHECK(sink.data.size() > (size_t{6} << 20));
  }  // never finished
}

TEST_CASE("Unsigned suites release each frame as soon as its tag verifies") {
  auto keyring = AesKeyring();
  auto id = AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey;
  auto plaintext = Pattern(150);
  auto message = EncryptOrDie(*keyring, plaintext, OptionsFor(id, 64));
  auto layout = InspectMessage(message);
  REQUIRE(layout.has_value());
  const size_t frame1_end = layout->header.header_length + 4 + 12 + 64 + 16;
  RecordingSink sink;
  StreamDecryptor decryptor(*keyring, DecryptFor(id), sink);
  REQUIRE(decryptor.Update({message.data(), frame1_end - 1}).has_value());
  CHECK(sink.data.empty());  // frame 1's tag is not complete yet
  REQUIRE(decryptor.header() != nullptr);
  CHECK(decryptor.header()->frame_length == 64);
  REQUIRE(decryptor.Update({message.data() + frame1_end - 1, 1}).has_value());
  CHECK(Same(sink.data, std::span<const uint8_t>(plaintext).first(64)));
  REQUIRE(decryptor.Update(std::span<const uint8_t>(message).subspan(frame1_end)).has_value());
  CHECK(Same(sink.data, plaintext));  // the final frame ends an unsigned message
  CHECK(decryptor.Finish().has_value());
}

TEST_CASE("Signed suites hold the final frame until the signature verifies") {
  auto keyring = AesKeyring();
  auto plaintext = Pattern(150);
  auto message =
      EncryptOrDie(*keyring, plaintext,
                   OptionsFor(AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384, 64));
  RecordingSink sink;
  StreamDecryptor decryptor(*keyring, {}, sink);
  REQUIRE(
      decryptor.Update(std::span<const uint8_t>(message).first(message.size() - 1)).has_value());
  CHECK(Same(sink.data, std::span<const uint8_t>(plaintext).first(128)));  // regular frames only
  REQUIRE(decryptor.Update(std::span<const uint8_t>(message).last(1)).has_value());
  CHECK(Same(sink.data, plaintext));
  CHECK(decryptor.Finish().has_value());
  CHECK(sink.discards == 0);
}

TEST_CASE("A failure after released frames calls Discard and wipes the sink") {
  auto keyring = AesKeyring();
  auto plaintext = Pattern(150);
  auto message =
      EncryptOrDie(*keyring, plaintext,
                   OptionsFor(AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384, 64));
  message.back() ^= 0x01;  // signature
  RecordingSink sink;
  auto st = StreamDecryptInto(*keyring, message, {}, 17, sink);
  REQUIRE(!st.has_value());
  CHECK(st.error().message == "Signature verification failed");
  CHECK(sink.discards == 1);
  CHECK(sink.writes > 0);  // regular frames had been released before the footer
  CHECK(sink.data.empty());

  StreamDecryptor decryptor(*keyring, {}, sink);
  auto truncated = std::span<const uint8_t>(message).first(message.size() / 2);
  REQUIRE(decryptor.Update(truncated).has_value());
  auto finish = decryptor.Finish();
  REQUIRE(!finish.has_value());
  CHECK(finish.error().message.starts_with("Message is truncated: it ends "));
  CHECK(sink.discards == 2);
  // The failure is sticky.
  auto again = decryptor.Update(std::span<const uint8_t>(message).subspan(message.size() / 2));
  REQUIRE(!again.has_value());
  CHECK(again.error().message == finish.error().message);
}

TEST_CASE("A sink that does not take buffers says so and keeps the buffer; streams then Write") {
  RecordingSink sink;
  std::vector<uint8_t> buffer = Pattern(10);
  auto taken = static_cast<Sink&>(sink).Take(buffer, buffer.size());
  REQUIRE(taken.has_value());
  CHECK_FALSE(*taken);
  CHECK(Same(buffer, Pattern(10)));
  SecretBytes secret(Pattern(10));
  auto secret_taken = static_cast<Sink&>(sink).Take(secret, secret.size());
  REQUIRE(secret_taken.has_value());
  CHECK_FALSE(*secret_taken);
  CHECK(Same(secret.span(), Pattern(10)));
}

TEST_CASE("Streams hand whole buffers to a sink that takes them, with the same bytes as Write") {
  auto keyring = AesKeyring();
  auto plaintext = Pattern((size_t{5} << 20) + 12345, 21);  // several flushes, and a tail
  for (auto id : {AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384,
                  AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey}) {
    CAPTURE(static_cast<int>(id));
    TakingSink message;
    auto encryptor = StreamEncryptor::Create(*keyring, OptionsFor(id), message);
    REQUIRE(encryptor.has_value());
    const size_t kChunk = size_t{1} << 20;  // as kmsctl reads: each flush is a little over 1 MiB
    for (size_t i = 0; i < plaintext.size(); i += kChunk) {
      auto chunk = std::span<const uint8_t>(plaintext).subspan(i);
      REQUIRE(encryptor->Update(chunk.first(std::min(chunk.size(), kChunk))).has_value());
    }
    REQUIRE(encryptor->Finish().has_value());
    CHECK(message.vectors >= 5);  // the ciphertext went over in taken buffers
    CHECK(message.discards == 0);
    // The output buffer stops growing a little past the 1 MiB flush size (the taken ones would
    // otherwise double to 2 MiB each in the sink).
    CHECK(encryptor->peak_buffered_bytes() < size_t{1200} * 1024);
    auto one_shot = Decrypt(*keyring, message.data, DecryptFor(id));
    REQUIRE_MESSAGE(one_shot.has_value(), one_shot.error().message);
    CHECK(Same(one_shot->plaintext.span(), plaintext));

    TakingSink decrypted;
    auto st = StreamDecryptInto(*keyring, message.data, DecryptFor(id), 333333, decrypted);
    REQUIRE_MESSAGE(st.has_value(), st.error().message);
    CHECK(decrypted.secrets >= 4);  // and the plaintext in taken SecretBytes
    CHECK(decrypted.vectors == 0);
    CHECK(Same(decrypted.data, plaintext));
  }
}

TEST_CASE("A sink whose Take fails stops the stream with its error and is discarded once") {
  auto keyring = AesKeyring();
  auto plaintext = Pattern(size_t{4} << 20, 22);
  TakingSink sink;
  sink.fail_after = 2;
  auto encryptor = StreamEncryptor::Create(*keyring, {}, sink);
  REQUIRE(encryptor.has_value());
  auto st = encryptor->Update(plaintext);
  REQUIRE(!st.has_value());
  CHECK(st.error().message == "taking failed");
  CHECK(sink.discards == 1);
  CHECK(sink.data.empty());

  auto message = EncryptOrDie(*keyring, plaintext, {});
  TakingSink out;
  out.fail_after = 1;
  auto decrypted = StreamDecryptInto(*keyring, message, {}, size_t{1} << 20, out);
  REQUIRE(!decrypted.has_value());
  CHECK(decrypted.error().message == "taking failed");
  CHECK(out.discards == 1);
  CHECK(out.data.empty());
}

TEST_CASE("refuse_signed_suites stops a signed message right after its header") {
  auto keyring = AesKeyring();
  DecryptOptions options;
  options.refuse_signed_suites = true;
  RecordingSink sink;
  auto signed_message = EncryptOrDie(*keyring, Pattern(10), {});
  auto st = StreamDecryptInto(*keyring, signed_message, options, 4096, sink);
  REQUIRE(!st.has_value());
  CHECK(st.error().code == ErrorCode::kValidation);
  CHECK(st.error().message == "Algorithm suite 0x0578 is signed; the options refuse signed suites");
  auto unsigned_message = EncryptOrDie(*keyring, Pattern(10),
                                       OptionsFor(AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKey));
  RecordingSink ok;
  CHECK(StreamDecryptInto(*keyring, unsigned_message, options, 4096, ok).has_value());
  CHECK(Same(ok.data, Pattern(10)));
}

TEST_CASE("EncryptStream and DecryptStream work over std::istream") {
  auto keyring = AesKeyring();
  auto plaintext = Pattern(3 * 1024 * 1024 + 5);
  std::istringstream in(std::string(plaintext.begin(), plaintext.end()));
  MemorySink message;
  auto header = EncryptStream(*keyring, in, message);
  REQUIRE_MESSAGE(header.has_value(), header.error().message);
  CHECK(header->suite->id == AlgorithmSuiteId::kAes256GcmHkdfSha512CommitKeyEcdsaP384);
  auto bytes = message.bytes();
  std::istringstream cin(std::string(bytes.begin(), bytes.end()));
  MemorySink out;
  auto decrypted = DecryptStream(*keyring, cin, out);
  REQUIRE_MESSAGE(decrypted.has_value(), decrypted.error().message);
  CHECK(decrypted->message_id == header->message_id);
  auto taken = out.Take();
  CHECK(Same(taken.span(), plaintext));
  CHECK(out.bytes().empty());
}

TEST_CASE("EncryptStream and DecryptStream refuse an input stream that is not readable") {
  auto keyring = AesKeyring();
  std::ifstream missing("/nonexistent/kms-envelope-input");
  RecordingSink sink;
  auto encrypted = EncryptStream(*keyring, missing, sink);
  REQUIRE(!encrypted.has_value());
  CHECK(encrypted.error().code == ErrorCode::kValidation);
  CHECK(encrypted.error().message == "Cannot read the input");
  CHECK(sink.discards == 1);
  CHECK(sink.data.empty());
  auto decrypted = DecryptStream(*keyring, missing, sink);
  REQUIRE(!decrypted.has_value());
  CHECK(decrypted.error().message == "Cannot read the input");
}

TEST_CASE("StreamEncryptor refuses to be used after Finish") {
  auto keyring = AesKeyring();
  MemorySink sink;
  auto encryptor = StreamEncryptor::Create(*keyring, {}, sink);
  REQUIRE(encryptor.has_value());
  REQUIRE(encryptor->Finish().has_value());
  auto st = encryptor->Update(Pattern(3));
  REQUIRE(!st.has_value());
  CHECK(st.error().message == "The message is already finished");
  CHECK(sink.bytes().empty());  // a failure discards the output
}

TEST_CASE("StreamEncryptor::Create fails like Encrypt and discards the sink") {
  auto keyring = AesKeyring();
  RecordingSink sink;
  EncryptOptions options;
  options.frame_length = 0;
  auto encryptor = StreamEncryptor::Create(*keyring, options, sink);
  REQUIRE(!encryptor.has_value());
  CHECK(encryptor.error().message == "Frame length must be between 1 and 4294967295 bytes");
  CHECK(sink.discards == 1);
}

TEST_CASE("FileSink keeps good output and removes the file when decryption fails") {
  auto keyring = AesKeyring();
  auto dir =
      std::filesystem::temp_directory_path() / ("kms-envelope-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto plaintext = Pattern(10000);
  auto message = EncryptOrDie(*keyring, plaintext, {});
  {
    auto sink = FileSink::Open((dir / "good").string());
    REQUIRE(sink.has_value());
    REQUIRE(StreamDecryptInto(*keyring, message, {}, 999, *sink).has_value());
    REQUIRE(sink->Close().has_value());
    std::ifstream in(dir / "good", std::ios::binary);
    std::vector<uint8_t> got((std::istreambuf_iterator<char>(in)), {});
    CHECK(Same(got, plaintext));
    CHECK((std::filesystem::status(dir / "good").permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  }
  {
    message[message.size() - 3] ^= 1;
    auto sink = FileSink::Open((dir / "bad").string());
    REQUIRE(sink.has_value());
    CHECK(!StreamDecryptInto(*keyring, message, {}, 999, *sink).has_value());
    CHECK(!std::filesystem::exists(dir / "bad"));
  }
  auto missing = FileSink::Open((dir / "no-such-dir" / "x").string());
  REQUIRE(!missing.has_value());
  CHECK(missing.error().message ==
        "Cannot open " + (dir / "no-such-dir" / "x").string() + ": No such file or directory");
  std::filesystem::remove_all(dir);
}

TEST_CASE("FileSink::Discard leaves a FIFO and a path that names another file by then") {
  // Never a real device here: a bug would remove it from the machine running the tests.
  auto keyring = AesKeyring();
  auto dir =
      std::filesystem::temp_directory_path() / ("kms-envelope-fifo-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto message = EncryptOrDie(*keyring, Pattern(100), {});
  message[message.size() - 3] ^= 1;
  {
    std::string fifo = (dir / "fifo").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // so opening to write succeeds
    REQUIRE(reader >= 0);
    auto sink = FileSink::Open(fifo);
    REQUIRE(sink.has_value());
    CHECK(!StreamDecryptInto(*keyring, message, {}, 999, *sink).has_value());
    CHECK(std::filesystem::is_fifo(dir / "fifo"));
    ::close(reader);
  }
  {
    auto sink = FileSink::Open((dir / "out").string());
    REQUIRE(sink.has_value());
    std::filesystem::rename(dir / "out", dir / "moved");
    std::ofstream(dir / "out") << "someone else's file";
    CHECK(!StreamDecryptInto(*keyring, message, {}, 999, *sink).has_value());
    std::ifstream in(dir / "out");
    std::string kept((std::istreambuf_iterator<char>(in)), {});
    CHECK(kept == "someone else's file");
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("OstreamSink writes through and marks the stream failed on Discard") {
  auto keyring = AesKeyring();
  auto message = EncryptOrDie(*keyring, Pattern(20), {});
  std::ostringstream out;
  OstreamSink sink(out);
  REQUIRE(StreamDecryptInto(*keyring, message, {}, 7, sink).has_value());
  CHECK(out.str() == std::string(reinterpret_cast<const char*>(Pattern(20).data()), 20));
  sink.Discard();
  CHECK(out.fail());
  auto st = sink.Write(Pattern(1));
  REQUIRE(!st.has_value());
  CHECK(st.error().message == "Cannot write the output stream");
}

}  // namespace kms::envelope::test
