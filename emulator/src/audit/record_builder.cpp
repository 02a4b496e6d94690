// The CloudTrail record of one call, written field by field in AWS's order into one string.
#include "audit/record_builder.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <chrono>
#include <iterator>
#include <kms/internal/encoding.hpp>
#include <kms/internal/hash.hpp>
#include <kms/internal/random.hpp>

#include "api/key_resolver.hpp"
#include "audit/json_text.hpp"
#include "audit/request_parameters.hpp"
#include "domain/ciphertext_blob.hpp"

namespace kms::emulator::audit {
namespace {

// KeyLastUsageTrackingOperation of the KMS model. Sorted.
// Room for a typical record and its columns, so the buffer is allocated once.
constexpr size_t kRecordReserve = 2048;

constexpr std::string_view kTracked[] = {"Decrypt",
                                         "DeriveSharedSecret",
                                         "Encrypt",
                                         "GenerateDataKey",
                                         "GenerateDataKeyPair",
                                         "GenerateDataKeyPairWithoutPlaintext",
                                         "GenerateDataKeyWithoutPlaintext",
                                         "GenerateMac",
                                         "ReEncrypt",
                                         "Sign",
                                         "Verify",
                                         "VerifyMac"};
static_assert(std::is_sorted(std::begin(kTracked), std::end(kTracked)));

struct Failure {
  std::string code;
  std::string message;
};

// The error the router rendered: its x-amzn-ErrorType and the body's message.
Failure ReadFailure(const HttpResponse& response) {
  Failure failure{std::string(response.Header("x-amzn-ErrorType")), {}};
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(response.body, ec);
  if (ec || !body.is_object()) return failure;
  const auto& object = body.get_object();
  if (auto it = object.find("message"); it != object.end() && it->value().is_string()) {
    failure.message = std::string(it->value().get_string());
  }
  if (failure.code.empty()) {
    if (auto it = object.find("__type"); it != object.end() && it->value().is_string()) {
      failure.code = std::string(it->value().get_string());
    }
  }
  return failure;
}

std::string_view StringMember(const boost::json::object& object, std::string_view name) {
  auto it = object.find(name);
  if (it == object.end() || !it->value().is_string()) return {};
  return it->value().get_string();
}

bool IsKmsArn(std::string_view s) { return s.starts_with("arn:aws:kms:"); }

// The account field of arn:aws:kms:<region>:<account>:<resource>.
std::string_view ArnAccount(std::string_view arn) {
  size_t start = 0;
  for (int colon = 0; colon < 4; ++colon) {
    start = arn.find(':', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  size_t end = arn.find(':', start);
  return end == std::string_view::npos ? std::string_view() : arn.substr(start, end - start);
}

bool IsKeyArn(std::string_view arn) { return arn.find(":key/") != std::string_view::npos; }

// The ARNs of one record, in order, without duplicates. Views into the response JSON where they
// come from there (no copy on the hot path); resolved ones are owned.
class ResourceList {
 public:
  static constexpr size_t kMax = 4;  // the most any KMS record names is 2

  void Add(std::string_view arn) {
    if (count_ == kMax || std::find(items_, items_ + count_, arn) != items_ + count_) return;
    items_[count_++] = arn;
  }
  void AddOwned(std::string arn) {
    if (count_ == kMax || std::find(items_, items_ + count_, arn) != items_ + count_) return;
    owned_[count_] = std::move(arn);
    items_[count_] = owned_[count_];
    ++count_;
  }
  bool empty() const { return count_ == 0; }
  const std::string_view* begin() const { return items_; }
  const std::string_view* end() const { return items_ + count_; }

 private:
  std::string_view items_[kMax];
  std::string owned_[kMax];
  size_t count_ = 0;
};

void AddResolved(const AuditedCall& call, std::string_view member, ResourceList& out) {
  std::string_view key_id = StringMember(*call.input, member);
  if (key_id.empty()) return;
  auto key = ResolveKey(call.services, call.ctx, key_id);
  if (key) out.AddOwned((*key)->Arn());
}

void AddAlias(const AuditedCall& call, ResourceList& out) {
  std::string_view name = StringMember(*call.input, "AliasName");
  if (!name.starts_with("alias/")) return;
  out.AddOwned("arn:aws:kms:" + call.ctx.region + ":" + call.ctx.account + ":" + std::string(name));
}

// The key a CiphertextBlob names in its header (a failed Decrypt or ReEncrypt that named no key
// still names it, as AWS's failed-Decrypt example does), if that key exists for the caller.
void AddBlobKey(const AuditedCall& call, ResourceList& out) {
  std::string_view text = StringMember(*call.input, "CiphertextBlob");
  if (text.empty()) return;
  auto bytes = internal::Base64Decode(text);
  if (!bytes) return;
  auto blob = ParseCiphertextBlob(*bytes);
  if (!blob) return;
  auto key = ResolveKey(call.services, call.ctx, blob->key_arn);
  if (key) out.AddOwned((*key)->Arn());
}

// Resources named by the request, for calls whose response names none. Orders as AWS's
// examples: CreateAlias key then alias; UpdateAlias and DeleteAlias alias then key.
void ResourcesFromInput(const AuditedCall& call, ResourceList& out) {
  if (call.operation == "CreateAlias") {
    AddResolved(call, "TargetKeyId", out);
    AddAlias(call, out);
  } else if (call.operation == "UpdateAlias" || call.operation == "DeleteAlias") {
    AddAlias(call, out);
    AddResolved(call, call.operation == "UpdateAlias" ? "TargetKeyId" : "AliasName", out);
  } else if (call.operation == "ReEncrypt") {
    AddResolved(call, "SourceKeyId", out);
    if (out.empty()) AddBlobKey(call, out);
    AddResolved(call, "DestinationKeyId", out);
  } else if (call.operation == "Decrypt") {
    AddResolved(call, "KeyId", out);
    if (out.empty()) AddBlobKey(call, out);
  } else {
    AddResolved(call, "KeyId", out);
  }
}

// Resources named by the response: KeyId (an ARN in every KMS response that has one),
// ReEncrypt's SourceKeyId first, CreateKey/DescribeKey's KeyMetadata.Arn.
void ResourcesFromOutput(const boost::json::object& output, ResourceList& out) {
  if (auto arn = StringMember(output, "SourceKeyId"); IsKmsArn(arn)) out.Add(arn);
  if (auto arn = StringMember(output, "KeyId"); IsKmsArn(arn)) out.Add(arn);
  auto metadata = output.find("KeyMetadata");
  if (metadata != output.end() && metadata->value().is_object()) {
    auto arn = StringMember(metadata->value().get_object(), "Arn");
    if (IsKmsArn(arn)) out.Add(arn);
  }
}

void CollectResources(const AuditedCall& call, ResourceList& out) {
  if (call.output != nullptr) ResourcesFromOutput(*call.output, out);
  bool alias_op = call.operation == "CreateAlias" || call.operation == "UpdateAlias" ||
                  call.operation == "DeleteAlias";
  if ((out.empty() || alias_op) && call.input != nullptr) ResourcesFromInput(call, out);
}

// Sets the event's resources (all ARNs) or used keys (key ARNs only), joined as
// "\n<arn>\n<arn>\n", without a temporary string.
void AppendJoined(AuditEvent& event, const ResourceList& list, bool keys_only) {
  std::string& text = event.RecordBuffer();
  size_t start = text.size();
  for (std::string_view arn : list) {
    if (keys_only && !IsKeyArn(arn)) continue;
    if (text.size() == start) text += '\n';
    text.append(arn).append("\n");
  }
  if (keys_only) {
    event.MarkUsedKeys(start);
  } else {
    event.MarkResources(start);
  }
}

void WriteUserIdentity(JsonWriter& w, const RequestContext& ctx) {
  bool root = ctx.user_name.empty();
  w.PlainKey("userIdentity");
  w.BeginObject();
  w.Member("type", root ? "Root" : "IAMUser");
  w.Member("principalId", root ? ctx.account : UserPrincipalId(ctx.account, ctx.user_name));
  if (!ctx.principal_arn.empty()) {
    w.Member("arn", ctx.principal_arn);
  } else {
    w.Member("arn", "arn:aws:iam::" + ctx.account + (root ? ":root" : ":user/" + ctx.user_name));
  }
  w.Member("accountId", ctx.account);
  if (!ctx.access_key.empty()) w.Member("accessKeyId", ctx.access_key);
  if (!root) w.Member("userName", ctx.user_name);
  w.EndObject();
}

// The key material ids of a successful cryptographic call (AWS's additionalEventData since
// 2025); Encrypt's response has none, so its key's current material is looked up.
void WriteAdditionalEventData(JsonWriter& w, const AuditedCall& call) {
  if (call.output == nullptr || !IsTrackedOperation(call.operation)) return;
  const boost::json::object& out = *call.output;
  std::string_view material = StringMember(out, "KeyMaterialId");
  std::string_view source = StringMember(out, "SourceKeyMaterialId");
  std::string_view destination = StringMember(out, "DestinationKeyMaterialId");
  std::shared_ptr<const Key> key;
  if (material.empty() && source.empty() && call.operation == "Encrypt") {
    std::string_view arn = StringMember(out, "KeyId");
    if (size_t slash = arn.find(":key/"); slash != std::string_view::npos) {
      key = call.services.store.FindKey(call.ctx.account, call.ctx.region, arn.substr(slash + 5));
      if (key) material = key->current_material_id;
    }
  }
  if (material.empty() && source.empty() && destination.empty()) return;
  w.PlainKey("additionalEventData");
  w.BeginObject();
  if (!material.empty()) w.Member("keyMaterialId", material);
  if (!destination.empty()) w.Member("destinationKeyMaterialId", destination);
  if (!source.empty()) w.Member("sourceKeyMaterialId", source);
  w.EndObject();
}

void WriteResources(JsonWriter& w, const ResourceList& resources) {
  w.PlainKey("resources");
  w.BeginArray();
  for (std::string_view arn : resources) {
    w.BeginObject();
    w.Member("accountId", ArnAccount(arn));
    w.Member("type", kResourceType);
    w.Member("ARN", arn);
    w.EndObject();
  }
  w.EndArray();
}

// eventVersion .. userAgent: who called what, when and from where.
void WriteCaller(JsonWriter& w, const AuditedCall& call, int64_t time_ms) {
  w.Member("eventVersion", kEventVersion);
  WriteUserIdentity(w, call.ctx);
  char time[32];
  w.Member("eventTime", std::string_view(time, FormatIso8601(time_ms, time)));
  w.Member("eventSource", kEventSource);
  w.Member("eventName", call.operation);
  w.Member("awsRegion", call.ctx.region);
  if (!call.request.remote_address.empty()) {
    w.Member("sourceIPAddress", call.request.remote_address);
  }
  if (call.request.HasHeader("User-Agent"))
    w.Member("userAgent", call.request.Header("User-Agent"));
}

struct Identity {
  std::string_view request_id;
  std::string_view event_id;
  int64_t time_ms;
  bool read_only;
};

void WriteRecord(std::string& record, const AuditedCall& call, const Identity& id,
                 const ResourceList& resources, const Failure* failure) {
  JsonWriter w(record);
  w.BeginObject();
  WriteCaller(w, call, id.time_ms);
  if (failure != nullptr) {
    w.Member("errorCode", failure->code);
    w.Member("errorMessage", failure->message);
  }
  w.PlainKey("requestParameters");
  WriteRequestParameters(w, call.operation, call.input, call.output);
  w.PlainKey("responseElements");
  WriteResponseElements(w, call.operation, call.output);
  WriteAdditionalEventData(w, call);
  w.Member("requestID", id.request_id);
  w.Member("eventID", id.event_id);
  w.Member("readOnly", id.read_only);
  WriteResources(w, resources);
  w.Member("eventType", "AwsApiCall");
  w.Member("managementEvent", true);
  w.Member("recipientAccountId", call.ctx.account);
  w.Member("eventCategory", "Management");
  w.EndObject();
}

}  // namespace

bool IsReadOnlyOperation(std::string_view operation) {
  return operation.starts_with("Describe") || operation.starts_with("Get") ||
         operation.starts_with("List") || operation == "GenerateRandom" ||
         IsTrackedOperation(operation);
}

bool IsTrackedOperation(std::string_view operation) {
  return std::binary_search(std::begin(kTracked), std::end(kTracked), operation);
}

std::string UserPrincipalId(std::string_view account, std::string_view user_name) {
  static constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string seed(account);
  seed.append(":").append(user_name);
  internal::Sha256Digest digest = internal::Sha256(seed);
  std::string id = "AIDA";
  for (size_t i = 0; i < 17; ++i) id += kBase32[digest[i] % 32];
  return id;
}

void FastUuid(char* out) {
  // xoshiro256**, seeded once per thread from the system's random source.
  struct Generator {
    uint64_t s[4];
    Generator() {
      if (!internal::RandomFill({reinterpret_cast<uint8_t*>(s), sizeof(s)})) {
        s[0] = reinterpret_cast<uintptr_t>(this) ^ 0x9e3779b97f4a7c15ULL;
        s[1] = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
        s[2] = 0xbf58476d1ce4e5b9ULL;
        s[3] = 0x94d049bb133111ebULL;
      }
    }
    static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t Next() {
      uint64_t result = Rotl(s[1] * 5, 7) * 9;
      uint64_t t = s[1] << 17;
      s[2] ^= s[0];
      s[3] ^= s[1];
      s[1] ^= s[2];
      s[0] ^= s[3];
      s[2] ^= t;
      s[3] = Rotl(s[3], 45);
      return result;
    }
  };
  thread_local Generator generator;
  uint64_t hi = generator.Next(), lo = generator.Next();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;        // version 4
  lo = (lo & ~(3ULL << 62)) | (2ULL << 62);  // variant 10
  static constexpr char kHex[] = "0123456789abcdef";
  int pos = 0;
  for (int i = 0; i < 32; ++i) {
    if (pos == 8 || pos == 13 || pos == 18 || pos == 23) out[pos++] = '-';
    uint64_t word = i < 16 ? hi : lo;
    int shift = 60 - 4 * (i % 16);
    out[pos++] = kHex[(word >> shift) & 0xF];
  }
}

std::string FastUuid() {
  std::string out(kUuidSize, '-');
  FastUuid(out.data());
  return out;
}

void BuildAuditEvent(const AuditedCall& call, int64_t now_ms, std::string_view event_id,
                     AuditEvent& event) {
  const RequestContext& ctx = call.ctx;
  event.time_ms = ctx.now_ms != 0 ? ctx.now_ms : now_ms;
  event.read_only = IsReadOnlyOperation(call.operation);
  ResourceList resources;
  CollectResources(call, resources);
  std::optional<Failure> failure;
  if (call.output == nullptr) failure = ReadFailure(call.response);
  event.Reserve(kRecordReserve);
  WriteRecord(event.RecordBuffer(), call,
              {ctx.request_id, event_id, event.time_ms, event.read_only}, resources,
              failure ? &*failure : nullptr);
  event.MarkRecord();
  event.SetEventName(call.operation);
  event.SetAccount(ctx.account);
  event.SetRegion(ctx.region);
  event.SetRequestId(ctx.request_id);
  event.SetEventId(event_id);
  event.SetUsername(ctx.user_name.empty() ? std::string_view("root") : ctx.user_name);
  event.SetAccessKeyId(ctx.access_key);
  if (failure) event.SetErrorType(failure->code);
  AppendJoined(event, resources, false);
  if (!failure && IsTrackedOperation(call.operation)) AppendJoined(event, resources, true);
}

}  // namespace kms::emulator::audit
