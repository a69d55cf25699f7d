// fuzz/record_fuzzer.cpp: ParseDivision, ParsePerson and ParseEvent (core/record.h)
// on any field values.
//
// Input: the kind on the first line ("divisions", "persons" or "events"), then one
// "field=value" line per field (exchange-format names; others are ignored), and an
// optional "default_source=..." line, as --source gives on import. Checks in
// record_checks.h: reasons are well formed, and a valid record written back in the
// exchange format parses to the same record.
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "fuzz/record_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace junheng;
  std::string_view text = fuzz::AsText(data, size);
  const size_t first_nl = text.find('\n');
  const std::string_view kind_name = text.substr(0, first_nl);
  RecordKind kind;
  if (kind_name == "divisions") kind = RecordKind::kDivision;
  else if (kind_name == "persons") kind = RecordKind::kPerson;
  else if (kind_name == "events") kind = RecordKind::kEvent;
  else return 0;
  text = first_nl == std::string_view::npos ? std::string_view() : text.substr(first_nl + 1);
  FieldValues fields;
  ParseOptions options{fuzz::FuzzToday(), {}};
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, eq), value = line.substr(eq + 1);
    if (name == "default_source") options.default_source = value;
    else if (auto f = FieldFromName(name)) fields[static_cast<size_t>(*f)] = value;
  }
  fuzz::CheckRecord(kind, fields, options);
  return 0;
}
