#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "ingest/importer.h"

namespace junheng::ingest {
namespace {

nlohmann::json ReasonsJson(const std::vector<Reason>& reasons) {
  nlohmann::json out = nlohmann::json::array();
  for (const Reason& r : reasons) out.push_back({{"code", r.code}, {"field", r.field}, {"message", r.message}});
  return out;
}

std::string Thousands(int64_t v) {
  const std::string digits = std::to_string(v < 0 ? -v : v);
  std::string s = v < 0 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
    s += digits[i];
  }
  return s;
}

}  // namespace

std::string FormatSummary(const ImportReport& r) {
  std::string out = fmt::format("Import batch {} ({} file{}, {:.1f} s)\n", r.batch_id, r.files.size(),
                                r.files.size() == 1 ? "" : "s", r.seconds);
  auto line = [&](std::string_view label, int64_t v) { out += fmt::format("  {:<28}{:>12}\n", label, Thousands(v)); };
  if (r.counts.divisions_loaded > 0) line("divisions loaded", r.counts.divisions_loaded);
  line("persons loaded", r.counts.persons_loaded);
  line("events loaded", r.counts.events_loaded);
  line("duplicates (already loaded)", r.counts.duplicates);
  line("conflicts (kept for review)", r.counts.conflicts);
  line("unlinked (review queue)", r.counts.review);
  line("rejected", r.counts.rejected);
  for (const auto& [code, n] : r.rejected_by_reason) out += fmt::format("    {:<26}{:>12}\n", code, Thousands(n));
  for (const std::string& w : r.warnings) out += fmt::format("  note: {}\n", w);
  return out;
}

std::string ToJson(const ImportReport& r) {
  nlohmann::json j;
  j["batch_id"] = r.batch_id;
  j["files"] = r.files;
  j["seconds"] = r.seconds;
  j["counts"] = {{"divisions_loaded", r.counts.divisions_loaded}, {"persons_loaded", r.counts.persons_loaded},
                 {"events_loaded", r.counts.events_loaded},       {"duplicates", r.counts.duplicates},
                 {"conflicts", r.counts.conflicts},               {"review", r.counts.review},
                 {"rejected", r.counts.rejected}};
  j["rejected_by_reason"] = r.rejected_by_reason;
  auto& rejected = j["rejected"] = nlohmann::json::array();
  for (const RejectedRow& x : r.rejected) {
    nlohmann::json row = {{"file", x.file}, {"line", x.line}, {"kind", RecordKindName(x.kind)},
                          {"reasons", ReasonsJson(x.reasons)}};
    row[x.kind == RecordKind::kEvent ? "event_id" : x.kind == RecordKind::kPerson ? "person_id" : "code"] = x.key;
    rejected.push_back(std::move(row));
  }
  auto& conflicts = j["conflicts"] = nlohmann::json::array();
  for (const ConflictReport& x : r.conflicts) {
    nlohmann::json row = {{"file", x.file}, {"line", x.line}, {"kind", RecordKindName(x.kind)},
                          {"message", x.message}};
    row[x.kind == RecordKind::kEvent ? "event_id" : x.kind == RecordKind::kPerson ? "person_id" : "code"] = x.key;
    conflicts.push_back(std::move(row));
  }
  auto& review = j["review"] = nlohmann::json::array();
  for (const ReviewReport& x : r.review)
    review.push_back({{"file", x.file}, {"line", x.line}, {"kind", RecordKindName(x.kind)},
                      {"candidates", x.candidates}, {"message", x.message}});
  j["warnings"] = r.warnings;
  return j.dump(2);
}

}  // namespace junheng::ingest
