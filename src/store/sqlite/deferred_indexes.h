// store/sqlite/deferred_indexes.h: secondary indexes built after a first load.
//
// A batch that starts on an empty persons or events table (a new register, the
// demo city's base population, a department's first file) would otherwise
// insert millions of keys into the lookup indexes in random order, the
// dominant cost of such a load. Instead the batch drops those indexes when it
// begins and builds each again by one sort before it commits — or at once, the
// first time a read of the batch needs it, so a lookup never scans a table.
// It all happens inside the batch's transaction: a rollback or a crash leaves
// the indexes exactly as they were. The SQL that recreates an index is read
// from the schema itself, so it cannot drift from the migrations.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "store/sqlite/statement.h"

namespace junheng::store::sqlite {

class DeferredIndexes {
 public:
  enum class Table { kPersons, kEvents };

  // At the start of a batch: drops the lookup indexes of each empty table.
  // REQUIRES: a write transaction is open on `db`.
  Status DeferIfEmpty(Db& db);
  // Builds the deferred indexes of `table` now (before a read that needs them).
  Status Ensure(Db& db, Table table);
  // Builds every deferred index (before COMMIT).
  Status EnsureAll(Db& db);
  // After a rollback the dropped indexes are back: forget them.
  void Forget() { deferred_.clear(); }

 private:
  struct Index {
    Table table;
    std::string name;
    std::string create_sql;
  };
  static Status BuildSorted(Db& db, const Index& index);
  std::vector<Index> deferred_;
};

}  // namespace junheng::store::sqlite
