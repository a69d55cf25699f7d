// ingest/importer.h: the one way records enter the register. Start here.
//
// An Importer runs import batches against a Store. A batch is one transaction:
// everything it accepted becomes visible at Commit, or nothing does. Each
// record is validated on its own (core/record.h) and against the register:
// known divisions, a possible life for the person (ingest/life.h), the mother's
// sex, age and birth orders, duplicates and conflicts by (source, event_id) and
// by person_id. A rejected record is kept in quarantine with its source, file,
// line, raw text and every reason; the good records of the same file still load.
// Rows without a person_id are linked to the register (ingest/linkage.h); rows
// that cannot be linked to exactly one person wait in the review queue.
//
// Two ways in: ImportFiles (CSV or JSON Lines, optionally through a mapping
// file), and the typed Add* calls used by the demo city and the API, which take
// records in date order. Both go through the same checks.
//
// The importer keeps a compact summary of every person it has seen (LifeState),
// so that a long run such as the demo city validates without reading back from
// the store; a person it has not seen is read from the store on first use. The
// summary lives as long as the Importer and is dropped if a batch rolls back.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/record.h"
#include "ingest/key_set.h"
#include "ingest/life.h"
#include "ingest/person_table.h"
#include "store/store.h"

namespace junheng::ingest {

struct ImportOptions {
  std::string source;          // imported as this source; rows naming another are rejected
  std::string mapping_path;    // a TOML mapping file (mapping.h); empty: exchange-format columns
  std::optional<RecordKind> kind;  // otherwise detected from each file's header
  Date today;                  // nothing may be dated after it
  Timestamp now;               // stamped on the batch
  // Called now and then with records done and records in all (0 when unknown).
  std::function<void(int64_t done, int64_t total)> progress;
  // How ImportFiles learns what the register holds: kAuto reads all of it first
  // (Importer::Preload) when the files are large next to it, and otherwise asks
  // the store about the records it reads, many at a time (Importer::Prefetch).
  // The outcome is the same either way; only the time differs.
  enum class RegisterReads { kAuto, kPreload, kPerRecord };
  RegisterReads register_reads = RegisterReads::kAuto;
};

// Where a record came from, for quarantine and reports.
struct RowOrigin {
  std::string_view file;
  int64_t line = 0;
  std::string_view raw;  // empty: the importer writes the record's canonical CSV text
};

struct RejectedRow {
  std::string file;
  int64_t line = 0;
  RecordKind kind = RecordKind::kEvent;
  std::string key;  // person_id or event_id
  std::vector<Reason> reasons;
};

struct ConflictReport {
  std::string file;
  int64_t line = 0;
  RecordKind kind = RecordKind::kEvent;
  std::string key;
  std::string message;
};

struct ReviewReport {
  std::string file;
  int64_t line = 0;
  RecordKind kind = RecordKind::kEvent;
  std::vector<std::string> candidates;
  std::string message;
};

struct ImportReport {
  int64_t batch_id = 0;
  std::vector<std::string> files;
  store::BatchCounts counts;
  std::map<std::string, int64_t> rejected_by_reason;  // reason code → rows
  std::vector<RejectedRow> rejected;
  std::vector<ConflictReport> conflicts;
  std::vector<ReviewReport> review;
  std::vector<std::string> warnings;  // e.g. columns that map to nothing
  double seconds = 0;
};

// The summary a person gets on a terminal.
std::string FormatSummary(const ImportReport& report);
// The --report file: counts and every rejected, conflicting or unlinked row.
std::string ToJson(const ImportReport& report);

class Importer {
 public:
  Importer(store::Store& store, ImportOptions options);
  ~Importer();
  Importer(const Importer&) = delete;
  Importer& operator=(const Importer&) = delete;

  // Reads, validates and loads the files as one batch: divisions first, then
  // persons, then events in date order. Fails (and changes nothing) only when a
  // file cannot be read or the store fails; bad rows are data, in the report.
  Result<ImportReport> ImportFiles(const std::vector<std::string>& paths);

