// ingest/pending_events.h: the events of an import, held until they are
// applied in date order (an internal part of Importer::ImportFiles).
//
// Each event is kept as one compact record (fixed fields, then its strings and
// the row's raw text, each prefixed by its length) in 1 MiB blocks: about 210
// bytes for a 108-byte row, where a parsed Event and the row's text take 520.
// Fresh memory is dear (on this project's virtual machines ~2 ms a MB to fault
// in and zero), and 300,000 events filled 150 MB that way. Decoding fills an
// Event whose strings keep their capacity, so applying allocates nothing.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"

namespace junheng::ingest {

class PendingEvents {
 public:
  struct Origin {
    uint32_t file = 0;
    int64_t line = 0;
    std::string_view raw;  // valid while the PendingEvents lives
  };

  void Add(const Event& event, uint32_t file, int64_t line, std::string_view raw);
  size_t size() const { return records_.size(); }
  // The i-th event added, into `event` (every field is set).
  Origin Get(size_t i, Event& event) const;
  // Its (date, SameDayRank) as one number, for sorting.
  int64_t OrderKey(size_t i) const;

 private:
  char* Room(size_t bytes);
  std::vector<const char*> records_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = 0;
  std::deque<std::string> big_;  // a record larger than a block
};

}  // namespace junheng::ingest
