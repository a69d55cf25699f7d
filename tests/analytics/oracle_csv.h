// tests/analytics/oracle_csv.h: reading the oracle files of tests/cases/oracles/.
// They are comma-separated with a header line and no quoting; an empty cell
// (also a trailing one) is kept as "".
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace junheng::analytics {

using OracleRow = std::map<std::string, std::string>;  // column name → cell

inline std::vector<OracleRow> ReadOracleRows(const std::string& name) {
  const std::string path = std::string(JUNHENG_CASES_DIR) + "/oracles/" + name;
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot open " << path;
  const auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::stringstream stream(line);
    std::string cell;
    while (std::getline(stream, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.push_back("");
    return cells;
  };
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split(line);
  std::vector<OracleRow> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> cells = split(line);
    OracleRow row;
    for (size_t i = 0; i < header.size(); ++i) row[header[i]] = i < cells.size() ? cells[i] : "";
    rows.push_back(row);
  }
  return rows;
}

// The same file by column: column name → its cells, top to bottom.
inline std::map<std::string, std::vector<std::string>> ReadOracleColumns(const std::string& name) {
  std::map<std::string, std::vector<std::string>> columns;
  for (const OracleRow& row : ReadOracleRows(name)) {
    for (const auto& [column, cell] : row) columns[column].push_back(cell);
  }
  return columns;
}

}  // namespace junheng::analytics
