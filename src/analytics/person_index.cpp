#include "analytics/person_index.h"

namespace junheng::analytics {

uint64_t PersonIndex::Hash(std::string_view id) {
  // FNV-1a, then a 64-bit finaliser so that ids differing only in their last
  // digits spread over the whole table.
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

void PersonIndex::Reserve(size_t persons, size_t id_bytes) {
  arena_.reserve(id_bytes);
  offsets_.reserve(persons + 1);
  size_t want = 16;
  while (want * 7 < persons * 10) want *= 2;
  if (want > table_.size()) {
    table_.assign(want, kMissing);
    const uint64_t mask = want - 1;
    for (uint32_t i = 0; i + 1 < offsets_.size(); ++i) {
      uint64_t slot = Hash(IdOf(i)) & mask;
      while (table_[slot] != kMissing) slot = (slot + 1) & mask;
      table_[slot] = i;
    }
  }
}

void PersonIndex::Grow() { Reserve(size() * 2 + 16, arena_.size()); }

bool PersonIndex::Add(std::string_view id) {
  if ((size() + 1) * 10 > table_.size() * 7) Grow();
  const uint64_t mask = table_.size() - 1;
  uint64_t slot = Hash(id) & mask;
  while (table_[slot] != kMissing) {
    if (IdOf(table_[slot]) == id) return false;
    slot = (slot + 1) & mask;
  }
  table_[slot] = static_cast<uint32_t>(size());
  arena_.append(id);
  offsets_.push_back(static_cast<uint32_t>(arena_.size()));
  return true;
}

uint32_t PersonIndex::Find(std::string_view id) const {
  if (table_.empty()) return kMissing;
  const uint64_t mask = table_.size() - 1;
  uint64_t slot = Hash(id) & mask;
  while (table_[slot] != kMissing) {
    if (IdOf(table_[slot]) == id) return table_[slot];
    slot = (slot + 1) & mask;
  }
  return kMissing;
}

}  // namespace junheng::analytics
