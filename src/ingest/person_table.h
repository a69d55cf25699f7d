// ingest/person_table.h: the importer's per-person summaries, by person_id.
//
// A flat hash table: the slots are one array of 8-byte words (a tag from the
// hash and the entry's index), the entries live in fixed-size chunks that never
// move. So a lookup touches two places in memory (the node-based
// std::unordered_map touched three, and allocated once per person), and a
// pointer to an entry stays valid while others are added, which the importer
// relies on (it holds a person's and a mother's summary at once).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/life.h"

namespace junheng::ingest {

class PersonTable {
 public:
  // A person's summary; empty: known not to be in the register.
  using Entry = std::optional<LifeState>;

  // The entry of `id`, or nullptr when the table has none.
  Entry* Find(std::string_view id);
  // The entry of `id`, added (empty) when the table has none.
  Entry& operator[](std::string_view id);
  // Adds `state` for `id` unless the table has an entry for it already.
  void Emplace(std::string_view id, const LifeState& state);
  // Room for `n` entries in all without growing the slots.
  void Reserve(size_t n);
  void Clear();
  size_t size() const { return size_; }

 private:
  struct Item {
    uint64_t hash;
    std::string id;
    Entry state;
  };
  static constexpr size_t kChunkBits = 12;
  static constexpr size_t kChunk = size_t{1} << kChunkBits;

  Item& At(uint32_t index) { return chunks_[index >> kChunkBits][index & (kChunk - 1)]; }
  Entry& Get(std::string_view id, bool& added);
  // The slot holding `id`, or the empty slot where it would go.
  uint64_t* Probe(std::string_view id, uint64_t hash);
  void Rehash(size_t slots);

  std::vector<std::vector<Item>> chunks_;  // each reserved to kChunk: items never move
  std::vector<uint64_t> slots_;            // 0 = empty; else tag (high 32 bits) | index + 1
  size_t size_ = 0;
};

}  // namespace junheng::ingest
