// Output formats byte-compatible with the aws CLI: `--output json` (Python's json.dumps with
// indent=4, ensure_ascii=False) and `--output text` (awscli/text.py).
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace kms::cli {

// `value` as the aws CLI prints JSON: 4-space indent, ", " never at line ends, ": " after keys,
// only '"', '\\' and control characters escaped, doubles as Python's repr (e.g. 1700000000.5,
// 12.0), members in their stored order; ends with a newline. Pure.
std::string RenderJson(const boost::json::value& value);

// `value` as the aws CLI prints text: a dict's scalar members on one tab-separated line in
// sorted key order, then each non-scalar member under its upper-cased key as identifier; a list
// of dicts prints one line per element with the union of their scalar keys; booleans as
// True/False. Pure.
std::string RenderText(const boost::json::value& value);

// A double as Python's repr() prints it for magnitudes in [1e-4, 1e16): shortest round-trip
// digits, always with a '.'. Pure.
std::string FormatDouble(double value);

}  // namespace kms::cli
