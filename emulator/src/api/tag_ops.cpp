// tag operations (stub: to be implemented).
#include "api/handlers.hpp"

namespace kms::emulator {

KMS_HANDLER(TagResource) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "TagResource is not implemented yet");
}

KMS_HANDLER(UntagResource) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "UntagResource is not implemented yet");
}

KMS_HANDLER(ListResourceTags) {
  (void)services;
  (void)ctx;
  (void)input;
  return MakeError(ErrorCode::kUnsupportedOperation, "ListResourceTags is not implemented yet");
}

}  // namespace kms::emulator
