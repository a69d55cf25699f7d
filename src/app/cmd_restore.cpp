// junheng restore: a copy made by `junheng backup` back into a new register.
//
// Restoring never overwrites: the target must not hold a register yet (a new
// SQLite file, or an empty PostgreSQL database), so a mistyped command cannot
// destroy the register it was meant to rescue. store::RestoreBackup does the
// work whole or not at all; the restored register is then opened once, which
// migrates a backup of an older build forward, and its counts are printed so
// that the operator sees what came back.
#include <fmt/format.h>

#include "app/commands.h"
#include "app/context.h"
#include "store/open.h"

namespace junheng::app {

void AddRestoreCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("restore", "Restore a copy made by `junheng backup` into a new register");
  auto from = std::make_shared<std::string>();
  auto db = std::make_shared<std::string>();
  cmd->add_option("--from", *from, "The backup to restore (made by `junheng backup` on the same engine)")
      ->required();
  cmd->add_option("--db", *db,
                  "The register to create: a new SQLite file, or an empty PostgreSQL database "
                  "(postgresql://...)")
      ->required();
  cmd->callback([from, db] {
    OrDie(store::RestoreBackup(*from, *db));
    auto restored = OrDie(store::OpenStore(*db, store::OpenOptions{.create_if_missing = false}));
    const store::Summary s = OrDie(restored->GetSummary());
    fmt::print("Restored {} into {}: {} persons, {} events (the log up to #{}), {} import batches\n", *from,
               store::RedactTarget(*db), s.persons, s.events, s.max_seq, s.batches);
    fmt::print("Verify it with `junheng check --db {}`\n", store::RedactTarget(*db));
  });
}

}  // namespace junheng::app
