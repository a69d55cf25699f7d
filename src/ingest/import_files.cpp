// Importer::ImportFiles: files → rows → records → one batch.
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <memory>

#include "ingest/importer.h"
#include "ingest/mapping.h"
#include "ingest/row_reader.h"

namespace junheng::ingest {
namespace {

struct OpenFile {
  std::string path;
  std::unique_ptr<RowReader> reader;
  RecordKind kind = RecordKind::kEvent;
};

// An event waiting for its turn: events of all files are applied in date order
// so that a file sorted some other way still describes possible lives.
struct PendingEvent {
  Event event;
  size_t file = 0;
  int64_t line = 0;
  std::string_view raw;  // in PendingEvents' text
};

// The events of an import, read before any is applied. Events are kept in
// chunks of 4,096, and the rows' raw text in 1 MiB blocks, so that neither is
// ever moved nor allocated one by one (a std::deque of events this size holds
// one event per node: one malloc a row, a sixth of an events import).
class PendingEvents {
 public:
  void Add(Event&& event, size_t file, int64_t line, std::string_view raw) {
    if (chunks_.empty() || chunks_.back().size() == kChunk) chunks_.emplace_back().reserve(kChunk);
    chunks_.back().push_back(PendingEvent{std::move(event), file, line, Keep(raw)});
    ++size_;
  }
  const PendingEvent& operator[](size_t i) const { return chunks_[i / kChunk][i % kChunk]; }
  size_t size() const { return size_; }

 private:
  static constexpr size_t kChunk = 4096;
  static constexpr size_t kBlock = size_t{1} << 20;
  std::string_view Keep(std::string_view raw) {
    if (raw.size() > kBlock / 4) return big_.emplace_back(raw);  // a rare long row: its own string
    if (blocks_.empty() || used_ + raw.size() > kBlock) {
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlock));
      used_ = 0;
    }
    char* at = blocks_.back().get() + used_;
    std::copy(raw.begin(), raw.end(), at);
    used_ += raw.size();
    return {at, raw.size()};
  }
  std::vector<std::vector<PendingEvent>> chunks_;
  size_t size_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = 0;
  std::deque<std::string> big_;
};

// Events prefetched at a time: the answers for 20,000 events are a few MB.
constexpr size_t kPrefetchWindow = 20000;

int KindOrder(RecordKind k) {
  return k == RecordKind::kDivision ? 0 : k == RecordKind::kPerson ? 1 : 2;
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
  const ParseOptions po{options_.today, options_.source};
  PendingEvents pending;
  int64_t bytes_before = 0;
  int64_t rows_seen = 0;
  for (size_t fi = 0; fi < files.size(); ++fi) {
    OpenFile& f = files[fi];
    const Mapping m = mapping ? *mapping : Mapping::Identity(f.kind);
    auto bound = m.Bind(f.reader->header());
    if (!bound) return fail(Error{bound.error().code, fmt::format("{}: {}", f.path, bound.error().message)});
    for (const std::string& col : bound->ignored_columns())
      report_.warnings.push_back(fmt::format("{}: column \"{}\" is not used", f.path, col));
    size_t header_size = f.reader->header().size();
    Row row;
    FieldValues fields;
    while (f.reader->Next(row)) {
      if (f.reader->header().size() != header_size) {  // JSON Lines: a new key appeared
        header_size = f.reader->header().size();
        bound = m.Bind(f.reader->header());
        if (!bound) return fail(bound.error());
      }
      const RowOrigin origin{f.path, row.line, row.raw};
      if (!row.error.empty()) {
        auto s = Quarantine(f.kind, origin, {}, "", {Reason{"row.malformed", "", row.error}},
                            [&] { return row.raw; });
        if (!s) return fail(s.error());
        continue;
      }
      fields.fill(std::string_view());
      bound->Apply(row, fields);
      if (f.kind != RecordKind::kEvent) {
        if (auto s = AddRow(f.kind, fields, origin); !s) return fail(s.error());
      } else {
        auto parsed = ParseEvent(fields, po);
        if (!parsed.ok()) {
          const std::string key(fields[static_cast<size_t>(Field::kEventId)]);
          auto s = Quarantine(RecordKind::kEvent, origin, fields[static_cast<size_t>(Field::kSource)], key,
                              std::move(parsed.reasons), [&] { return row.raw; },
                              fields[static_cast<size_t>(Field::kDivision)]);
          if (!s) return fail(s.error());
        } else {
          pending.Add(std::move(parsed.value), fi, row.line, row.raw);
        }
      }
      if (options_.progress && (++rows_seen & 0x3fff) == 0)
        options_.progress(bytes_before + f.reader->bytes_read(), total_bytes);
    }
    bytes_before += f.reader->total_bytes();
  }
  // Sort small keys, not the events: (date, rank, arrival) makes the order stable.
  std::vector<std::pair<int64_t, uint32_t>> order(pending.size());
  for (size_t i = 0; i < pending.size(); ++i)
    order[i] = {static_cast<int64_t>(pending[i].event.date.days()) * 16 + SameDayRank(pending[i].event.type),
                static_cast<uint32_t>(i)};
  if (!std::is_sorted(order.begin(), order.end())) std::sort(order.begin(), order.end());
  // Progress for the second pass counts events after the bytes read.
  const int64_t total = total_bytes + static_cast<int64_t>(pending.size());
  std::vector<const Event*> window;
  for (size_t i = 0; i < order.size(); ++i) {
    if (!complete_ && i % kPrefetchWindow == 0) {
      // Ask the store about the next events all at once, not one by one.
      window.clear();
      for (size_t j = i; j < std::min(order.size(), i + kPrefetchWindow); ++j)
        window.push_back(&pending[order[j].second].event);
      if (auto s = Prefetch(window); !s) return fail(s.error());
    }
    const PendingEvent& p = pending[order[i].second];
    if (auto s = AddEvent(p.event, RowOrigin{files[p.file].path, p.line, p.raw}); !s) return fail(s.error());
    if (options_.progress && (i & 0x3fff) == 0) options_.progress(total_bytes + static_cast<int64_t>(i), total);
  }
  if (options_.progress) options_.progress(total, total);
  return Commit();
}

}  // namespace junheng::ingest
