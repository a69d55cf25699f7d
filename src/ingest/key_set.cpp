#include "ingest/key_set.h"

namespace junheng::ingest {
namespace {
// Spreads the digest so that linear probing sees well-mixed low bits.
uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}
}  // namespace

uint64_t KeySet::Digest(std::string_view a, std::string_view b) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : a) { h ^= c; h *= 1099511628211ULL; }
  h ^= 0x1f;
  h *= 1099511628211ULL;
  for (unsigned char c : b) { h ^= c; h *= 1099511628211ULL; }
  return h == 0 ? 1 : h;  // 0 marks an empty slot
}

void KeySet::Grow() {
  std::vector<uint64_t> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
  size_ = 0;
  for (uint64_t k : old)
    if (k != 0) Insert(k);
}

void KeySet::Insert(uint64_t key) {
  if (key == 0) key = 1;
  if ((size_ + 1) * 2 > slots_.size()) Grow();  // load factor at most 1/2
  const size_t mask = slots_.size() - 1;
  for (size_t i = Mix(key) & mask;; i = (i + 1) & mask) {
    if (slots_[i] == key) return;
    if (slots_[i] == 0) {
      slots_[i] = key;
      ++size_;
      return;
    }
  }
}

bool KeySet::MaybeContains(uint64_t key) const {
  if (key == 0) key = 1;
  if (slots_.empty()) return false;
  const size_t mask = slots_.size() - 1;
  for (size_t i = Mix(key) & mask;; i = (i + 1) & mask) {
    if (slots_[i] == key) return true;
    if (slots_[i] == 0) return false;
  }
}

}  // namespace junheng::ingest
