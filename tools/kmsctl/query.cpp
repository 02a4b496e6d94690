// The --query subset of JMESPath: parsing and evaluation.
#include "query.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cctype>
#include <charconv>

namespace kms::cli {
namespace {

namespace json = boost::json;

Error Bad(std::string_view query, size_t pos, std::string_view what) {
  return MakeError(ErrorCode::kValidation, "Bad value for --query " + std::string(query) + ": " +
                                               std::string(what) + " at position " +
                                               std::to_string(pos));
}

bool IdentifierStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IdentifierChar(char c) {
  return IdentifierStart(c) || std::isdigit(static_cast<unsigned char>(c));
}

// A member name at `pos` (unquoted or "quoted"); advances `pos`.
Result<std::string> ReadName(std::string_view q, size_t& pos) {
  if (pos < q.size() && q[pos] == '"') {
    size_t end = q.find('"', pos + 1);
    if (end == std::string_view::npos) return Bad(q, pos, "unterminated quoted name");
    std::string name(q.substr(pos + 1, end - pos - 1));
    pos = end + 1;
    return name;
  }
  if (pos >= q.size() || !IdentifierStart(q[pos])) return Bad(q, pos, "expected a member name");
  size_t start = pos;
  while (pos < q.size() && IdentifierChar(q[pos])) ++pos;
  return std::string(q.substr(start, pos - start));
}

// "[]" or "[N]" at `pos`; advances `pos`.
Result<QueryStep> ReadBracket(std::string_view q, size_t& pos) {
  size_t open = pos++;
  size_t close = q.find(']', pos);
  if (close == std::string_view::npos) return Bad(q, open, "unterminated [");
  std::string_view inside = q.substr(pos, close - pos);
  pos = close + 1;
  if (inside.empty()) return QueryStep{QueryStep::Kind::kProject, {}, 0};
  long index = 0;
  auto [end, ec] = std::from_chars(inside.data(), inside.data() + inside.size(), index);
  if (ec != std::errc() || end != inside.data() + inside.size()) {
    return Bad(q, open, "only [] and [N] are supported");
  }
  return QueryStep{QueryStep::Kind::kIndex, {}, index};
}

// Member and index steps [begin, end) (no []): the value they lead to, or null.
json::value Follow(const json::value& value, const std::vector<QueryStep>& steps, size_t begin,
                   size_t end) {
  const json::value* current = &value;
  for (size_t i = begin; i < end && current != nullptr; ++i) {
    const QueryStep& step = steps[i];
    if (step.kind == QueryStep::Kind::kMember) {
      const json::object* object = current->if_object();
      current = object == nullptr ? nullptr : object->if_contains(step.name);
      continue;
    }
    const json::array* list = current->if_array();
    if (list == nullptr) return nullptr;
    long size = static_cast<long>(list->size());
    long index = step.index < 0 ? size + step.index : step.index;
    current = index >= 0 && index < size ? &(*list)[static_cast<size_t>(index)] : nullptr;
  }
  return current == nullptr ? json::value(nullptr) : *current;
}

// JMESPath's flatten: "[]" merges the list elements of the value so far into it (one level,
// other elements kept), then projects the steps up to the next "[]" onto every element,
// dropping nulls; the next "[]" flattens what that projection gave.
json::value Apply(const json::value& value, const std::vector<QueryStep>& steps) {
  auto next_flatten = [&](size_t from) {
    while (from < steps.size() && steps[from].kind != QueryStep::Kind::kProject) ++from;
    return from;
  };
  size_t flatten = next_flatten(0);
  json::value current = Follow(value, steps, 0, flatten);
  while (flatten < steps.size()) {
    const json::array* list = current.if_array();
    if (list == nullptr) return nullptr;
    json::array flat;
    for (const json::value& element : *list) {
      if (const json::array* inner = element.if_array()) {
        flat.insert(flat.end(), inner->begin(), inner->end());
      } else {
        flat.push_back(element);
      }
    }
    size_t end = next_flatten(flatten + 1);
    json::array out;
    for (const json::value& element : flat) {
      json::value v = Follow(element, steps, flatten + 1, end);
      if (!v.is_null()) out.push_back(std::move(v));
    }
    current = std::move(out);
    flatten = end;
  }
  return current;
}

}  // namespace

Result<std::vector<QueryStep>> ParseQuery(std::string_view q) {
  std::vector<QueryStep> steps;
  size_t pos = 0;
  if (q.empty()) return Bad(q, 0, "empty query");
  while (pos < q.size()) {
    if (q[pos] == '[') {
      auto step = ReadBracket(q, pos);
      if (!step) return step.error();
      steps.push_back(std::move(*step));
      continue;
    }
    if (!steps.empty()) {
      if (q[pos] != '.') return Bad(q, pos, "expected . or [");
      ++pos;
    }
    auto name = ReadName(q, pos);
    if (!name) return name.error();
    steps.push_back(QueryStep{QueryStep::Kind::kMember, std::move(*name), 0});
  }
  return steps;
}

json::value ApplyQuery(const json::value& value, const std::vector<QueryStep>& steps) {
  return Apply(value, steps);
}

}  // namespace kms::cli
