// Tests for the error table.
#include <doctest/doctest.h>

#include <kms/error.hpp>

using kms::ErrorCode;

TEST_CASE("TypeName and HttpStatus follow the AWS error table") {
  CHECK(kms::TypeName(ErrorCode::kNotFound) == "NotFoundException");
  CHECK(kms::HttpStatus(ErrorCode::kNotFound) == 400);
  CHECK(kms::TypeName(ErrorCode::kInternal) == "KMSInternalException");
  CHECK(kms::HttpStatus(ErrorCode::kInternal) == 500);
  CHECK(kms::HttpStatus(ErrorCode::kDependencyTimeout) == 503);
}

TEST_CASE("ErrorCodeFromType accepts bare, namespaced and suffixed types") {
  CHECK(kms::ErrorCodeFromType("NotFoundException") == ErrorCode::kNotFound);
  CHECK(kms::ErrorCodeFromType("com.amazonaws.kms#NotFoundException") == ErrorCode::kNotFound);
  CHECK(kms::ErrorCodeFromType("DisabledException:http://internal.amazon.com/coral/") ==
        ErrorCode::kDisabled);
  CHECK_FALSE(kms::ErrorCodeFromType("NoSuchThingException").has_value());
}

TEST_CASE("Every error type round-trips through ErrorCodeFromType") {
  for (int i = 0; i <= static_cast<int>(ErrorCode::kValidation); ++i) {
    auto code = static_cast<ErrorCode>(i);
    CHECK(kms::ErrorCodeFromType(kms::TypeName(code)) == code);
  }
}
