// tests/ingest/read_all.h: read every row of a RowReader, for reader tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "ingest/row_reader.h"

namespace junheng::ingest::testing {

struct ReadResult {
  std::vector<std::string> header;  // as it stands after the last row (JSON Lines may grow it)
  std::vector<Row> rows;
};

inline ReadResult ReadAllRows(Result<std::unique_ptr<RowReader>> reader) {
  EXPECT_TRUE(reader.has_value()) << (reader ? "" : reader.error().message);
  ReadResult out;
  if (!reader) return out;
  Row row;
  while ((*reader)->Next(row)) out.rows.push_back(row);
  out.header = (*reader)->header();
  return out;
}

}  // namespace junheng::ingest::testing
