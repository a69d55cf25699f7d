// app/config_file.h: `junheng --config FILE`, options read from a TOML file.
//
// An operator keeps one file, e.g. /etc/junheng/junheng.toml, for the service
// and for the commands run beside it (backup, check, user add):
//
//   db = "/var/lib/junheng/register.db"   # top level: every command that takes --db
//   [serve]                               # a section: that command only
//   port = 8080
//   secure-cookies = true
//
// Keys are the long option names without the dashes. A top-level key is an
// option of junheng itself (data-dir) or of the command being run; a key of no
// command at all is an error, and a key that only other commands take (port
// while running `backup`) is skipped. Keys in a section beat the same key at
// the top level, and an option given on the command line beats both.
//
// A file with an unknown key, an unknown section or a value its option refuses
// is an error of one sentence naming the file and the key: a typo in a service's
// configuration must stop it at once, not leave a default silently in force.
// Every section is checked, also those of commands not being run.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace junheng::app {

// Adds --config to `root` (and lets every subcommand pass it up, so
// `junheng serve --config FILE` works as well as `junheng --config FILE serve`).
// Call before the subcommands are added: they inherit the reader.
void AddConfigFileOption(CLI::App& root);

// When `e`, thrown by root.parse, concerns the configuration file (it cannot be
// read, or a key or value is refused), the sentence to print; else empty.
std::string ConfigFileProblem(const CLI::App& root, const CLI::ParseError& e);

}  // namespace junheng::app
