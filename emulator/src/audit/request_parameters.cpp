// requestParameters / responseElements: a generic converter over the KMS model's member names,
// driven by three sorted name lists, plus the few per-operation defaults AWS adds.
#include "audit/request_parameters.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <unordered_map>
#include <vector>

namespace kms::emulator::audit {
namespace {

// Blob members of the KMS model (botocore service-2.json), the sensitive custom key store
// members and grant tokens. Sorted.
constexpr std::string_view kOmitted[] = {"AccessKeyId",
                                         "AttestationDocument",
                                         "CiphertextBlob",
                                         "EncryptedKeyMaterial",
                                         "GrantToken",
                                         "GrantTokens",
                                         "ImportToken",
                                         "KeyStorePassword",
                                         "Mac",
                                         "Message",
                                         "Plaintext",
                                         "PublicKey",
                                         "RawSecretAccessKey",
                                         "Signature"};

// Map members: their keys are the caller's data and are logged exactly as sent. Sorted.
constexpr std::string_view kMaps[] = {"DestinationEncryptionContext", "EncryptionContext",
                                      "EncryptionContextEquals", "EncryptionContextSubset",
                                      "SourceEncryptionContext"};

// Every member name of a KMS request structure in the model. Members a client invents are not
// part of the API and are not logged (AWS ignores them). Sorted.
constexpr std::string_view kModelMembers[] = {
    "AccessKeyId",
    "AliasName",
    "AttestationDocument",
    "BypassPolicyLockoutSafetyCheck",
    "CiphertextBlob",
    "CloudHsmClusterId",
    "Constraints",
    "CustomKeyStoreId",
    "CustomKeyStoreName",
    "CustomKeyStoreType",
    "CustomerMasterKeySpec",
    "Description",
    "DestinationEncryptionAlgorithm",
    "DestinationEncryptionContext",
    "DestinationKeyId",
    "DryRun",
    "DryRunModifiers",
    "EncryptedKeyMaterial",
    "EncryptionAlgorithm",
    "EncryptionContext",
    "EncryptionContextEquals",
    "EncryptionContextSubset",
    "ExpirationModel",
    "GrantId",
    "GrantToken",
    "GrantTokens",
    "GranteePrincipal",
    "ImportToken",
    "ImportType",
    "IncludeKeyMaterial",
    "KeyAgreementAlgorithm",
    "KeyEncryptionAlgorithm",
    "KeyId",
    "KeyMaterialDescription",
    "KeyMaterialId",
    "KeyPairSpec",
    "KeySpec",
    "KeyStorePassword",
    "KeyUsage",
    "Limit",
    "Mac",
    "MacAlgorithm",
    "Marker",
    "Message",
    "MessageType",
    "MultiRegion",
    "Name",
    "NewCustomKeyStoreName",
    "NumberOfBytes",
    "Operations",
    "Origin",
    "PendingWindowInDays",
    "Plaintext",
    "Policy",
    "PolicyName",
    "PrimaryRegion",
    "PublicKey",
    "RawSecretAccessKey",
    "Recipient",
    "ReplicaRegion",
    "RetiringPrincipal",
    "RotationPeriodInDays",
    "Signature",
    "SigningAlgorithm",
    "SourceEncryptionAlgorithm",
    "SourceEncryptionContext",
    "SourceKeyId",
    "TagKey",
    "TagKeys",
    "TagValue",
    "Tags",
    "TargetKeyId",
    "TrustAnchorCertificate",
    "ValidTo",
    "WrappingAlgorithm",
    "WrappingKeySpec",
    "XksKeyId",
    "XksProxyAuthenticationCredential",
    "XksProxyConnectivity",
    "XksProxyUriEndpoint",
    "XksProxyUriPath",
    "XksProxyVpcEndpointServiceName",
    "XksProxyVpcEndpointServiceOwner",
};

// Operations whose response AWS puts in responseElements. Sorted.
constexpr std::string_view kLoggedResponses[] = {"CancelKeyDeletion", "CreateGrant", "CreateKey",
                                                 "ReplicateKey", "ScheduleKeyDeletion"};

constexpr std::string_view kSymmetricDefault = "SYMMETRIC_DEFAULT";

static_assert(std::is_sorted(std::begin(kOmitted), std::end(kOmitted)));
static_assert(std::is_sorted(std::begin(kMaps), std::end(kMaps)));
static_assert(std::is_sorted(std::begin(kModelMembers), std::end(kModelMembers)));
static_assert(std::is_sorted(std::begin(kLoggedResponses), std::end(kLoggedResponses)));

template <size_t N>
bool Contains(const std::string_view (&sorted)[N], std::string_view name) {
  return std::binary_search(std::begin(sorted), std::end(sorted), name);
}

enum class Kind { kUnknown, kLogged, kMap, kOmitted };

// One hash lookup per member instead of three binary searches (this runs per request).
Kind Classify(std::string_view member) {
  static const std::unordered_map<std::string_view, Kind> kKinds = [] {
    std::unordered_map<std::string_view, Kind> kinds;
    for (std::string_view name : kModelMembers) kinds.emplace(name, Kind::kLogged);
    for (std::string_view name : kMaps) kinds[name] = Kind::kMap;
    for (std::string_view name : kOmitted) kinds[name] = Kind::kOmitted;
    return kinds;
  }();
  auto it = kKinds.find(member);
  return it == kKinds.end() ? Kind::kUnknown : it->second;
}

bool IsMap(std::string_view member) { return Classify(member) == Kind::kMap; }

bool IsDateMember(std::string_view member) {
  return member.size() > 4 && member.substr(member.size() - 4) == "Date";
}

void WriteConverted(JsonWriter& out, const boost::json::value& value, bool verbatim_keys);

void WriteObject(JsonWriter& out, const boost::json::object& object, bool verbatim_keys) {
  out.BeginObject();
  for (const auto& member : object) {
    if (verbatim_keys) {
      out.Key(member.key());
      WriteConverted(out, member.value(), false);
      continue;
    }
    Kind kind = Classify(member.key());
    if (kind == Kind::kOmitted) continue;
    out.CamelKey(member.key());
    WriteConverted(out, member.value(), kind == Kind::kMap);
  }
  out.EndObject();
}

void WriteConverted(JsonWriter& out, const boost::json::value& value, bool verbatim_keys) {
  if (value.is_object()) return WriteObject(out, value.get_object(), verbatim_keys);
  if (!value.is_array()) return out.Value(value);
  out.BeginArray();
  for (const auto& element : value.get_array()) WriteConverted(out, element, false);
  out.EndArray();
}

bool Has(const boost::json::object& object, std::string_view member) {
  auto it = object.find(member);
  return it != object.end() && !it->value().is_null();
}

// How a request member is logged: kLogged or kMap for a member of the model that is neither a
// secret nor null, else kOmitted (unknown members, secrets, nulls).
Kind LoggedKind(const boost::json::key_value_pair& member) {
  Kind kind = Classify(member.key());
  bool loggable = (kind == Kind::kLogged || kind == Kind::kMap) && !member.value().is_null();
  return loggable ? kind : Kind::kOmitted;
}

// AWS: Encrypt and Decrypt records always carry encryptionAlgorithm, ReEncrypt both algorithms.
void WriteAlgorithmDefaults(JsonWriter& out, std::string_view operation,
                            const boost::json::object& input) {
  auto fill = [&](std::string_view member, std::string_view logged) {
    if (!Has(input, member)) out.Member(logged, kSymmetricDefault);
  };
  if (operation == "Encrypt" || operation == "Decrypt") {
    fill("EncryptionAlgorithm", "encryptionAlgorithm");
  } else if (operation == "ReEncrypt") {
    fill("SourceEncryptionAlgorithm", "sourceEncryptionAlgorithm");
    fill("DestinationEncryptionAlgorithm", "destinationEncryptionAlgorithm");
  }
}

// AWS: CreateKey records show the key's description, spec, usage and origin, and
// bypassPolicyLockoutSafetyCheck, also when the request left them out.
void WriteCreateKeyDefaults(JsonWriter& out, const boost::json::object& input,
                            const boost::json::object* output) {
  if (!Has(input, "BypassPolicyLockoutSafetyCheck")) {
    out.Member("bypassPolicyLockoutSafetyCheck", false);
  }
  if (output == nullptr) return;
  auto metadata = output->find("KeyMetadata");
  if (metadata == output->end() || !metadata->value().is_object()) return;
  const boost::json::object& m = metadata->value().get_object();
  for (std::string_view member :
       {"Description", "CustomerMasterKeySpec", "KeySpec", "KeyUsage", "Origin", "MultiRegion"}) {
    auto it = m.find(member);
    if (it == m.end() || Has(input, member)) continue;
    out.CamelKey(member);
    out.Value(it->value());
  }
}

// A JSON 1.1 date (epoch seconds) as CloudTrail writes it in responseElements.
void WriteDate(JsonWriter& out, const boost::json::value& value) {
  if (!value.is_number()) return out.Value(value);
  double seconds = value.to_number<double>();
  out.String(CloudTrailDate(static_cast<int64_t>(std::llround(seconds * 1000.0))));
}

void WriteResponseObject(JsonWriter& out, const boost::json::object& object) {
  out.BeginObject();
  for (const auto& member : object) {
    if (IsOmittedMember(member.key())) continue;
    out.CamelKey(member.key());
    if (IsDateMember(member.key())) {
      WriteDate(out, member.value());
    } else if (member.value().is_object()) {
      WriteResponseObject(out, member.value().get_object());
    } else {
      WriteConverted(out, member.value(), IsMap(member.key()));
    }
  }
  out.EndObject();
}

// AWS: ImportKeyMaterial's validTo appears as a date text like the response dates (the
// developer guide's CloudTrail example: "validTo": "Jan 1, 2021 8:00:00 PM").
void WriteRequestDate(JsonWriter& out, const boost::json::value& value) {
  if (!value.is_number()) return out.Value(value);
  out.String(CloudTrailDate(std::llround(value.to_number<double>() * 1000.0)));
}

}  // namespace

bool IsOmittedMember(std::string_view member) { return Classify(member) == Kind::kOmitted; }

void WriteRequestParameters(JsonWriter& out, std::string_view operation,
                            const boost::json::object* input, const boost::json::object* output) {
  bool defaults = operation == "Encrypt" || operation == "Decrypt" || operation == "ReEncrypt" ||
                  operation == "CreateKey";
  if (input == nullptr) return out.Null();
  // Each member is classified once (a request has a handful; more go to the heap).
  constexpr size_t kInline = 16;
  std::array<Kind, kInline> inline_kinds;
  std::vector<Kind> heap_kinds;
  Kind* kinds = inline_kinds.data();
  if (input->size() > kInline) {
    heap_kinds.resize(input->size());
    kinds = heap_kinds.data();
  }
  bool any = false;
  size_t i = 0;
  for (const auto& member : *input) {
    kinds[i] = LoggedKind(member);
    any = any || kinds[i] != Kind::kOmitted;
    ++i;
  }
  // Nothing loggable (no members, or only secrets): AWS writes null, as for RetireGrant.
  if (!defaults && !any) return out.Null();
  out.BeginObject();
  i = 0;
  for (const auto& member : *input) {
    Kind kind = kinds[i++];
    if (kind == Kind::kOmitted) continue;
    out.CamelKey(member.key());
    if (member.key() == "ValidTo") {
      WriteRequestDate(out, member.value());
      continue;
    }
    WriteConverted(out, member.value(), kind == Kind::kMap);
  }
  WriteAlgorithmDefaults(out, operation, *input);
  if (operation == "CreateKey") WriteCreateKeyDefaults(out, *input, output);
  out.EndObject();
}

void WriteResponseElements(JsonWriter& out, std::string_view operation,
                           const boost::json::object* output) {
  if (output == nullptr || !Contains(kLoggedResponses, operation)) return out.Null();
  WriteResponseObject(out, *output);
}

}  // namespace kms::emulator::audit
