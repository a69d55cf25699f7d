// app/context.h: what every `junheng` command needs: where the data files are,
// what day it is, opening the store, and one way to fail.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "core/date.h"
#include "core/error.h"
#include "store/store.h"

namespace junheng::app {

// A failure a person must read: main prints "junheng: <message>" and exits non-zero.
struct CommandError : std::runtime_error {
  explicit CommandError(const std::string& m, int exit_code = 1) : std::runtime_error(m), code(exit_code) {}
  int code;
};

// Returns the value or throws CommandError with the error's message.
template <typename T>
T OrDie(Result<T> r) {
  if (!r) throw CommandError(r.error().message);
  return std::move(*r);
}
inline void OrDie(Status s) {
  if (!s) throw CommandError(s.error().message);
}

// The data folder: --data-dir, else $JUNHENG_DATA_DIR, else the one the build used.
std::string DataDir();
void SetDataDir(std::string dir);

// main keeps the command line, so that a batch command that fills much fresh
// memory (import, check, demo) can call RunOnHugePages first, which runs the
// same command again with malloc on huge pages (core/huge_page_malloc.h).
void KeepCommandLine(char** argv);
void RunOnHugePages();

// Today in Asia/Shanghai, or $JUNHENG_TODAY (YYYY-MM-DD) for reproducible runs.
Date Today();
Timestamp Now();

// Opens the register at `db`: a SQLite file path or a postgresql:// URI. `create`: make it if missing.
std::unique_ptr<store::Store> OpenStore(const std::string& db, bool create);

// True when standard error is a terminal (progress bars go there).
bool StderrIsTerminal();
// Draws "[=====     ]  45%  label" on standard error; done = total closes the line.
void DrawProgress(std::string_view label, int64_t done, int64_t total);

}  // namespace junheng::app
