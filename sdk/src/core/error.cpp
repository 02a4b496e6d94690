// The error table's lookups.
#include <boost/throw_exception.hpp>
#include <kms/error.hpp>
#include <kms/result.hpp>
#include <stdexcept>

namespace kms {
namespace {

struct Row {
  ErrorCode code;
  std::string_view type;
  int status;
};

constexpr Row kRows[] = {
#define KMS_ERROR_ROW(name, type, status) {ErrorCode::name, type, status},
    KMS_ERROR_TABLE(KMS_ERROR_ROW)
#undef KMS_ERROR_ROW
};

}  // namespace

std::string_view TypeName(ErrorCode code) { return kRows[static_cast<int>(code)].type; }

int HttpStatus(ErrorCode code) { return kRows[static_cast<int>(code)].status; }

std::optional<ErrorCode> ErrorCodeFromType(std::string_view type) {
  if (auto hash = type.rfind('#'); hash != std::string_view::npos) type.remove_prefix(hash + 1);
  if (auto colon = type.find(':'); colon != std::string_view::npos) type = type.substr(0, colon);
  for (const Row& row : kRows) {
    if (row.type == type) return row.code;
  }
  return std::nullopt;
}

void throw_exception_from_error(const Error& e, const boost::source_location& loc) {
  std::string what(TypeName(e.code));
  what.append(": ").append(e.message);
  boost::throw_exception(std::runtime_error(what), loc);
}

}  // namespace kms
