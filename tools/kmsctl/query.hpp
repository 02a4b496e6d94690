// --query: the part of JMESPath people use with `aws kms` (member paths, indexes, projections),
// so shell scripts can pick one value out of a response, e.g.
// `kmsctl create-key --query KeyMetadata.KeyId --output text`.
#pragma once

#include <boost/json/value.hpp>
#include <kms/result.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kms::cli {

// One step of a query: a member name, a list index (negative counts from the end), or "[]",
// JMESPath's flatten: the list so far, its list elements merged in one level, with the steps up
// to the next "[]" applied to every element (nulls dropped).
struct QueryStep {
  enum class Kind { kMember, kIndex, kProject };
  Kind kind = Kind::kMember;
  std::string name;
  long index = 0;
};

// Parses `Member.Member[0].Member`, `List[].Member`, `List[-1]`. Member names are JMESPath
// unquoted identifiers ([A-Za-z_][A-Za-z0-9_]*) or "quoted". kValidation error naming the
// position of what does not parse (filters, functions, multi-selects and slices are not
// supported). Pure.
Result<std::vector<QueryStep>> ParseQuery(std::string_view query);

// The query applied to `value` as JMESPath does: a missing member or index, or a member of a
// non-object, gives null; a projection of a non-list gives null and leaves nulls out of its
// result. Pure.
boost::json::value ApplyQuery(const boost::json::value& value, const std::vector<QueryStep>& steps);

}  // namespace kms::cli
