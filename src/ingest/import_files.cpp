// Importer::ImportFiles: files → rows → records → one batch.
#include <fmt/format.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "ingest/importer.h"
#include "ingest/mapping.h"
#include "ingest/pending_events.h"
#include "ingest/row_reader.h"

namespace junheng::ingest {
namespace {

struct OpenFile {
  std::string path;
  std::unique_ptr<RowReader> reader;
  RecordKind kind = RecordKind::kEvent;
};

// Events prefetched at a time: the answers for 20,000 events are a few MB.
constexpr size_t kPrefetchWindow = 20000;

int KindOrder(RecordKind k) {
  return k == RecordKind::kDivision ? 0 : k == RecordKind::kPerson ? 1 : 2;
}

// A file's rows through a mapping: bound to the file's header, and bound again
// when a JSON Lines file brings a new key.
class MappedRows {
 public:
  MappedRows(OpenFile& f, const std::optional<Mapping>& mapping)
      : f_(f), mapping_(mapping ? *mapping : Mapping::Identity(f.kind)) {}
  // Binds to the header; the columns that map to no field go to `warnings`.
  Status Bind(std::vector<std::string>& warnings) {
    auto bound = mapping_.Bind(f_.reader->header());
    if (!bound) return Fail(bound.error().code, fmt::format("{}: {}", f_.path, bound.error().message));
    for (const std::string& col : bound->ignored_columns())
      warnings.push_back(fmt::format("{}: column \"{}\" is not used", f_.path, col));
    bound_.emplace(std::move(*bound));
    return {};
  }
  // The next row, and its fields unless it is malformed (row.error); false at
  // the end of the file. REQUIRES: Bind succeeded.
  Result<bool> Next(Row& row, FieldValues& fields) {
    if (!f_.reader->Next(row)) return false;
    if (f_.reader->header().size() != bound_->header_size()) {
      JH_ASSIGN_OR_RETURN(BoundMapping again, mapping_.Bind(f_.reader->header()));
      bound_.emplace(std::move(again));
    }
    if (row.error.empty()) {
      fields.fill(std::string_view());
      bound_->Apply(row, fields);
    }
    return true;
  }

