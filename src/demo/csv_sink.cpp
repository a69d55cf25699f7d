#include "demo/csv_sink.h"

#include <fmt/format.h>

#include <filesystem>

namespace junheng::demo {

void AppendCsvField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

CsvSink::CsvSink(const std::string& dir) : dir_(dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  divisions_.open(dir + "/divisions.csv", std::ios::binary | std::ios::trunc);
  persons_.open(dir + "/persons.csv", std::ios::binary | std::ios::trunc);
  events_.open(dir + "/events.csv", std::ios::binary | std::ios::trunc);
  const auto header = [](std::ofstream& out, RecordKind kind) {
    std::string line;
    for (Field f : ColumnsOf(kind)) {
      if (!line.empty()) line += ',';
      line += FieldName(f);
    }
    out << line << "\r\n";
  };
  header(divisions_, RecordKind::kDivision);
  header(persons_, RecordKind::kPerson);
  header(events_, RecordKind::kEvent);
}

Status CsvSink::Check() const {
  if (!ok()) return Fail(ErrorCode::kUnavailable, fmt::format("cannot write the CSV files in {}", dir_));
  return {};
}

void CsvSink::WriteRow(std::ofstream& out, RecordKind kind, const FieldValues& f) {
  line_.clear();
  bool first = true;
  for (Field field : ColumnsOf(kind)) {
    if (!first) line_ += ',';
    first = false;
    AppendCsvField(line_, f[static_cast<size_t>(field)]);
  }
  line_ += "\r\n";
  out.write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

Status CsvSink::OnDivisions(const std::vector<Division>& divisions) {
  for (const Division& d : divisions) {
    FieldValues f{};
    const std::string code = d.code.ToString(), parent = d.parent.empty() ? "" : d.parent.ToString();
    const std::string level = std::to_string(static_cast<int>(d.level));
    f[static_cast<size_t>(Field::kCode)] = code;
    f[static_cast<size_t>(Field::kName)] = d.name;
    f[static_cast<size_t>(Field::kLevel)] = level;
    f[static_cast<size_t>(Field::kParentCode)] = parent;
    f[static_cast<size_t>(Field::kUrbanRural)] = d.urban_rural;
    WriteRow(divisions_, RecordKind::kDivision, f);
  }
  return Check();
}

Status CsvSink::OnPerson(const Person& p) {
  WriteRow(persons_, RecordKind::kPerson, ToFields(p, storage_));
  return Check();
}

Status CsvSink::OnEvent(const Event& e) {
  WriteRow(events_, RecordKind::kEvent, ToFields(e, storage_));
  return Check();
}

Status CsvSink::OnBatchEnd(std::string_view) {
  divisions_.flush();
  persons_.flush();
  events_.flush();
  return Check();
}

Result<std::unique_ptr<Sink>> OpenCsvSink(const std::string& dir) {
  auto sink = std::make_unique<CsvSink>(dir);
  if (!sink->ok()) return Fail(ErrorCode::kUnavailable, fmt::format("cannot create the CSV files in {}", dir));
  return std::unique_ptr<Sink>(std::move(sink));
}

}  // namespace junheng::demo
