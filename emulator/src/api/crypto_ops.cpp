// crypto operations (stub: to be implemented).
#include "api/handlers.hpp"

namespace kms::emulator {

KMS_HANDLER(Encrypt) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "Encrypt is not implemented yet");
}

KMS_HANDLER(Decrypt) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "Decrypt is not implemented yet");
}

KMS_HANDLER(ReEncrypt) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "ReEncrypt is not implemented yet");
}

KMS_HANDLER(GenerateDataKey) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "GenerateDataKey is not implemented yet");
}

KMS_HANDLER(GenerateDataKeyWithoutPlaintext) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation,
                   "GenerateDataKeyWithoutPlaintext is not implemented yet");
}

KMS_HANDLER(GenerateRandom) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "GenerateRandom is not implemented yet");
}

}  // namespace kms::emulator
