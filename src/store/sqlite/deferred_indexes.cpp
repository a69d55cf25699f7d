#include "store/sqlite/deferred_indexes.h"

#include <fmt/format.h>
#include <sqlite3.h>

namespace junheng::store::sqlite {
namespace {

struct Candidate {
  DeferredIndexes::Table table;
  const char* table_name;
  const char* index_name;
};
// The lookup indexes only reads need; uniqueness and keys are never deferred.
constexpr Candidate kCandidates[] = {
    {DeferredIndexes::Table::kPersons, "persons", "persons_citizen"},
    {DeferredIndexes::Table::kPersons, "persons", "persons_link"},
    {DeferredIndexes::Table::kEvents, "events", "events_person"},
    {DeferredIndexes::Table::kEvents, "events", "events_mother"},
};

}  // namespace

Status DeferredIndexes::DeferIfEmpty(Db& db) {
  deferred_.clear();
  for (const Candidate& c : kCandidates) {
    JH_ASSIGN_OR_RETURN(int64_t rows, db.QueryInt(fmt::format("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT 1)",
                                                              c.table_name),
                                                  "checking whether a table is empty"));
    if (rows != 0) continue;
    std::string sql;
    {  // finished before the DROP: a pending read would lock the schema
      Statement s(db.handle(), "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1");
      if (!s.ok()) return std::unexpected(s.error());
      s.BindText(1, c.index_name);
      if (s.Step() == SQLITE_ROW) sql = s.ColumnString(0);
    }
    if (sql.empty()) continue;  // not in this schema version
    JH_RETURN_IF_ERROR(db.Exec(fmt::format("DROP INDEX {}", c.index_name), "deferring an index"));
    deferred_.push_back(Index{c.table, c.index_name, std::move(sql)});
  }
  return {};
}

Status DeferredIndexes::Ensure(Db& db, Table table) {
  for (auto it = deferred_.begin(); it != deferred_.end();) {
    if (it->table != table) {
      ++it;
      continue;
    }
    JH_RETURN_IF_ERROR(db.Exec(it->create_sql, fmt::format("building index {}", it->name)));
    it = deferred_.erase(it);
  }
  return {};
}

Status DeferredIndexes::EnsureAll(Db& db) {
  JH_RETURN_IF_ERROR(Ensure(db, Table::kPersons));
  return Ensure(db, Table::kEvents);
}

}  // namespace junheng::store::sqlite