  // The typed path. Begin, then Add* in order (a person before their events,
  // events in date order), then Commit. Add* fail only when the store fails.
  Status Begin(const std::vector<std::string>& files);
  Status AddDivision(const Division& division, const RowOrigin& origin);
  Status AddPerson(const Person& person, const RowOrigin& origin);
  Status AddEvent(const Event& event, const RowOrigin& origin);
  // The text path for one row: parses, then as above.
  Status AddRow(RecordKind kind, const FieldValues& fields, const RowOrigin& origin);
  Result<ImportReport> Commit();
  // What the open batch has done so far: a caller that wants all or nothing
  // (one form, one event) looks here before it commits or aborts.
  const ImportReport& pending_report() const { return report_; }
  // Rolls the open batch back and forgets what this batch taught the importer.
  void Abort();

  // Reads a summary of the whole register into memory (every person's life,
  // every citizen id and event key), after which the importer asks the store
  // nothing for records that are new. Worth it when a batch is large next to
  // the register; ImportFiles decides by the files' sizes. REQUIRES: no open batch.
  Status Preload();

  // Reads, in a few round trips, what checking these events will ask the store
  // (their persons and mothers with their lives, and whether their keys are in
  // the log), so a database server is not asked once per record. Only without
  // Preload (which knows all of it); the answers last until the batch ends.
  // REQUIRES: an open batch (Begin), so the answers cannot go stale.
  Status Prefetch(std::span<const Event* const> events);

 private:
  struct Cached;
  Result<LifeState*> PersonState(std::string_view person_id);
  Result<LifeState*> MotherState(std::string_view mother_id);
  // The summary of a stored person from their events (any order).
  static LifeState LifeOf(const Person& p, std::vector<LifeEvent>& life);
  static void CountBirth(LifeState& mother, const Event& birth);
  // `source`: the row's own source; empty means the batch's (--source).
  // `division`: the row's division field as read; kept when it is a well-formed code.
  Status Quarantine(RecordKind kind, const RowOrigin& origin, std::string_view source, std::string_view key,
                    std::vector<Reason> reasons, const std::function<std::string()>& raw,
                    std::string_view division = {});
  // Keep a conflicting or unlinked row in its table and in the report.
  Status Conflict(RecordKind kind, const RowOrigin& origin, std::string_view source, std::string_view key,
                  int64_t existing_seq, std::string message, const std::function<std::string()>& raw);
  Status Review(RecordKind kind, const RowOrigin& origin, std::string_view source,
                std::vector<std::string> candidates, std::string message,
                const std::function<std::string()>& raw);
  Status CheckAgainstRegister(const Event& e, std::vector<Reason>& reasons, LifeState*& person,
                              LifeState& person_after, LifeState*& mother, LifeState& mother_after);
  Result<std::optional<Reason>> ReplayLife(const Event& e, LifeState& after);
  Result<std::optional<Reason>> ReplayBirths(const Event& e, LifeState& after);
  Status LoadDivisions();

  store::Store& store_;
  ImportOptions options_;
  std::unique_ptr<store::Batch> batch_;
  ImportReport report_;
  DivisionTree divisions_;
  bool divisions_stale_ = false;
  // Lets a map keyed by string be searched with a string_view.
  struct IdHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  // person_id → summary; empty optional: known not to be in the register.
  PersonTable people_;
  // When complete_, people_, citizen_ids_ and event_keys_ describe the whole
  // register, so a person_id missing from people_ is not in it, and a key
  // missing from a KeySet is new; otherwise ask the store.
  bool complete_ = false;
  // The register's end (persons upper bound, last seq) that the in-memory sets
  // describe. Another process (a second server, an importer) may commit between
  // our batches, or between Preload and Begin: Begin compares the mark under the
  // writer lock and forgets the sets when it moved, so nothing is stale.
  struct Mark {
    int64_t persons = -1, seq = -1;
    bool operator==(const Mark&) const = default;
  };
  Result<Mark> ReadMark();
  void Forget();
  Mark mark_;
  KeySet citizen_ids_;  // Digest(citizen_id)
  KeySet event_keys_;   // Digest(source, event_id)
  KeySet outside_mothers_;  // Digest(mother_id) of births whose mother was not in the register
  // Within a batch, when !complete_: what Prefetch read of these event keys
  // (store::EventKeyText), kept current as the batch appends.
  std::unordered_map<std::string, std::optional<store::EventKey>> checked_events_;
  int64_t started_ns_ = 0;
};

}  // namespace junheng::ingest
