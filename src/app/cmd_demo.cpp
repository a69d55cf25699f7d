// junheng demo: a synthetic Linfen, loaded through the same importer as real data.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "app/commands.h"
#include "app/context.h"
#include "store/open.h"
#include "demo/demo.h"
#include "core/clock.h"
#include "ingest/importer.h"
#include "services/accounts.h"
#include "services/audit.h"

namespace junheng::app {
namespace {

// Feeds the generator's records to the importer, one batch per generator batch.
class ImportSink : public demo::Sink {
 public:
  ImportSink(ingest::Importer& importer, demo::Sink* tee) : importer_(importer), tee_(tee) {}

  Status OnDivisions(const std::vector<Division>& divisions) override {
    // `junheng init` has loaded the same division file; only the tee needs them.
    return tee_ ? tee_->OnDivisions(divisions) : Status{};
  }
  Status OnPerson(const Person& p) override {
    if (tee_) JH_RETURN_IF_ERROR(tee_->OnPerson(p));
    JH_RETURN_IF_ERROR(EnsureBatch());
    return importer_.AddPerson(p, ingest::RowOrigin{"demo:persons", ++person_line_, {}});
  }
  Status OnEvent(const Event& e) override {
    if (tee_) JH_RETURN_IF_ERROR(tee_->OnEvent(e));
    JH_RETURN_IF_ERROR(EnsureBatch());
    return importer_.AddEvent(e, ingest::RowOrigin{"demo:events", ++event_line_, {}});
  }
  // The generator marks the end of the base population and of each year. The
  // whole city is still one import batch: on an empty register the store then
  // builds its lookup indexes once, by sorting, instead of growing them row by
  // row (store/sqlite/deferred_indexes.h), and an interrupted demo leaves an
  // empty register that can simply be built again.
  Status OnBatchEnd(std::string_view label) override {
    if (tee_) JH_RETURN_IF_ERROR(tee_->OnBatchEnd(label));
    if (StderrIsTerminal())
      fmt::print(stderr, "\r  {:<6} persons {:>9}  events {:>9}\n", label, person_line_, event_line_);
    return {};
  }
  // Commits everything generated.
  Status Finish() {
    if (!open_) return {};
    open_ = false;
    JH_ASSIGN_OR_RETURN(ingest::ImportReport r, importer_.Commit());
    totals_ = r.counts;
    rejected_by_reason_ = r.rejected_by_reason;
    return {};
  }
  const store::BatchCounts& totals() const { return totals_; }
  const std::map<std::string, int64_t>& rejected_by_reason() const { return rejected_by_reason_; }

