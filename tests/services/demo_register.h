// tests/services/demo_register.h: a small demo city in a store, imported as
// `junheng demo` does (divisions file, then one import batch of the generator's
// persons and events), for tests that need a realistic register.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "demo/demo.h"
#include "ingest/importer.h"

namespace junheng {

class DemoImportSink : public demo::Sink {
 public:
  explicit DemoImportSink(ingest::Importer& importer) : importer_(importer) {}
  Status OnDivisions(const std::vector<Division>&) override { return {}; }  // loaded from the file
  Status OnPerson(const Person& p) override {
    JH_RETURN_IF_ERROR(EnsureBatch());
    return importer_.AddPerson(p, ingest::RowOrigin{"demo:persons", ++persons_, {}});
  }
  Status OnEvent(const Event& e) override {
    JH_RETURN_IF_ERROR(EnsureBatch());
    return importer_.AddEvent(e, ingest::RowOrigin{"demo:events", ++events_, {}});
  }
  Status OnBatchEnd(std::string_view) override { return {}; }
  Result<ingest::ImportReport> Finish() { return importer_.Commit(); }

 private:
  Status EnsureBatch() {
    if (open_) return {};
    open_ = true;
    return importer_.Begin({"demo"});
  }
  ingest::Importer& importer_;
  bool open_ = false;
  int64_t persons_ = 0, events_ = 0;
};

inline constexpr char kDemoToday[] = "2025-12-31";

// Fills an empty store with Linfen's divisions and a demo city at `scale`, with
// today fixed at kDemoToday. A ::testing::AssertionResult so callers can ASSERT it.
inline ::testing::AssertionResult BuildDemoRegister(store::Store& store, double scale, uint64_t seed = 1) {
  const Date today = *Date::Parse(kDemoToday);
  ingest::ImportOptions options;
  options.today = today;
  options.now = *ParseTimestamp("2026-01-01T10:00:00+08:00");
  {
    ingest::ImportOptions o = options;
    o.kind = RecordKind::kDivision;
    ingest::Importer importer(store, o);
    auto r = importer.ImportFiles({std::string(JUNHENG_DATA_DIR) + "/linfen-divisions.csv"});
    if (!r) return ::testing::AssertionFailure() << r.error().message;
    if (r->counts.rejected != 0) return ::testing::AssertionFailure() << "divisions rejected";
  }
  ingest::Importer importer(store, options);
  DemoImportSink sink(importer);
  demo::DemoOptions demo_options;
  demo_options.scale = scale;
  demo_options.seed = seed;
  demo_options.today = today;
  demo_options.data_dir = JUNHENG_DATA_DIR;
  auto stats = demo::GenerateDemoCity(demo_options, sink);
  if (!stats) return ::testing::AssertionFailure() << stats.error().message;
  auto report = sink.Finish();
  if (!report) return ::testing::AssertionFailure() << report.error().message;
  if (report->counts.rejected + report->counts.conflicts + report->counts.review != 0) {
    return ::testing::AssertionFailure() << "the demo city did not import cleanly";
  }
  if (report->counts.events_loaded < 1000) return ::testing::AssertionFailure() << "too few events";
  return ::testing::AssertionSuccess();
}

}  // namespace junheng
