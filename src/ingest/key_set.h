// ingest/key_set.h: a compact set of 64-bit key digests.
//
// The importer remembers which citizen ids and which (source, event_id) keys the
// register holds as 64-bit digests, 16 bytes a key, so that a new key is known
// to be new without asking the store. A digest can collide, so "contains" means
// "maybe": the importer then asks the store, which has the exact answer.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace junheng::ingest {

class KeySet {
 public:
  void Insert(uint64_t key);
  bool MaybeContains(uint64_t key) const;
  size_t size() const { return size_; }
  void Clear() {
    slots_.clear();
    size_ = 0;
  }

  // FNV-1a digest of one or two strings (two are separated, so ("ab","c") ≠ ("a","bc")).
  static uint64_t Digest(std::string_view a, std::string_view b = {});

 private:
  void Grow();
  std::vector<uint64_t> slots_;  // 0 = empty; power-of-two size, linear probing
  size_t size_ = 0;
};

}  // namespace junheng::ingest