 private:
  Status EnsureBatch() {
    if (open_) return {};
    open_ = true;
    return importer_.Begin({"demo"});
  }
  ingest::Importer& importer_;
  demo::Sink* tee_;
  bool open_ = false;
  int64_t person_line_ = 0, event_line_ = 0;
  store::BatchCounts totals_;
  std::map<std::string, int64_t> rejected_by_reason_;
};

// One user per role, so that every page of `junheng serve` can be tried: the
// county officer, township staff and village worker sit in 尧都区, its first
// township and that township's first village.
void AddDemoUsers(std::unique_ptr<store::Store> store, const std::string& password) {
  const std::vector<Division> all = OrDie(store->LoadDivisions());
  const DivisionTree tree = OrDie(DivisionTree::Build(all));
  const DivisionCode city = OrDie(DivisionCode::Parse("141000000000"));
  const DivisionCode county = OrDie(DivisionCode::Parse("141002000000"));
  auto townships = tree.Children(county);
  if (townships.empty()) throw CommandError("the divisions have no township under 141002000000");
  auto villages = tree.Children(townships.front()->code);
  if (villages.empty()) throw CommandError("the first township of 尧都区 has no village");
  using services::Role;
  struct DemoUser { const char* username; const char* name; Role role; DivisionCode division; const char* source; };
  const DemoUser users[] = {
      {"admin", "市卫健委管理员", Role::kCityAdmin, city, ""},
      {"yaodu", "尧都区人口专干", Role::kCountyOfficer, county, ""},
      {"township", "乡镇人口工作人员", Role::kTownshipStaff, townships.front()->code, ""},
      {"village", "村人口工作服务员", Role::kVillageWorker, villages.front()->code, ""},
      {"health", "卫健数据报送员", Role::kDataFeeder, city, "health"},
      {"analyst", "只读分析员", Role::kAnalyst, city, ""},
  };
  services::StorePool pool(std::move(store));
  SystemClock clock;
  services::Accounts accounts(pool, clock);
  services::AuditLog audit(pool, clock);
  fmt::print("Demo logins for `junheng serve` (password {} for all):\n", password);
  for (const DemoUser& u : users) {
    OrDie(accounts.AddUser(services::NewUser{u.username, u.name, u.role, u.division, u.source}, password));
    OrDie(audit.Append(services::AuditEntry{.actor = "demo", .action = "user_add", .target = u.username,
                                            .division = u.division.ToString()}));
    const Division* d = tree.Find(u.division);
    fmt::print("  {:<9} {} {}{}\n", u.username, services::RoleTitle(u.role), d ? d->name : u.division.ToString(),
               *u.source ? fmt::format(" ({})", u.source) : "");
  }
}

void RunDemo(const std::string& db, double scale, uint64_t seed, const std::string& out_dir,
             const std::string& password) {
  if (scale <= 0 || scale > 4) throw CommandError("--scale must be above 0 and at most 4");
  RunOnHugePages();
  if (store::IsPostgresTarget(db) || std::filesystem::exists(db)) {
    auto s = OrDie(OpenStore(db, true)->GetSummary());
    if (s.persons > 0)
      throw CommandError(fmt::format("{} already holds a register with {} persons; give a new file or an empty database", store::RedactTarget(db), s.persons));
  }
  const auto t0 = std::chrono::steady_clock::now();
  InitStore(db, DataDir() + "/linfen-divisions.csv");
  // The demo builds a new register: its one big batch may bypass the WAL
  // (SqliteOptions::journal_first_load).
  auto store = OrDie(store::OpenStore(db, store::OpenOptions{.create_if_missing = false,
                                                             .sqlite = {.journal_first_load = true}}));
  ingest::ImportOptions options;
  options.source = "";  // the generator names each record's department
  options.today = Today();
  options.now = Now();
  ingest::Importer importer(*store, options);
  std::unique_ptr<demo::Sink> csv;
  if (!out_dir.empty()) csv = OrDie(demo::OpenCsvSink(out_dir));
  ImportSink sink(importer, csv.get());
  demo::DemoOptions demo_options;
  demo_options.scale = scale;
  demo_options.seed = seed;
  demo_options.today = options.today;
  demo_options.data_dir = DataDir();
  fmt::print("Building a synthetic Linfen (scale {}, seed {}) from 2015-01-01 to {}...\n", scale, seed,
             options.today.ToString());
  auto stats = demo::GenerateDemoCityAlongside(demo_options, sink);
  if (!stats) {
    importer.Abort();
    throw CommandError(stats.error().message);
  }
  if (StderrIsTerminal()) fmt::print(stderr, "  committing and building indexes...\n");
  OrDie(sink.Finish());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto& t = sink.totals();
  fmt::print("Generated and imported {} persons and {} events in {:.1f} s\n", t.persons_loaded, t.events_loaded,
             seconds);
  if (t.rejected + t.conflicts + t.review > 0) {
    fmt::print("  the importer rejected {} records, found {} conflicts and {} unlinked rows:\n", t.rejected,
               t.conflicts, t.review);
    for (const auto& [code, n] : sink.rejected_by_reason()) fmt::print("    {:<28}{:>10}\n", code, n);
  }
  if (!out_dir.empty()) fmt::print("Exchange-format files written to {}\n", out_dir);
  fmt::print("{}", FormatRegisterSummary(OrDie(store->GetSummary())));
  if (!password.empty()) AddDemoUsers(std::move(store), password);
}

}  // namespace

void AddDemoCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("demo", "Build a synthetic Linfen from the 2020 census and load it");
  auto db = std::make_shared<std::string>();
  auto scale = std::make_shared<double>(1.0);
  auto seed = std::make_shared<uint64_t>(1);
  auto out = std::make_shared<std::string>();
  auto password = std::make_shared<std::string>("Linfen-2035");
  cmd->add_option("--db", *db, "Register to create: a SQLite file or an empty PostgreSQL database (postgresql:// URI)")->required();
  cmd->add_option("--scale", *scale, "Fraction of the real population (1 = about 4 million people)")->capture_default_str();
  cmd->add_option("--seed", *seed, "Random seed; the same seed gives the same city")->capture_default_str();
  cmd->add_option("--out", *out, "Also write the records as exchange-format CSV files into this folder");
  cmd->add_option("--password", *password, "Password of the demo users (one per role); empty: no users")
      ->capture_default_str();
  cmd->callback([=] { RunDemo(*db, *scale, *seed, *out, *password); });
}

}  // namespace junheng::app
