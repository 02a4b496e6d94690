// key operations (stub: to be implemented).
#include "api/handlers.hpp"

namespace kms::emulator {

KMS_HANDLER(CreateKey) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "CreateKey is not implemented yet");
}

KMS_HANDLER(DescribeKey) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "DescribeKey is not implemented yet");
}

KMS_HANDLER(ListKeys) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "ListKeys is not implemented yet");
}

KMS_HANDLER(UpdateKeyDescription) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "UpdateKeyDescription is not implemented yet");
}

KMS_HANDLER(EnableKey) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "EnableKey is not implemented yet");
}

KMS_HANDLER(DisableKey) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "DisableKey is not implemented yet");
}

KMS_HANDLER(ScheduleKeyDeletion) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "ScheduleKeyDeletion is not implemented yet");
}

KMS_HANDLER(CancelKeyDeletion) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "CancelKeyDeletion is not implemented yet");
}

}  // namespace kms::emulator
