// demo/csv_sink.h: exchange-format CSV files from a Sink (for `junheng demo --out DIR`).
#pragma once

#include <array>
#include <fstream>
#include <string>
#include <vector>

#include "demo/demo.h"

namespace junheng::demo {

class CsvSink : public Sink {
 public:
  // Use OpenCsvSink (demo.h), which checks that the files could be created.
  explicit CsvSink(const std::string& dir);
  bool ok() const { return divisions_.good() && persons_.good() && events_.good(); }

  Status OnDivisions(const std::vector<Division>& divisions) override;
  Status OnPerson(const Person& p) override;
  Status OnEvent(const Event& e) override;
  Status OnBatchEnd(std::string_view label) override;  // flushes

 private:
  void WriteRow(std::ofstream& out, RecordKind kind, const FieldValues& f);
  Status Check() const;

  std::string dir_;
  std::ofstream divisions_, persons_, events_;
  std::array<std::string, kFieldCount> storage_;
  std::string line_;
};

// Appends `field` to `out`, quoted per RFC 4180 when it holds a comma, a double
// quote, CR or LF (inner quotes doubled).
void AppendCsvField(std::string& out, std::string_view field);

}  // namespace junheng::demo
