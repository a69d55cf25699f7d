// core/huge_page_malloc.h: run the program with malloc on transparent huge pages.
//
// A large import or the demo city fills a few hundred MB to a few GB of fresh
// heap (pending events, per-person summaries, SQLite's page cache). On 4 KiB
// pages that is one page fault per page, and on the virtual machines Junheng
// runs on a fault costs ~10 µs: 69,000 faults were a fifth of a 300,000-event
// import (docs/performance.md). glibc (2.35 and later) can back its heap with
// 2 MiB pages, but only through the GLIBC_TUNABLES variable read at start-up,
// so the batch commands and the benchmarks run themselves once more with
// glibc.malloc.hugetlb=1 added, and glibc.malloc.arena_max=1: the heaps of
// a thread's own arena are not put on huge pages, and these commands have at
// most three threads. Long-running processes (the server) do not.
#pragma once

#include <optional>
#include <string>

namespace junheng {

// Replaces the process with the same program and arguments, with
// glibc.malloc.hugetlb=1 (and arena_max=1) in GLIBC_TUNABLES. Returns (and nothing changes) when
// HugePageTunables says no, or when the program cannot be executed again.
// Call it before any thread starts.
void RerunWithHugePageMalloc(char** argv);

// The GLIBC_TUNABLES to run again with, given the current value (nullptr:
// unset), $JUNHENG_HUGE_PAGES and the kernel's
// /sys/kernel/mm/transparent_hugepage/enabled line; nullopt: do not run again
// (the tunable is named already, so this runs at most once; or
// JUNHENG_HUGE_PAGES=0; or the kernel has huge pages off).
std::optional<std::string> HugePageTunables(const char* tunables, const char* junheng_huge_pages,
                                            const std::string& kernel_setting);

}  // namespace junheng
