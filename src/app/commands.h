// app/commands.h: each function adds one group of `junheng` subcommands.
#pragma once

#include <CLI/CLI.hpp>

#include "store/store.h"

namespace junheng::app {

void AddRegisterCommands(CLI::App& app);  // init, import, check, backup, summary
void AddDemoCommand(CLI::App& app);       // demo
void AddPersonsCommands(CLI::App& app);   // persons show
void AddStatsCommands(CLI::App& app);     // stats, stats pyramid, lifetable, fertility
void AddAccountsCommands(CLI::App& app);  // user add, user list, audit verify, audit list
void AddServeCommand(CLI::App& app);     // serve
void AddRestoreCommand(CLI::App& app);   // restore

// The register's summary as printed by `junheng summary` and after `junheng demo`.
std::string FormatRegisterSummary(const store::Summary& s);
// Creates the store at `db` if needed and loads the divisions file when the
// store has none yet.
void InitStore(const std::string& db, const std::string& divisions_file);

}  // namespace junheng::app
