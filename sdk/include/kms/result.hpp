// kms::Result<T>: the value of an operation or the AWS error that stopped it.
#pragma once

#include <boost/system/result.hpp>
#include <kms/error.hpp>

namespace kms {

// Lets boost::system::result<T, Error>::value() throw when used on an error (never in our code:
// we test has_value() first).
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

// [[nodiscard]] wrapper: a dropped Result is a dropped error.
template <class T>
class [[nodiscard]] Result : public boost::system::result<T, Error> {
 public:
  using boost::system::result<T, Error>::result;
  Result(Error e) : boost::system::result<T, Error>(boost::system::in_place_error, std::move(e)) {}
};

// An operation with no value.
using Status = Result<void>;

}  // namespace kms
