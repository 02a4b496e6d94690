// The CloudTrail record of one call, written in AWS's field order into one reused buffer.
#include "audit/record_builder.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <chrono>
#include <iterator>
#include <kms/internal/hash.hpp>
#include <kms/internal/random.hpp>

#include "audit/json_text.hpp"
#include "audit/request_parameters.hpp"
#include "audit/resources.hpp"

namespace kms::emulator::audit {
namespace {

// Room for a typical record and its columns, so the buffer is allocated once.
constexpr size_t kRecordReserve = 2048;

// KeyLastUsageTrackingOperation of the KMS model. Sorted.
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

// The record is written as literal fragments and escaped values: its shape is fixed, and one
// append per fragment costs a fraction of a writer call per member (this runs per request).
// Values that cannot need escaping (our UUIDs, account ids, validated region and operation names)
// are appended as they are; everything that came from a client is escaped.
struct Escaped {
  std::string_view value;
};

class RecordText {
 public:
  explicit RecordText(std::string& out) : out_(out) {}
  // Appends text that is JSON already.
  RecordText& operator<<(std::string_view json) {
    out_.append(json);
    return *this;
  }
  // Appends a value as a JSON string literal.
  RecordText& operator<<(Escaped e) {
    AppendJsonString(out_, e.value);
    return *this;
  }

 private:
  std::string& out_;
};

void WriteUserIdentity(RecordText& r, const RequestContext& ctx) {
  bool root = ctx.user_name.empty();
  r << (root ? R"("userIdentity":{"type":"Root","principalId":")"
             : R"("userIdentity":{"type":"IAMUser","principalId":")");
  if (root) {
    r << ctx.account;
  } else {
    r << UserPrincipalId(ctx.account, ctx.user_name);
  }
  r << R"(","arn":)";
  if (!ctx.principal_arn.empty()) {
    r << Escaped{ctx.principal_arn};
  } else {
    r << Escaped{"arn:aws:iam::" + ctx.account + (root ? ":root" : ":user/" + ctx.user_name)};
  }
  r << R"(,"accountId":")" << ctx.account << "\"";
  if (!ctx.access_key.empty()) r << R"(,"accessKeyId":)" << Escaped{ctx.access_key};
  if (!root) r << R"(,"userName":)" << Escaped{ctx.user_name};
  r << "}";
}

// The key material ids of a successful cryptographic call (AWS's additionalEventData since
// 2025); Encrypt's response has none, so its key's current material is looked up.
void WriteAdditionalEventData(RecordText& r, const AuditedCall& call) {
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
  r << R"(,"additionalEventData":{)";
  const char* comma = "";
  auto member = [&](std::string_view name, std::string_view value) {
    if (value.empty()) return;
    r << comma << "\"" << name << "\":" << Escaped{value};
    comma = ",";
  };
  member("keyMaterialId", material);
  member("destinationKeyMaterialId", destination);
  member("sourceKeyMaterialId", source);
  r << "}";
}

void WriteResources(RecordText& r, const ResourceList& resources) {
  r << R"(,"resources":[)";
  const char* comma = "";
  for (std::string_view arn : resources) {
    r << comma << R"({"accountId":)" << Escaped{ArnAccount(arn)} << R"(,"type":")" << kResourceType
      << R"(","ARN":)" << Escaped{arn} << "}";
    comma = ",";
  }
  r << "]";
}

// eventVersion .. userAgent: who called what, when and from where.
void WriteCaller(RecordText& r, const AuditedCall& call, int64_t time_ms) {
  r << R"({"eventVersion":")" << kEventVersion << R"(",)";
  WriteUserIdentity(r, call.ctx);
  char time[32];
  r << R"(,"eventTime":")" << std::string_view(time, FormatIso8601(time_ms, time))
    << R"(","eventSource":")" << kEventSource << R"(","eventName":")" << call.operation
    << R"(","awsRegion":)" << Escaped{call.ctx.region};
  if (!call.request.remote_address.empty()) {
    r << R"(,"sourceIPAddress":)" << Escaped{call.request.remote_address};
  }
  if (std::string_view agent = call.request.Header("User-Agent"); !agent.empty()) {
    r << R"(,"userAgent":)" << Escaped{agent};
  }
}

// CloudTrail's tlsDetails, for calls that came over TLS (every call does on AWS; plain HTTP calls
// to the emulator have none). The host header is the client's, escaped.
void WriteTlsDetails(RecordText& r, const HttpRequest& request) {
  if (request.tls_version.empty()) return;
  r << R"(,"tlsDetails":{"tlsVersion":)" << Escaped{request.tls_version} << R"(,"cipherSuite":)"
    << Escaped{request.tls_cipher};
  if (std::string_view host = request.Header("Host"); !host.empty()) {
    r << R"(,"clientProvidedHostHeader":)" << Escaped{host};
  }
  r << "}";
}

struct Identity {
  std::string_view request_id;
  std::string_view event_id;
  int64_t time_ms;
  bool read_only;
};

void WriteRecord(std::string& record, const AuditedCall& call, const Identity& id,
                 const ResourceList& resources, const Failure* failure) {
  RecordText r(record);
  WriteCaller(r, call, id.time_ms);
  if (failure != nullptr) {
    r << R"(,"errorCode":)" << Escaped{failure->code};
    r << R"(,"errorMessage":)" << Escaped{failure->message};
  }
  r << R"(,"requestParameters":)";
  JsonWriter parameters(record);
  WriteRequestParameters(parameters, call.operation, call.input, call.output);
  r << R"(,"responseElements":)";
  JsonWriter elements(record);
  WriteResponseElements(elements, call.operation, call.output);
  WriteAdditionalEventData(r, call);
  // Both ids are UUIDs of ours: nothing to escape.
  r << R"(,"requestID":")" << id.request_id << R"(","eventID":")" << id.event_id
    << (id.read_only ? R"(","readOnly":true)" : R"(","readOnly":false)");
  WriteResources(r, resources);
  r << R"(,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":")"
    << call.ctx.account << R"(","eventCategory":"Management")";
  WriteTlsDetails(r, call.request);
  r << "}";
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
  // 8-4-4-4-12: the dash positions, then each of the 32 digits from the high nibble down.
  char* p = out;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) *p++ = '-';
    uint64_t word = i < 16 ? hi : lo;
    *p++ = kHex[(word >> (60 - 4 * (i & 15))) & 0xF];
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
