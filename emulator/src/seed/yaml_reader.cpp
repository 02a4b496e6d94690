// The YAML subset reader: a line-based recursive descent over block structure. A sequence item
// "- key: value" is read by blanking its dash, so the item's mapping becomes an ordinary block
// indented to the column of "key".
#include "seed/yaml_reader.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kms::emulator::seed {
namespace {

using boost::json::value;

struct Entry {
  std::string key;
  size_t rest = 0;  // offset in the content just after the ':'
};

bool IsSeqItem(std::string_view content) { return content == "-" || content.starts_with("- "); }

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  return s;
}

// A remainder that is nothing or only a comment.
bool IsEmptyOrComment(std::string_view rest) {
  rest = TrimLeft(rest);
  return rest.empty() || rest.front() == '#';
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::optional<uint32_t> HexValue(std::string_view hex) {
  uint32_t v = 0;
  for (char c : hex) {
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<uint32_t>(d);
  }
  return v;
}

class Parser {
 public:
  explicit Parser(std::string_view text) {
    while (!text.empty()) {
      size_t nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines_.emplace_back(line);
      if (nl == std::string_view::npos) break;
      text.remove_prefix(nl + 1);
    }
  }

  Result<value> Document() {
    if (Status checked = CheckLines(); !checked) return checked.error();
    if (!SkipBlank()) return value(nullptr);
    size_t indent = IndentOf(lines_[pos_]);
    auto root = ParseBlock(indent);
    if (!root) return root;
    if (SkipBlank()) return Fail("unexpected indentation");
    return root;
  }

 private:
  std::vector<std::string> lines_;
  size_t pos_ = 0;

  Error Fail(std::string message, std::optional<size_t> line = std::nullopt) const {
    return MakeError(ErrorCode::kValidation,
                     "line " + std::to_string(line.value_or(pos_) + 1) + ": " + message);
  }

  static size_t IndentOf(std::string_view line) {
    size_t n = 0;
    while (n < line.size() && line[n] == ' ') ++n;
    return n;
  }

  static bool IsBlank(std::string_view line) {
    std::string_view rest = line.substr(IndentOf(line));
    return rest.empty() || rest.front() == '#';
  }

  // Tabs in indentation, document markers: "---" may open the document, "..." ends it.
  Status CheckLines() {
    bool seen_content = false;
    for (size_t i = 0; i < lines_.size(); ++i) {
      std::string_view line = lines_[i];
      size_t indent = IndentOf(line);
      if (indent < line.size() && line[indent] == '\t') {
        return Fail("tabs are not allowed in indentation", i);
      }
      if (line == "...") {
        for (size_t j = i + 1; j < lines_.size(); ++j) {
          if (!IsBlank(lines_[j])) return Fail("only one document is supported", j);
        }
        lines_.resize(i);
        return {};
      }
      if (line == "---" || line.starts_with("--- ")) {
        if (seen_content) return Fail("only one document is supported", i);
        if (!IsEmptyOrComment(line.substr(3))) {
          return Fail("content after '---' is not supported", i);
        }
        lines_[i].clear();
        continue;
      }
      if (!IsBlank(line)) seen_content = true;
    }
    return {};
  }

  // Moves past blank and comment lines; false at the end of the document.
  bool SkipBlank() {
    while (pos_ < lines_.size() && IsBlank(lines_[pos_])) ++pos_;
    return pos_ < lines_.size();
  }

  std::string_view Content(size_t indent) const {
    return std::string_view(lines_[pos_]).substr(indent);
  }

  Result<value> ParseBlock(size_t indent) {
    if (IsSeqItem(Content(indent))) return ParseSequence(indent);
    return ParseMapping(indent);
  }

  // The value of "key:" or "-" with nothing after it: a more indented block on the next lines,
  // a sequence at the key's own indent (YAML allows "key:\n- item"), or null.
  Result<value> NestedValue(size_t indent, bool sequence_at_same_indent) {
    if (!SkipBlank()) return value(nullptr);
    size_t next = IndentOf(lines_[pos_]);
    if (next > indent) return ParseBlock(next);
    if (sequence_at_same_indent && next == indent && IsSeqItem(Content(indent))) {
      return ParseSequence(indent);
    }
    return value(nullptr);
  }

  Result<value> ParseSequence(size_t indent) {
    boost::json::array items;
    while (SkipBlank()) {
      size_t at = IndentOf(lines_[pos_]);
      if (at < indent) break;
      if (at > indent) return Fail("unexpected indentation");
      if (!IsSeqItem(Content(indent))) break;
      size_t col = indent + 1;
      while (col < lines_[pos_].size() && lines_[pos_][col] == ' ') ++col;
      std::string_view rest = std::string_view(lines_[pos_]).substr(col);
      Result<value> item = value(nullptr);
      if (IsEmptyOrComment(rest)) {
        ++pos_;
        item = NestedValue(indent, false);
      } else if (IsSeqItem(rest) || SplitEntry(rest).has_value()) {
        lines_[pos_][indent] = ' ';  // the item is now a block at column `col`
        item = ParseBlock(col);
      } else {
        item = ScalarValue(rest, indent);
      }
      if (!item) return item;
      items.push_back(std::move(*item));
    }
    return value(std::move(items));
  }

  Result<value> ParseMapping(size_t indent) {
    boost::json::object members;
    while (SkipBlank()) {
      size_t at = IndentOf(lines_[pos_]);
      if (at < indent) break;
      if (at > indent) return Fail("unexpected indentation");
      std::string_view content = Content(indent);
      if (IsSeqItem(content)) return Fail("a sequence item where a mapping key was expected");
      auto entry = SplitEntry(content);
      if (!entry) return Fail("expected 'key: value' or '- item'");
      if (Status key = CheckKey(entry->key); !key) return key.error();
      if (members.contains(entry->key)) return Fail("duplicate key '" + entry->key + "'");
      std::string_view rest = TrimLeft(content.substr(entry->rest));
      Result<value> v = value(nullptr);
      if (IsEmptyOrComment(rest)) {
        ++pos_;
        v = NestedValue(indent, true);
      } else {
        v = ScalarValue(rest, indent);
      }
      if (!v) return v;
      members[entry->key] = std::move(*v);
    }
    return value(std::move(members));
  }

  Status CheckKey(std::string_view key) const {
    if (key.empty()) return Fail("empty mapping key");
    char c = key.front();
    if (c == '[' || c == '{' || c == '?') return Fail("complex mapping keys are not supported");
    if (c == '&' || c == '*' || c == '!') {
      return Fail("anchors, aliases and tags are not supported");
    }
    return {};
  }

  // "key: rest" (or "key:" at the end): the key and where the rest starts. Quoted keys are
  // unquoted. nullopt when the content is no mapping entry.
  static std::optional<Entry> SplitEntry(std::string_view content) {
    if (!content.empty() && (content.front() == '"' || content.front() == '\'')) {
      std::string key;
      size_t end = 0;
      auto problem = ReadQuoted(content, key, end);
      if (!problem || !problem->empty()) return std::nullopt;
      if (end < content.size() && content[end] == ':' &&
          (end + 1 == content.size() || content[end + 1] == ' ')) {
        return Entry{std::move(key), end + 1};
      }
      return std::nullopt;
    }
    for (size_t i = 0; i < content.size(); ++i) {
      if (content[i] == '#' && i > 0 && content[i - 1] == ' ') return std::nullopt;
      if (content[i] == ':' && (i + 1 == content.size() || content[i + 1] == ' ')) {
        return Entry{std::string(TrimRight(content.substr(0, i))), i + 1};
      }
    }
    return std::nullopt;
  }

  // Reads a quoted string at the start of `text` into `out`; `end` is the offset after the
  // closing quote. nullopt when the quote does not close on this line; an error text for a bad
  // escape.
  static std::optional<std::string> ReadQuoted(std::string_view text, std::string& out,
                                               size_t& end) {
    char quote = text.front();
    for (size_t i = 1; i < text.size(); ++i) {
      char c = text[i];
      if (quote == '\'' && c == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          out.push_back('\'');
          ++i;
          continue;
        }
        end = i + 1;
        return std::string();
      }
      if (quote == '"' && c == '"') {
        end = i + 1;
        return std::string();
      }
      if (quote == '"' && c == '\\') {
        std::string problem = Unescape(text, i, out);
        if (!problem.empty()) {
          end = i;
          return problem;
        }
        continue;
      }
      out.push_back(c);
    }
    return std::nullopt;
  }

  // Decodes the escape at text[i] ('\\'), leaving i on its last character. Returns a problem
  // description, or "" when fine.
  static std::string Unescape(std::string_view text, size_t& i, std::string& out) {
    if (i + 1 >= text.size()) return "unsupported escape '\\'";
    char e = text[++i];
    switch (e) {
      case '\\':
      case '"':
      case '/':
        out.push_back(e);
        return "";
      case 'n':
        out.push_back('\n');
        return "";
      case 't':
        out.push_back('\t');
        return "";
      case 'r':
        out.push_back('\r');
        return "";
      case '0':
        out.push_back('\0');
        return "";
      case 'x':
      case 'u': {
        size_t digits = e == 'x' ? 2 : 4;
        auto cp = i + digits < text.size() ? HexValue(text.substr(i + 1, digits)) : std::nullopt;
        if (!cp) return "unsupported escape '\\" + std::string(1, e) + "'";
        AppendUtf8(out, *cp);
        i += digits;
        return "";
      }
      default:
        return "unsupported escape '\\" + std::string(1, e) + "'";
    }
  }

  // A scalar starting at `rest` on the current line, the value of a node at `indent`.
  Result<value> ScalarValue(std::string_view rest, size_t indent) {
    char c = rest.front();
    if (c == '|' || c == '>') return BlockScalar(rest, indent);
    if (c == '"' || c == '\'') {
      std::string out;
      size_t end = 0;
      auto problem = ReadQuoted(rest, out, end);
      if (!problem) return Fail("a quoted string must end on its line");
      if (!problem->empty()) return Fail(*problem);
      if (!IsEmptyOrComment(rest.substr(end))) {
        return Fail("unexpected text after a quoted string");
      }
      ++pos_;
      return value(out);
    }
    if (c == '[' || c == '{') {
      return Fail("flow collections ([...] and {...}) are not supported; use block style");
    }
    if (c == '&' || c == '*' || c == '!') {
      return Fail("anchors, aliases and tags are not supported");
    }
    std::string_view plain = rest;
    if (size_t hash = plain.find(" #"); hash != std::string_view::npos) {
      plain = plain.substr(0, hash);
    }
    plain = TrimRight(plain);
    ++pos_;
    if (plain == "~" || plain == "null" || plain == "Null" || plain == "NULL") {
      return value(nullptr);
    }
    return value(std::string(plain));
  }

  struct BlockHeader {
    bool folded = false;
    char chomp = ' ';  // ' ' clip, '-' strip, '+' keep
    size_t explicit_indent = 0;
  };

  Result<BlockHeader> ReadBlockHeader(std::string_view header) const {
    BlockHeader h;
    h.folded = header.front() == '>';
    size_t i = 1;
    for (; i < header.size() && header[i] != ' '; ++i) {
      char c = header[i];
      if ((c == '-' || c == '+') && h.chomp == ' ') {
        h.chomp = c;
      } else if (c >= '1' && c <= '9' && h.explicit_indent == 0) {
        h.explicit_indent = static_cast<size_t>(c - '0');
      } else {
        return Fail("bad block scalar header '" + std::string(TrimRight(header)) + "'");
      }
    }
    if (!IsEmptyOrComment(header.substr(i))) {
      return Fail("bad block scalar header '" + std::string(TrimRight(header)) + "'");
    }
    return h;
  }

  // Literal (|) or folded (>) block scalar, with clip/strip/keep chomping.
  Result<value> BlockScalar(std::string_view header_text, size_t indent) {
    auto header = ReadBlockHeader(header_text);
    if (!header) return header.error();
    ++pos_;
    size_t block_indent = header->explicit_indent != 0 ? indent + header->explicit_indent : 0;
    std::vector<std::string_view> lines;
    while (pos_ < lines_.size()) {
      std::string_view line = lines_[pos_];
      size_t at = IndentOf(line);
      if (at == line.size()) {  // only spaces: part of the block, as an empty line
        lines.emplace_back();
        ++pos_;
        continue;
      }
      if (block_indent == 0) block_indent = at > indent ? at : SIZE_MAX;
      if (at < block_indent) break;
      lines.push_back(line.substr(block_indent));
      ++pos_;
    }
    size_t trailing = 0;
    while (trailing < lines.size() && lines[lines.size() - 1 - trailing].empty()) ++trailing;
    lines.resize(lines.size() - trailing);
    std::string text = header->folded ? Fold(lines) : Join(lines);
    if (header->chomp != '-' && !text.empty()) text.push_back('\n');
    if (header->chomp == '+') text.append(trailing, '\n');
    return value(text);
  }

  static std::string Join(const std::vector<std::string_view>& lines) {
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) out.push_back('\n');
      out.append(lines[i]);
    }
    return out;
  }

  // Folding: adjacent text lines join with a space; an empty line is a line break; more
  // indented lines keep their breaks.
  static std::string Fold(const std::vector<std::string_view>& lines) {
    std::string out;
    bool prev_text = false;
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string_view line = lines[i];
      bool text = !line.empty() && line.front() != ' ';
      if (i > 0) {
        if (line.empty()) {
          out.push_back('\n');
        } else if (prev_text && text) {
          out.push_back(' ');
        } else if (!lines[i - 1].empty()) {
          out.push_back('\n');
        }
      }
      out.append(line);
      prev_text = text;
    }
    return out;
  }
};

}  // namespace

Result<boost::json::value> ReadYaml(std::string_view text) { return Parser(text).Document(); }

}  // namespace kms::emulator::seed
