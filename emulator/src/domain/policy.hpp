// Key policy documents: the checks CreateKey and PutKeyPolicy make (MalformedPolicyDocument,
// the lockout safety check, the size quota) and the text AWS stores, which is the document
// re-printed the way GetKeyPolicy returns every policy (Jackson's pretty printer).
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <kms/result.hpp>
#include <string>
#include <string_view>

namespace kms::emulator {

// AWS: the only key policy name.
inline constexpr std::string_view kDefaultPolicyName = "default";
// AWS: the key policy document size quota (32 KB), in bytes of the document as sent.
inline constexpr size_t kMaxKeyPolicyBytes = 32768;

// Checks `document` as a key policy for a key of `account` and returns the text to store.
// Errors, in this order:
//   LimitExceededException  larger than kMaxKeyPolicyBytes
//   MalformedPolicyDocumentException with an empty message (AWS gives none) when it is not a
//     JSON object, has no Statement (an object or a non-empty array of objects), a statement
//     whose Effect is not Allow/Deny, or a Version other than 2012-10-17 / 2008-10-17;
//     "Policy contains a statement with no principal." when a statement has neither Principal
//     nor NotPrincipal; "Policy contains a statement with one or more invalid principals." when
//     an AWS principal is not "*", a 12-digit account or an IAM/STS ARN, or a principal is
//     malformed;
//     "The new key policy will not allow you to update the key policy in the future." unless
//     `bypass_lockout_check` or some Allow statement lets a principal of `account` call
//     kms:PutKeyPolicy (no IAM here: any principal of the account counts). Pure.
Result<std::string> NormalizeKeyPolicy(std::string_view document, std::string_view account,
                                       bool bypass_lockout_check);

// `v` printed as Jackson's DefaultPrettyPrinter prints it (AWS's policy text): objects one
// member a line with two-space indents and " : ", arrays inline as "[ a, b ]", "{ }" and "[ ]"
// when empty. Pure.
std::string PrettyPolicyJson(const boost::json::value& v);

// True when `pattern` (IAM action syntax: '*' any run, '?' one character, case-insensitive)
// matches `action`. Pure.
bool ActionPatternMatches(std::string_view pattern, std::string_view action);

}  // namespace kms::emulator
