// analytics/huge_pages.h: an allocator that backs large arrays with 2 MiB pages.
//
// The snapshot's person columns and person index are arrays of tens of megabytes
// read at random, one element per event while loading. With 4 KiB pages nearly
// every such read also misses the TLB, which on a virtual machine costs a
// two-level page walk, and every 4 KiB touched first costs a page fault. An
// allocation of at least 2 MiB is therefore mapped on its own, aligned to 2 MiB,
// and the kernel is asked for transparent huge pages there (madvise; Linux
// gives them when /sys/kernel/mm/transparent_hugepage/enabled is "madvise" or
// "always", and ordinary pages otherwise: only speed depends on it). Smaller
// allocations go to the ordinary heap.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

namespace junheng::analytics {

inline constexpr size_t kHugePage = size_t{2} << 20;

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return std::allocator<T>().allocate(n);
    const size_t size = Rounded(bytes);
    // Map one huge page more than needed, then unmap the ends around an aligned run.
    void* raw = mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const uintptr_t start = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t aligned = (start + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
    if (aligned > start) munmap(raw, aligned - start);
    if (const size_t tail = start + size + kHugePage - (aligned + size); tail > 0) {
      munmap(reinterpret_cast<void*>(aligned + size), tail);
    }
    madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);
    return reinterpret_cast<T*>(aligned);
  }
  void deallocate(T* p, size_t n) noexcept {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) {
      std::allocator<T>().deallocate(p, n);
    } else {
      munmap(p, Rounded(bytes));
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }

 private:
  static size_t Rounded(size_t bytes) { return (bytes + kHugePage - 1) & ~(kHugePage - 1); }
};

template <typename T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace junheng::analytics
