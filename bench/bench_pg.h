// bench/bench_pg.h: the PostgreSQL server the benchmarks measure on.
//
// JUNHENG_BENCH_PG is the libpq URI of a database where CREATE DATABASE is
// allowed (the test server: JUNHENG_BENCH_PG=$(scripts/pg-test.sh uri)); a
// benchmark makes and drops its own databases there. Unset: SQLite only.
#pragma once

#include <pqxx/pqxx>

#include <algorithm>
#include <cstdlib>
#include <string>

namespace junheng::bench {

// The server to measure on, "" for none.
inline std::string PgServer() {
  const char* uri = std::getenv("JUNHENG_BENCH_PG");
  return uri != nullptr ? uri : "";
}

// `uri` naming the database `name` instead.
inline std::string WithDatabase(const std::string& uri, const std::string& name) {
  const size_t authority = uri.find("://") + 3;
  const size_t query = uri.find('?', authority);
  const size_t path = std::min(uri.find('/', authority), query);
  return uri.substr(0, path) + "/" + name + (query == std::string::npos ? "" : uri.substr(query));
}

// Runs one statement outside a transaction (CREATE and DROP DATABASE) on PgServer().
inline void PgAdmin(const std::string& sql) {
  pqxx::connection conn(PgServer());
  pqxx::nontransaction tx(conn);
  tx.exec(sql);
}

}  // namespace junheng::bench
