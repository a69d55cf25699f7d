// fuzz/jsonl_reader_fuzzer.cpp: the JSON Lines reader (ingest/jsonl_reader.h) over
// any bytes, read as the importer reads a department's file.
//
// Besides the row contract (reader_checks.h): a good row written back as one JSON
// object with every value a string reads back as the same values, and a column
// name never appears twice in the header.
#include <cstdint>
#include <set>
#include <string>

#include <fmt/format.h>

#include "fuzz/fuzz_check.h"
#include "fuzz/reader_checks.h"
#include "ingest/jsonl_reader.h"

namespace junheng::fuzz {
namespace {

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void CheckRoundTrip(const std::vector<std::string>& header, const ingest::Row& row) {
  std::string line = "{";
  for (size_t i = 0; i < header.size(); ++i) {
    if (i > 0) line.push_back(',');
    AppendJsonString(line, header[i]);
    line.push_back(':');
    AppendJsonString(line, row.values[i]);
  }
  line += "}\n";
  auto again = ingest::OpenJsonlReaderFromString(line, "round trip");
  FUZZ_CHECK(again.has_value(), "the written line does not open");
  ingest::Row back;
  FUZZ_CHECK((*again)->Next(back), "the written line is not read back");
  FUZZ_CHECK(back.error.empty(), "the written line reads back as an error: " + back.error);
  FUZZ_CHECK((*again)->header() == header, "the written keys read back as another header");
  FUZZ_CHECK(back.values == row.values, "the written line reads back with other values");
}

}  // namespace
}  // namespace junheng::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace junheng;
  const std::string input(fuzz::AsText(data, size));
  auto reader = ingest::OpenJsonlReaderFromString(input, "fuzz input");
  if (!reader) return 0;
  fuzz::RowContract contract(input);
  ingest::Row row;
  while ((*reader)->Next(row)) {
    contract.Check(**reader, row);
    const std::vector<std::string>& header = (*reader)->header();
    contract.CheckHeader(header);
    FUZZ_CHECK(std::set<std::string>(header.begin(), header.end()).size() == header.size(),
               "a key appears twice in the header");
    if (row.error.empty()) fuzz::CheckRoundTrip(header, row);
  }
  return 0;
}
