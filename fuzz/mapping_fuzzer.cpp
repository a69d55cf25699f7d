// fuzz/mapping_fuzzer.cpp: mapping files (ingest/mapping.h) on any TOML text, and a
// parsed mapping applied to the rows of a CSV file, as the importer does.
//
// Input: the mapping's TOML, then optionally a line "%%" and a department's CSV
// export. Checks: a refused mapping says why; lenient binding (JSON Lines) never
// fails; ignored columns are header columns; each row's mapped fields are UTF-8 and
// parse as records of the mapping's kind with well-formed reasons (record_checks.h).
#include <algorithm>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "fuzz/reader_checks.h"
#include "fuzz/record_checks.h"
#include "ingest/csv_reader.h"
#include "ingest/mapping.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace junheng;
  std::string_view toml, csv;
  fuzz::SplitAtLine(fuzz::AsText(data, size), "%%", toml, csv);
  auto mapping = ingest::Mapping::Parse(toml, "fuzz.toml");
  if (!mapping) {
    FUZZ_CHECK(!mapping.error().message.empty(), "a refused mapping has no message");
    return 0;
  }
  FUZZ_CHECK(mapping->source().empty() || IsKnownSource(mapping->source()), "unknown source " + mapping->source());
  if (csv.empty()) return 0;
  const std::string input(csv);
  auto reader = ingest::OpenCsvReaderFromString(input, "fuzz.csv");
  if (!reader) return 0;
  const std::vector<std::string>& header = (*reader)->header();
  RecordKind kind = RecordKind::kEvent;
  if (mapping->kind()) kind = *mapping->kind();
  else if (auto detected = ingest::DetectKind(header)) kind = *detected;

  auto lenient = mapping->Bind(header, /*require_all_columns=*/false);
  FUZZ_CHECK(lenient.has_value(), "lenient binding failed: " + (lenient ? "" : lenient.error().message));
  auto bound = mapping->Bind(header);
  if (!bound) {
    FUZZ_CHECK(!bound.error().message.empty(), "a refused binding has no message");
    bound = std::move(lenient);
  }
  FUZZ_CHECK(bound->header_size() == header.size(), "bound to another header size");
  for (const std::string& col : bound->ignored_columns())
    FUZZ_CHECK(std::ranges::find(header, col) != header.end(), "an ignored column is not in the header: " + col);

  const ParseOptions options{fuzz::FuzzToday(), mapping->source()};
  fuzz::RowContract contract(input);
  ingest::Row row;
  FieldValues fields;
  while ((*reader)->Next(row)) {
    contract.Check(**reader, row);
    if (!row.error.empty()) continue;
    bound->Apply(row, fields);
    FUZZ_CHECK(fuzz::AllUtf8(fields), "a mapped field of a UTF-8 row is not UTF-8");
    fuzz::CheckRecord(kind, fields, options);
  }
  return 0;
}
