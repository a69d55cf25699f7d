// fuzz/csv_reader_fuzzer.cpp: the CSV reader (ingest/csv_reader.h) over any bytes,
// read as the importer reads a department's file: open, then Next() to the end.
//
// Besides the row contract (reader_checks.h): a good row written back as CSV with
// every cell quoted reads back as the same header and the same values, so nothing
// a department sent is lost or altered by reading it.
#include <cstdint>
#include <string>

#include "fuzz/fuzz_check.h"
#include "fuzz/reader_checks.h"
#include "ingest/csv_reader.h"

namespace junheng::fuzz {
namespace {

void AppendQuoted(std::string& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : cells[i]) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('\n');
}

void CheckRoundTrip(const std::vector<std::string>& header, const ingest::Row& row) {
  std::string text;
  AppendQuoted(text, header);
  AppendQuoted(text, row.values);
  auto again = ingest::OpenCsvReaderFromString(text, "round trip");
  FUZZ_CHECK(again.has_value(), "the written header does not open: " + (again ? "" : again.error().message));
  FUZZ_CHECK((*again)->header() == header, "the written header reads back differently");
  ingest::Row back;
  FUZZ_CHECK((*again)->Next(back), "the written row is not read back");
  FUZZ_CHECK(back.error.empty(), "the written row reads back as an error: " + back.error);
  FUZZ_CHECK(back.values == row.values, "the written row reads back with other values");
  FUZZ_CHECK(!(*again)->Next(back), "one written row reads back as more");
}

}  // namespace
}  // namespace junheng::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace junheng;
  const std::string input(fuzz::AsText(data, size));
  auto reader = ingest::OpenCsvReaderFromString(input, "fuzz input");
  if (!reader) {
    FUZZ_CHECK(!reader.error().message.empty(), "a refused file has no message");
    return 0;
  }
  fuzz::RowContract contract(input);
  const std::vector<std::string>& header = (*reader)->header();
  FUZZ_CHECK(!header.empty(), "an opened file has no columns");
  contract.CheckHeader(header);
  ingest::Row row;
  while ((*reader)->Next(row)) {
    contract.Check(**reader, row);
    if (row.error.empty()) fuzz::CheckRoundTrip(header, row);
  }
  return 0;
}
