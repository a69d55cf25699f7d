#include "ingest/person_table.h"

#include <bit>
#include <functional>

namespace junheng::ingest {
namespace {

constexpr uint64_t kTagMask = 0xffffffff00000000ULL;

uint64_t HashOf(std::string_view id) {
  // std::hash mixes all bits; the tag takes the high half, the slot the low.
  return std::hash<std::string_view>()(id);
}

}  // namespace

uint64_t* PersonTable::Probe(std::string_view id, uint64_t hash) {
  const size_t mask = slots_.size() - 1;
  const uint64_t tag = hash & kTagMask;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    uint64_t& slot = slots_[i];
    if (slot == 0) return &slot;
    if ((slot & kTagMask) == tag && At(static_cast<uint32_t>(slot - 1)).id == id) return &slot;
  }
}

PersonTable::Entry* PersonTable::Find(std::string_view id) {
  if (size_ == 0) return nullptr;
  const uint64_t* slot = Probe(id, HashOf(id));
  return *slot == 0 ? nullptr : &At(static_cast<uint32_t>(*slot - 1)).state;
}

PersonTable::Entry& PersonTable::Get(std::string_view id, bool& added) {
  if ((size_ + 1) * 2 > slots_.size()) Rehash(std::max<size_t>(64, slots_.size() * 2));
  const uint64_t hash = HashOf(id);
  uint64_t* slot = Probe(id, hash);
  added = *slot == 0;
  if (!added) return At(static_cast<uint32_t>(*slot - 1)).state;
  if (chunks_.empty() || chunks_.back().size() == kChunk) chunks_.emplace_back().reserve(kChunk);
  chunks_.back().push_back(Item{hash, std::string(id), std::nullopt});
  // The index is the count before this one; +1 keeps 0 for "empty".
  *slot = (hash & kTagMask) | (static_cast<uint64_t>(size_) + 1);
  ++size_;
  return chunks_.back().back().state;
}

PersonTable::Entry& PersonTable::operator[](std::string_view id) {
  bool added;
  return Get(id, added);
}

void PersonTable::Emplace(std::string_view id, const LifeState& state) {
  bool added;
  Entry& e = Get(id, added);
  if (added) e = state;
}

void PersonTable::Reserve(size_t n) {
  const size_t want = std::bit_ceil(std::max<size_t>(64, n * 2));
  if (want > slots_.size()) Rehash(want);
  chunks_.reserve((n + kChunk - 1) / kChunk);
}

void PersonTable::Rehash(size_t slots) {
  slots_.assign(slots, 0);
  const size_t mask = slots - 1;
  for (size_t index = 0; index < size_; ++index) {
    const uint64_t hash = At(static_cast<uint32_t>(index)).hash;
    size_t i = hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = (hash & kTagMask) | (index + 1);
  }
}

void PersonTable::Clear() {
  chunks_.clear();
  slots_.clear();
  size_ = 0;
}

}  // namespace junheng::ingest
