// junheng init | import | check | backup | summary
#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "app/commands.h"
#include "app/context.h"
#include "ingest/check.h"
#include "ingest/importer.h"

namespace junheng::app {
namespace {

struct ImportArgs {
  std::string db, source, mapping, report, kind;
  std::vector<std::string> files;
};

void RunImport(const ImportArgs& a) {
  RunOnHugePages();
  auto store = OpenStore(a.db, false);
  ingest::ImportOptions options;
  options.source = a.source;
  options.mapping_path = a.mapping;
  options.today = Today();
  options.now = Now();
  if (!a.kind.empty()) {
    if (a.kind == "divisions") options.kind = RecordKind::kDivision;
    else if (a.kind == "persons") options.kind = RecordKind::kPerson;
    else if (a.kind == "events") options.kind = RecordKind::kEvent;
  }
  for (const auto& f : a.files)
    if (!std::filesystem::exists(f)) throw CommandError(fmt::format("cannot read {}: no such file", f));
  if (StderrIsTerminal())
    options.progress = [](int64_t done, int64_t total) { DrawProgress("importing", done, total); };
  ingest::Importer importer(*store, options);
  ingest::ImportReport report = OrDie(importer.ImportFiles(a.files));
  fmt::print("{}", ingest::FormatSummary(report));
  if (!a.report.empty()) {
    std::ofstream out(a.report);
    out << ingest::ToJson(report) << '\n';
    if (!out) throw CommandError(fmt::format("cannot write the report to {}", a.report));
    fmt::print("Report written to {}\n", a.report);
  }
}

}  // namespace

std::string FormatRegisterSummary(const store::Summary& s) {
  std::string out = "Register summary\n";
  out += fmt::format("  divisions        {:>12}\n  persons          {:>12}\n  events           {:>12}\n",
                     s.divisions, s.persons, s.events);
  for (const auto& [type, n] : s.events_by_type) out += fmt::format("    {:<14} {:>12}\n", type, n);
  if (s.first_event_date)
    out += fmt::format("  events dated     {} to {}\n", s.first_event_date->ToString(),
                       s.last_event_date->ToString());
  out += fmt::format("  import batches   {:>12}\n  quarantined rows {:>12}\n  open conflicts   {:>12}\n"
                     "  awaiting review  {:>12}\n",
                     s.batches, s.quarantined, s.open_conflicts, s.open_reviews);
  return out;
}

void InitStore(const std::string& db, const std::string& divisions_file) {
  auto store = OpenStore(db, true);
  auto summary = OrDie(store->GetSummary());
  if (summary.divisions > 0) return;
  ingest::ImportOptions options;
  options.kind = RecordKind::kDivision;
  options.today = Today();
  options.now = Now();
  ingest::Importer importer(*store, options);
  auto report = OrDie(importer.ImportFiles({divisions_file}));
  if (report.counts.rejected > 0 || report.counts.conflicts > 0)
    throw CommandError(fmt::format("{} rows of {} were rejected; the divisions file must be clean:\n{}",
                                   report.counts.rejected + report.counts.conflicts, divisions_file,
                                   ingest::FormatSummary(report)));
}

void AddRegisterCommands(CLI::App& app) {
  {
    auto* cmd = app.add_subcommand("init", "Create a register database and load the division tree");
    auto db = std::make_shared<std::string>();
    auto divisions = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Register to create: a SQLite file or an empty PostgreSQL database (postgresql:// URI)")->required();
    cmd->add_option("--divisions", *divisions, "Divisions CSV (default: Linfen's, from the data folder)");
    cmd->callback([db, divisions] {
      const std::string file = divisions->empty() ? DataDir() + "/linfen-divisions.csv" : *divisions;
      if (std::filesystem::exists(*db)) {
        auto s = OrDie(OpenStore(*db, false)->GetSummary());
        if (s.divisions > 0) throw CommandError(fmt::format("{} already holds a register", *db));
      }
      InitStore(*db, file);
      fmt::print("Created {} with the divisions of {}\n", *db, file);
    });
  }
  {
    auto* cmd = app.add_subcommand("import", "Import department files (CSV or JSON Lines) as one batch");
    auto a = std::make_shared<ImportArgs>();
    cmd->add_option("--db", a->db, "Register: a SQLite file or a postgresql:// URI")->required();
    cmd->add_option("--source", a->source,
                    "Source the files come from (public_security, civil_affairs, health, education, "
                    "medical_insurance, social_security, manual, census)");
    cmd->add_option("--mapping", a->mapping, "TOML mapping of the department's columns and codes");
    cmd->add_option("--report", a->report, "Write a JSON report of every rejected or conflicting row here");
    cmd->add_option("--kind", a->kind, "divisions, persons or events (default: detected from the header)")
        ->check(CLI::IsMember({"divisions", "persons", "events"}));
    cmd->add_option("files", a->files, "Files to import")->required();
    cmd->callback([a] { RunImport(*a); });
  }
  {
    auto* cmd = app.add_subcommand("check", "Verify the register: possible lives, a gapless log, counts");
    auto db = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Register: a SQLite file or a postgresql:// URI")->required();
    cmd->callback([db] {
      RunOnHugePages();
      auto store = OpenStore(*db, false);
      auto report = OrDie(ingest::CheckRegister(*store));
      for (const auto& p : report.problems) fmt::print("{}\n", p);
      if (!report.ok())
        throw CommandError(fmt::format("the register has {}{} problems", report.problems.size(),
                                       report.problems.size() >= 1000 ? "+" : ""));
      fmt::print("OK: {} persons and {} events form possible lives; the log has no gaps\n", report.persons,
                 report.events);
    });
  }
  {
    auto* cmd = app.add_subcommand("backup", "Make a consistent copy of the register while it is in use");
    auto db = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Register: a SQLite file or a postgresql:// URI")->required();
    cmd->add_option("--to", *to, "The copy to create (must not exist)")->required();
    cmd->callback([db, to] {
      auto store = OpenStore(*db, false);
      OrDie(store->Backup(*to));
      fmt::print("Backed up {} to {}\n", *db, *to);
    });
  }
  {
    auto* cmd = app.add_subcommand("summary", "Print the register's counts");
    auto db = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Register: a SQLite file or a postgresql:// URI")->required();
    cmd->callback([db] { fmt::print("{}", FormatRegisterSummary(OrDie(OpenStore(*db, false)->GetSummary()))); });
  }
}

}  // namespace junheng::app