 private:
  OpenFile& f_;
  Mapping mapping_;
  std::optional<BoundMapping> bound_;
};

// A row of an events file refused while it was read (malformed, or not an
// event), to be quarantined in file order once the batch is open.
struct RefusedRow {
  uint32_t file = 0;
  int64_t line = 0;
  std::string raw, source, key, division;
  std::vector<Reason> reasons;
};

// What reading the events files yields: the events in file order, the rows
// refused, and the warnings about their columns.
struct ReadEvents {
  PendingEvents pending;
  std::vector<RefusedRow> refused;
  std::vector<std::string> warnings;
  std::atomic<int64_t> bytes_read{0};  // for the progress bar, read by the importer's thread
};

// Reads and parses files[first..] (all events files) into `out`. Needs nothing
// of the register or the batch, so it runs on a second thread while the
// importer reads the register and loads the persons files.
Status ReadEventFiles(std::vector<OpenFile>& files, size_t first, const std::optional<Mapping>& mapping,
                      const ParseOptions& po, ReadEvents& out, const std::stop_token& stop) {
  int64_t bytes_before = 0;
  for (size_t fi = first; fi < files.size(); ++fi) {
    OpenFile& f = files[fi];
    MappedRows rows(f, mapping);
    JH_RETURN_IF_ERROR(rows.Bind(out.warnings));
    Row row;
    FieldValues fields;
    for (int64_t n = 1;; ++n) {
      JH_ASSIGN_OR_RETURN(const bool more, rows.Next(row, fields));
      if (!more) break;
      if ((n & 0x3fff) == 0) {
        if (stop.stop_requested()) return {};
        out.bytes_read.store(bytes_before + f.reader->bytes_read(), std::memory_order_relaxed);
      }
      const auto file = static_cast<uint32_t>(fi);
      if (!row.error.empty()) {
        out.refused.push_back({file, row.line, row.raw, "", "", "", {Reason{"row.malformed", "", row.error}}});
        continue;
      }
      auto parsed = ParseEvent(fields, po);
      if (!parsed.ok()) {
        auto field = [&](Field k) { return std::string(fields[static_cast<size_t>(k)]); };
        out.refused.push_back({file, row.line, row.raw, field(Field::kSource), field(Field::kEventId),
                               field(Field::kDivision), std::move(parsed.reasons)});
      } else {
        out.pending.Add(parsed.value, file, row.line, row.raw);
      }
    }
    bytes_before += f.reader->total_bytes();
    out.bytes_read.store(bytes_before, std::memory_order_relaxed);
  }
  return {};
}

}  // namespace

Result<ImportReport> Importer::ImportFiles(const std::vector<std::string>& paths) {
  if (paths.empty()) return Fail(ErrorCode::kInvalidArgument, "no file to import");
  std::optional<Mapping> mapping;
  if (!options_.mapping_path.empty()) {
    JH_ASSIGN_OR_RETURN(mapping, Mapping::Load(options_.mapping_path));
    if (options_.source.empty()) options_.source = mapping->source();
  }
  std::vector<OpenFile> files;
  int64_t total_bytes = 0, person_bytes = 0;
  for (const std::string& path : paths) {
    OpenFile f;
    f.path = path;
    JH_ASSIGN_OR_RETURN(f.reader, OpenRowReader(path));
    if (options_.kind) {
      f.kind = *options_.kind;
    } else if (mapping && mapping->kind()) {
      f.kind = *mapping->kind();
    } else {
      auto kind = DetectKind(f.reader->header());
      if (!kind) return Fail(kind.error().code, fmt::format("{}: {}", path, kind.error().message));
      f.kind = *kind;
    }
    total_bytes += f.reader->total_bytes();
    if (f.kind == RecordKind::kPerson) person_bytes += f.reader->total_bytes();
    files.push_back(std::move(f));
  }
  std::stable_sort(files.begin(), files.end(),
                   [](const OpenFile& a, const OpenFile& b) { return KindOrder(a.kind) < KindOrder(b.kind); });
  const auto first_events = static_cast<size_t>(
      std::find_if(files.begin(), files.end(), [](const OpenFile& f) { return f.kind == RecordKind::kEvent; }) -
      files.begin());

  // The events files are read on a second thread from here on, while this one
  // reads the register and loads divisions and persons (a tenth to a third of
  // a large load's time).
  const ParseOptions po{options_.today, options_.source};
  ReadEvents events;
  std::promise<Status> events_read;
  std::future<Status> events_status = events_read.get_future();
  std::jthread reader;  // joined (asked to stop first) before `events` and `files` go
  if (first_events < files.size()) {
    reader = std::jthread([&](std::stop_token stop) {
      pthread_setname_np(pthread_self(), "jh-read-events");
      events_read.set_value(ReadEventFiles(files, first_events, mapping, po, events, stop));
    });
  } else {
    events_read.set_value(Status{});
  }

  // A batch that is large next to the register reads the register once rather
  // than asking the store about each record (about 100 bytes a row, and
  // preloading costs about as much as asking for a tenth of the register).
  // The register's size from two constant-time reads (the log's seq is gapless,
  // so the last seq counts the events), not from a Summary, which scans the log.
  using Reads = ImportOptions::RegisterReads;
  if (!complete_ && options_.register_reads != Reads::kPerRecord) {
    JH_ASSIGN_OR_RETURN(const Mark size, ReadMark());
    if (options_.register_reads == Reads::kPreload || total_bytes / 100 * 10 > size.persons + size.seq)
      JH_RETURN_IF_ERROR(Preload());
  }
  JH_RETURN_IF_ERROR(Begin(paths));
  // Room for the persons these files may add (rows are at least ~50 bytes), so
  // the summaries are not rehashed again and again while a large file loads.
  people_.Reserve(people_.size() + static_cast<size_t>(person_bytes / 50));
  auto fail = [&](Error e) -> Result<ImportReport> {
    Abort();
    return std::unexpected(std::move(e));
  };
  int64_t bytes_before = 0;
  int64_t rows_seen = 0;
  for (size_t fi = 0; fi < first_events; ++fi) {
    OpenFile& f = files[fi];
    MappedRows rows(f, mapping);
    if (auto s = rows.Bind(report_.warnings); !s) return fail(s.error());
    Row row;
    FieldValues fields;
    for (;;) {
      auto more = rows.Next(row, fields);
      if (!more) return fail(more.error());
      if (!*more) break;
      const RowOrigin origin{f.path, row.line, row.raw};
      if (!row.error.empty()) {
        auto s = Quarantine(f.kind, origin, {}, "", {Reason{"row.malformed", "", row.error}},
                            [&] { return row.raw; });
        if (!s) return fail(s.error());
        continue;
      }
      if (auto s = AddRow(f.kind, fields, origin); !s) return fail(s.error());
      if (options_.progress && (++rows_seen & 0x3fff) == 0)
        options_.progress(bytes_before + f.reader->bytes_read() + events.bytes_read.load(), total_bytes);
    }
    bytes_before += f.reader->total_bytes();
  }
  while (events_status.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready)
    if (options_.progress) options_.progress(bytes_before + events.bytes_read.load(), total_bytes);
  if (Status read = events_status.get(); !read) return fail(read.error());
  bytes_before += events.bytes_read.load();  // all of the events files now
  report_.warnings.insert(report_.warnings.end(), events.warnings.begin(), events.warnings.end());
  for (const RefusedRow& r : events.refused) {
    auto s = Quarantine(RecordKind::kEvent, RowOrigin{files[r.file].path, r.line, r.raw}, r.source, r.key,
                        r.reasons, [&] { return r.raw; }, r.division);
    if (!s) return fail(s.error());
  }
  const PendingEvents& pending = events.pending;  // in file order; applied in date order
  // Sort small keys, not the events: (date, rank, arrival) makes the order stable.
  std::vector<std::pair<int64_t, uint32_t>> order(pending.size());
  for (size_t i = 0; i < pending.size(); ++i) order[i] = {pending.OrderKey(i), static_cast<uint32_t>(i)};
  if (!std::is_sorted(order.begin(), order.end())) std::sort(order.begin(), order.end());
  // Progress for the second pass counts events after the bytes read.
  const int64_t total = total_bytes + static_cast<int64_t>(pending.size());
  // A window of events at a time is decoded into events that keep their
  // strings' room, and (when the register is not known in full) the store is
  // asked about the whole window at once rather than event by event.
  std::vector<Event> window(std::min(order.size(), kPrefetchWindow));
  std::vector<PendingEvents::Origin> origins(window.size());
  std::vector<const Event*> asked;
  for (size_t start = 0; start < order.size(); start += kPrefetchWindow) {
    const size_t n = std::min(order.size() - start, kPrefetchWindow);
    for (size_t j = 0; j < n; ++j) origins[j] = pending.Get(order[start + j].second, window[j]);
    if (!complete_) {
      asked.clear();
      for (size_t j = 0; j < n; ++j) asked.push_back(&window[j]);
      if (auto s = Prefetch(asked); !s) return fail(s.error());
    }
    for (size_t j = 0; j < n; ++j) {
      const PendingEvents::Origin& o = origins[j];
      if (auto s = AddEvent(window[j], RowOrigin{files[o.file].path, o.line, o.raw}); !s) return fail(s.error());
      const size_t i = start + j;
      if (options_.progress && (i & 0x3fff) == 0) options_.progress(total_bytes + static_cast<int64_t>(i), total);
    }
  }
  if (options_.progress) options_.progress(total, total);
  return Commit();
}

}  // namespace junheng::ingest
