// app/serve_log.h: where `junheng serve` writes its log, one JSON object a line.
//
// By default the lines go to standard error: under systemd that is the journal,
// which timestamps, rotates and ships them, and nothing else is needed. With a
// file (--log-file) the lines are appended to it, flushed line by line, and
// ReopenServeLog (on SIGHUP) opens the file again by its name: logrotate renames
// the file, then sends SIGHUP, and the next line lands in a new file while
// nothing is lost or written to the renamed one after the signal is handled.
#pragma once

#include <string>

namespace junheng::app {

struct ServeLogOptions {
  std::string file;            // empty: standard error
  std::string level = "info";  // debug | info | warn | error | off; info logs every request
};

// Installs spdlog's default logger. Throws CommandError when the file cannot be
// opened for appending (so a service with a wrong path stops at once).
void SetUpServeLog(const ServeLogOptions& options);

// Reopens the log file by name; logs whether that worked. With standard error
// it only notes the signal. Thread-safe against concurrent log lines.
void ReopenServeLog();

}  // namespace junheng::app
