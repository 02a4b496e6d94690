// The two renderings of an Inspection: the teaching table (text) and the same content as data.
#include <boost/json/array.hpp>

#include "help.hpp"
#include "inspect.hpp"

namespace kms::cli {
namespace {

namespace json = boost::json;

constexpr size_t kFieldWidth = 24;
constexpr size_t kExplanationColumn = 20;

std::string RightAligned(size_t value, size_t width) {
  std::string text = std::to_string(value);
  return std::string(text.size() < width ? width - text.size() : 0, ' ') + text;
}

std::string Padded(std::string text, size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string SectionTitle(const InspectSection& section) {
  std::string out = section.name + ": ";
  if (section.range.length == 0) return out + "empty\n";
  return out + "bytes " + std::to_string(section.range.offset) + ".." +
         std::to_string(section.range.end() - 1) + " (" + std::to_string(section.range.length) +
         " bytes)\n";
}

std::string RowText(const InspectRow& row) {
  std::string field = std::string(2 * static_cast<size_t>(row.depth), ' ') + row.field;
  std::string out = "  " + RightAligned(row.offset, 7) + "  " + RightAligned(row.length, 6) + "  " +
                    Padded(field, kFieldWidth) + "  " + row.value + "\n";
  size_t indent = kExplanationColumn + 2 * static_cast<size_t>(row.depth);
  out += std::string(indent, ' ') + WrapText(row.explanation, indent, indent) + "\n";
  return out;
}

}  // namespace

std::string RenderInspectionText(const Inspection& inspection) {
  std::string out = inspection.title + ", " + std::to_string(inspection.length) +
                    " bytes, read as " + inspection.input + ".\n" +
                    WrapText(inspection.checked, 0, 0) + "\n";
  for (const InspectSection& section : inspection.sections) {
    out += "\n" + SectionTitle(section);
    out += "   offset  length  " + Padded("field", kFieldWidth) + "  value\n";
    for (const InspectRow& row : section.rows) out += RowText(row);
  }
  for (const std::string& note : inspection.notes) out += "\n" + WrapText(note, 0, 0) + "\n";
  return out;
}

json::object InspectionJson(const Inspection& inspection) {
  json::object out = inspection.summary;
  out["Input"] = inspection.input;
  out["Checked"] = inspection.checked;
  json::array& sections = out["Sections"].emplace_array();
  for (const InspectSection& section : inspection.sections) {
    json::array fields;
    for (const InspectRow& row : section.rows) {
      fields.push_back(json::object{{"Offset", row.offset},
                                    {"Length", row.length},
                                    {"Depth", row.depth},
                                    {"Field", row.field},
                                    {"Value", row.value},
                                    {"Explanation", row.explanation}});
    }
    sections.push_back(json::object{{"Name", section.name},
                                    {"Offset", section.range.offset},
                                    {"Length", section.range.length},
                                    {"Fields", std::move(fields)}});
  }
  json::array& notes = out["Notes"].emplace_array();
  for (const std::string& note : inspection.notes) notes.emplace_back(note);
  return out;
}

}  // namespace kms::cli
