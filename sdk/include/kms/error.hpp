// The AWS KMS error table: one row per error code with its JSON 1.1 `__type` and HTTP status.
// Shared by the emulator (to render errors) and the SDK (to decode them), so both agree.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kms {

// X(enumerator, __type, HTTP status). Statuses follow AWS: client faults 400, auth 400/403,
// service faults 500/503.
#define KMS_ERROR_TABLE(X)                                                   \
  X(kAccessDenied, "AccessDeniedException", 400)                             \
  X(kAlreadyExists, "AlreadyExistsException", 400)                           \
  X(kConflict, "ConflictException", 400)                                     \
  X(kCustomKeyStoreNotFound, "CustomKeyStoreNotFoundException", 400)         \
  X(kDependencyTimeout, "DependencyTimeoutException", 503)                   \
  X(kDisabled, "DisabledException", 400)                                     \
  X(kDryRunOperation, "DryRunOperationException", 400)                       \
  X(kExpiredImportToken, "ExpiredImportTokenException", 400)                 \
  X(kIncompleteSignature, "IncompleteSignatureException", 400)               \
  X(kIncorrectKey, "IncorrectKeyException", 400)                             \
  X(kIncorrectKeyMaterial, "IncorrectKeyMaterialException", 400)             \
  X(kInvalidAliasName, "InvalidAliasNameException", 400)                     \
  X(kInvalidArn, "InvalidArnException", 400)                                 \
  X(kInvalidCiphertext, "InvalidCiphertextException", 400)                   \
  X(kInvalidGrantId, "InvalidGrantIdException", 400)                         \
  X(kInvalidGrantToken, "InvalidGrantTokenException", 400)                   \
  X(kInvalidImportToken, "InvalidImportTokenException", 400)                 \
  X(kInvalidKeyUsage, "InvalidKeyUsageException", 400)                       \
  X(kInvalidMarker, "InvalidMarkerException", 400)                           \
  X(kInvalidSignature, "InvalidSignatureException", 400)                     \
  X(kKeyUnavailable, "KeyUnavailableException", 500)                         \
  X(kInternal, "KMSInternalException", 500)                                  \
  X(kInvalidMac, "KMSInvalidMacException", 400)                              \
  X(kKmsInvalidSignature, "KMSInvalidSignatureException", 400)               \
  X(kInvalidState, "KMSInvalidStateException", 400)                          \
  X(kLimitExceeded, "LimitExceededException", 400)                           \
  X(kMalformedPolicyDocument, "MalformedPolicyDocumentException", 400)       \
  X(kMissingAuthenticationToken, "MissingAuthenticationTokenException", 400) \
  X(kNotAuthorized, "NotAuthorizedException", 400)                           \
  X(kNotFound, "NotFoundException", 400)                                     \
  X(kRequestEntityTooLarge, "RequestEntityTooLargeException", 413)           \
  X(kRequestExpired, "RequestExpired", 400)                                  \
  X(kSerialization, "SerializationException", 400)                           \
  X(kTag, "TagException", 400)                                               \
  X(kThrottling, "ThrottlingException", 400)                                 \
  X(kUnknownOperation, "UnknownOperationException", 400)                     \
  X(kUnrecognizedClient, "UnrecognizedClientException", 400)                 \
  X(kUnsupportedOperation, "UnsupportedOperationException", 400)             \
  X(kValidation, "ValidationException", 400)

enum class ErrorCode {
#define KMS_ERROR_ENUM(name, type, status) name,
  KMS_ERROR_TABLE(KMS_ERROR_ENUM)
#undef KMS_ERROR_ENUM
};

// An AWS error: the code (which fixes `__type` and status) and AWS's message text.
// Never carries key material or plaintext.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // SDK side only (the emulator leaves them empty): the HTTP status of the response that carried
  // the error, 0 when no response was received (transport failure, client-side check), and its
  // x-amzn-RequestId.
  int http_status = 0;
  std::string request_id = {};
};

// The JSON 1.1 `__type` of `code`, e.g. "NotFoundException". Thread-safe (pure).
std::string_view TypeName(ErrorCode code);

// The HTTP status AWS answers with for `code`. Thread-safe (pure).
int HttpStatus(ErrorCode code);

// Decodes a `__type` or `x-amzn-ErrorType` value: bare ("NotFoundException"), namespaced
// ("com.amazonaws.kms#NotFoundException") or with a ":http://..." suffix. nullopt when unknown.
std::optional<ErrorCode> ErrorCodeFromType(std::string_view type);

inline Error MakeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace kms
