// junheng stats, stats pyramid, stats lifetable
#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "app/commands.h"
#include "app/context.h"
#include "services/snapshot_loader.h"
#include "services/stats.h"

namespace junheng::app {
namespace {

struct StatsArgs {
  std::string db, division, from, to, by = "whole", format = "csv", indicators, out, on, sex = "both";
  bool children = false;
};

Date ParseDateArg(const std::string& text, std::string_view flag) {
  auto d = Date::Parse(text);
  if (!d) throw CommandError(fmt::format("{} must be a date YYYY-MM-DD, not '{}'", flag, text));
  return *d;
}

DivisionCode ParseDivisionArg(const std::string& text) {
  auto code = DivisionCode::Parse(text);
  if (!code) throw CommandError(fmt::format("--division must be a 12-digit division code, not '{}'", text));
  return *code;
}

void Require(const std::string& value, std::string_view flag) {
  if (value.empty()) throw CommandError(fmt::format("{} is required", flag));
}

analytics::Snapshot Load(const std::string& db) {
  auto store = OpenStore(db, false);
  auto second = OpenStore(db, false);  // the log is read on two threads
  services::LoadOptions options{.second = second.get()};
  if (StderrIsTerminal()) {
    options.on_progress = [](int64_t persons, int64_t events) {
      fmt::print(stderr, "\rreading the register: {} persons, {} events", persons, events);
    };
  }
  auto snapshot = OrDie(services::LoadSnapshot(*store, options));
  if (StderrIsTerminal()) fmt::print(stderr, "\n");
  return snapshot;
}

void Write(const std::string& text, const std::string& out) {
  if (out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  std::ofstream f(out, std::ios::binary);
  f << text;
  if (!f) throw CommandError(fmt::format("cannot write {}", out));
}

std::vector<std::string> SplitList(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    if (end > start) out.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void RunStats(const StatsArgs& a) {
  Require(a.db, "--db");
  Require(a.division, "--division");
  Require(a.from, "--from");
  Require(a.to, "--to");
  services::StatsRequest request;
  request.division = ParseDivisionArg(a.division);
  request.children = a.children;
  request.from = ParseDateArg(a.from, "--from");
  request.to = ParseDateArg(a.to, "--to");
  auto split = analytics::ParsePeriodSplit(a.by);
  if (!split) throw CommandError(fmt::format("--by must be year, quarter, month or whole, not '{}'", a.by));
  request.split = *split;
  request.indicators = SplitList(a.indicators);
  if (a.format != "csv" && a.format != "json")
    throw CommandError(fmt::format("--format must be csv or json, not '{}'", a.format));
  const analytics::Snapshot snapshot = Load(a.db);
  const auto table = OrDie(services::ComputeStats(snapshot, request));
  Write(a.format == "csv" ? services::StatsCsv(table) : services::StatsJson(table), a.out);
}

void RunPyramid(const StatsArgs& a) {
  Require(a.db, "--db");
  Require(a.division, "--division");
  std::optional<Date> on;
  Date from, to;
  if (!a.on.empty()) {
    on = ParseDateArg(a.on, "--on");
  } else {
    if (a.from.empty() || a.to.empty()) throw CommandError("give --on DATE, or --from and --to");
    from = ParseDateArg(a.from, "--from");
    to = ParseDateArg(a.to, "--to");
  }
  const analytics::Snapshot snapshot = Load(a.db);
  Write(services::PyramidCsv(OrDie(services::ComputePyramid(snapshot, ParseDivisionArg(a.division), from, to, on))),
        a.out);
}

void RunLifeTable(const StatsArgs& a) {
  Require(a.db, "--db");
  Require(a.division, "--division");
  Require(a.from, "--from");
  Require(a.to, "--to");
  std::optional<Sex> sex;
  if (a.sex == "m" || a.sex == "male") sex = Sex::kMale;
  else if (a.sex == "f" || a.sex == "female") sex = Sex::kFemale;
  else if (a.sex != "both") throw CommandError(fmt::format("--sex must be m, f or both, not '{}'", a.sex));
  const analytics::Snapshot snapshot = Load(a.db);
  const std::vector<analytics::LifeTableRow> rows = OrDie(services::ComputeLifeTable(
      snapshot, ParseDivisionArg(a.division), ParseDateArg(a.from, "--from"), ParseDateArg(a.to, "--to"), sex));
  Write(services::LifeTableCsv(rows), a.out);
}

void RunFertility(const StatsArgs& a) {
  Require(a.db, "--db");
  Require(a.division, "--division");
  Require(a.from, "--from");
  Require(a.to, "--to");
  const analytics::Snapshot snapshot = Load(a.db);
  const std::vector<services::FertilityRow> rows = OrDie(services::ComputeFertilityTable(
      snapshot, ParseDivisionArg(a.division), ParseDateArg(a.from, "--from"), ParseDateArg(a.to, "--to")));
  Write(services::FertilityCsv(rows), a.out);
}

void AddCommon(CLI::App* cmd, StatsArgs& a) {
  cmd->add_option("--db", a.db, "the register: a SQLite file or a postgresql:// URI");
  cmd->add_option("--division", a.division, "12-digit division code (city, county, township or village)");
  cmd->add_option("--from", a.from, "first day of the period, YYYY-MM-DD");
  cmd->add_option("--to", a.to, "the day after the period, YYYY-MM-DD (not included)");
  cmd->add_option("--out", a.out, "write to this file instead of standard output");
}

}  // namespace

void AddStatsCommands(CLI::App& app) {
  static StatsArgs stats_args, pyramid_args, lifetable_args, fertility_args;
  static bool sub_ran = false;
  CLI::App* stats = app.add_subcommand(
      "stats", "Indicators (spec/indicators.md) for a division and period, as CSV or JSON");
  AddCommon(stats, stats_args);
  stats->add_flag("--children", stats_args.children, "one row per child division (counties of a city, ...)");
  stats->add_option("--by", stats_args.by, "split the period: year, quarter, month or whole")->capture_default_str();
  stats->add_option("--format", stats_args.format, "csv or json")->capture_default_str();
  stats->add_option("--indicators", stats_args.indicators, "comma-separated indicator names (default: all)");
  stats->require_subcommand(0, 1);

  CLI::App* pyramid = stats->add_subcommand("pyramid", "Population by single age and sex (CSV)");
  AddCommon(pyramid, pyramid_args);
  pyramid->add_option("--on", pyramid_args.on, "count residents on this day instead of averaging a period");
  pyramid->callback([] {
    sub_ran = true;
    RunPyramid(pyramid_args);
  });

  CLI::App* lifetable = stats->add_subcommand("lifetable", "Period life table by single years to 100+ (CSV)");
  AddCommon(lifetable, lifetable_args);
  lifetable->add_option("--sex", lifetable_args.sex, "m, f or both")->capture_default_str();
  lifetable->callback([] {
    sub_ran = true;
    RunLifeTable(lifetable_args);
  });

  CLI::App* fertility =
      stats->add_subcommand("fertility", "Age-specific fertility by single year of the mother's age (CSV)");
  AddCommon(fertility, fertility_args);
  fertility->callback([] {
    sub_ran = true;
    RunFertility(fertility_args);
  });

  stats->callback([] {
    if (!sub_ran) RunStats(stats_args);
  });
}

}  // namespace junheng::app
