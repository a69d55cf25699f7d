#include "analytics/person_index.h"

#include <algorithm>

namespace junheng::analytics {
namespace {

constexpr uint64_t kTagMask = 0xffffffff00000000ull;

uint32_t IndexIn(uint64_t slot) { return static_cast<uint32_t>(slot) - 1; }

}  // namespace

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
    table_.assign(want, 0);
    const uint64_t mask = want - 1;
    for (uint32_t i = 0; i + 1 < offsets_.size(); ++i) {
      const uint64_t h = Hash(IdOf(i));
      uint64_t slot = h & mask;
      while (table_[slot] != 0) slot = (slot + 1) & mask;
      table_[slot] = (h & kTagMask) | (uint64_t{i} + 1);
    }
  }
}

void PersonIndex::ShrinkToFit() {
  arena_.shrink_to_fit();
  offsets_.shrink_to_fit();
}

void PersonIndex::Grow() { Reserve(size() * 2 + 16, arena_.size()); }

bool PersonIndex::Add(std::string_view id) {
  if ((size() + 1) * 10 > table_.size() * 7) Grow();
  const uint64_t mask = table_.size() - 1;
  const uint64_t h = Hash(id);
  uint64_t slot = h & mask;
  while (table_[slot] != 0) {
    if ((table_[slot] & kTagMask) == (h & kTagMask) && IdOf(IndexIn(table_[slot])) == id) return false;
    slot = (slot + 1) & mask;
  }
  table_[slot] = (h & kTagMask) | (uint64_t{size()} + 1);
  arena_.insert(arena_.end(), id.begin(), id.end());
  offsets_.push_back(static_cast<uint32_t>(arena_.size()));
  return true;
}

uint32_t PersonIndex::Find(std::string_view id) const {
  if (table_.empty()) return kMissing;
  const uint64_t mask = table_.size() - 1;
  const uint64_t h = Hash(id);
  for (uint64_t slot = h & mask; table_[slot] != 0; slot = (slot + 1) & mask) {
    if ((table_[slot] & kTagMask) == (h & kTagMask) && IdOf(IndexIn(table_[slot])) == id) {
      return IndexIn(table_[slot]);
    }
  }
  return kMissing;
}

void PersonIndex::FindAll(std::span<const std::string_view> ids, std::span<uint32_t> out) const {
  if (table_.empty()) {
    std::fill(out.begin(), out.end(), kMissing);
    return;
  }
  const uint64_t mask = table_.size() - 1;
  constexpr size_t kGroup = 16;
  uint64_t hash[kGroup];
  for (size_t base = 0; base < ids.size(); base += kGroup) {
    const size_t n = std::min(kGroup, ids.size() - base);
    for (size_t k = 0; k < n; ++k) {  // 1: every slot of the group on its way
      hash[k] = Hash(ids[base + k]);
      __builtin_prefetch(&table_[hash[k] & mask]);
    }
    for (size_t k = 0; k < n; ++k) {  // 2: the first slot whose hash bits match, then its offsets
      uint32_t candidate = kMissing;
      for (uint64_t slot = hash[k] & mask; table_[slot] != 0; slot = (slot + 1) & mask) {
        if ((table_[slot] & kTagMask) == (hash[k] & kTagMask)) {
          candidate = IndexIn(table_[slot]);
          break;
        }
      }
      out[base + k] = candidate;
      if (candidate != kMissing) __builtin_prefetch(&offsets_[candidate]);
    }
    for (size_t k = 0; k < n; ++k) {  // 3: the candidates' text
      if (out[base + k] != kMissing) __builtin_prefetch(arena_.data() + offsets_[out[base + k]]);
    }
    for (size_t k = 0; k < n; ++k) {  // 4: confirm; another id with the same hash bits is rare
      const uint32_t candidate = out[base + k];
      if (candidate != kMissing && IdOf(candidate) != ids[base + k]) out[base + k] = Find(ids[base + k]);
    }
  }
}

}  // namespace junheng::analytics
