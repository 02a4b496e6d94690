// alias operations (stub: to be implemented).
#include "api/handlers.hpp"

namespace kms::emulator {

KMS_HANDLER(CreateAlias) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "CreateAlias is not implemented yet");
}

KMS_HANDLER(UpdateAlias) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "UpdateAlias is not implemented yet");
}

KMS_HANDLER(DeleteAlias) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "DeleteAlias is not implemented yet");
}

KMS_HANDLER(ListAliases) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "ListAliases is not implemented yet");
}

}  // namespace kms::emulator
