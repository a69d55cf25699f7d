// tests/support/test_store.h: one test suite, two engines.
//
// A test that needs a register asks TestRegister for one and opens its target
// with store::OpenStore (or passes it to `junheng --db`); it then runs on
// whichever engine the process was started for. ctest runs each such test
// binary twice: as is (SQLite) and as the ".pg" twin with
// JUNHENG_TEST_ENGINE=postgres against the server scripts/pg-test.sh starts
// (tests/CMakeLists.txt: junheng_postgres_twin). Suites named Sqlite* are left
// out of the twin, suites named Postgres* out of the SQLite run.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace junheng::testing {

// The engine this test process runs on: JUNHENG_TEST_ENGINE=postgres runs on
// the PostgreSQL server named by JUNHENG_TEST_PG (a libpq URI of a database
// where CREATE DATABASE is allowed); unset or "sqlite": SQLite.
inline bool OnPostgres() {
  const char* engine = std::getenv("JUNHENG_TEST_ENGINE");
  return engine != nullptr && std::string_view(engine) == "postgres";
}

// JUNHENG_TEST_PG, or the server scripts/pg-test.sh starts.
inline std::string TestServerUri() {
  const char* uri = std::getenv("JUNHENG_TEST_PG");
  return uri != nullptr && *uri != '\0' ? uri : "postgresql://junheng@127.0.0.1:54329/junheng";
}

// `uri` (postgresql://...[/database][?params]) naming the database `name` instead.
inline std::string WithDatabase(std::string_view uri, std::string_view name) {
  const size_t authority = uri.find("://") + 3;
  const size_t query = uri.find('?', authority);
  const size_t path = std::min(uri.find('/', authority), query);
  std::string out(uri.substr(0, path));
  out += '/';
  out += name;
  if (query != std::string_view::npos) out += uri.substr(query);
  return out;
}

// A fresh empty register for one test: a file `name` under `dir` (SQLite) or a
// new uniquely named database on the test server (PostgreSQL), dropped (with
// FORCE, so connections a test left open do not keep it) when this object is
// destroyed. Names are jh_t_<pid>_<n>, unique per process and test;
// scripts/pg-test.sh start drops those whose process is gone.
class TestRegister {
 public:
  explicit TestRegister(const std::filesystem::path& dir, std::string_view name = "register.db") {
    if (!OnPostgres()) {
      target_ = (dir / name).string();
      return;
    }
    static std::atomic<int> counter{0};
    database_ = "jh_t_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    target_ = WithDatabase(TestServerUri(), database_);
    try {
      pqxx::connection admin(TestServerUri());
      pqxx::nontransaction tx(admin);
      tx.exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
      tx.exec("CREATE DATABASE " + database_ + " ENCODING 'UTF8' TEMPLATE template0");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cannot create the test database " << database_ << " on " << TestServerUri()
                    << " (is scripts/pg-test.sh start running?): " << e.what();
    }
  }
  ~TestRegister() {
    if (database_.empty()) return;
    try {
      pqxx::connection admin(TestServerUri());
      pqxx::nontransaction tx(admin);
      tx.exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cannot drop the test database " << database_ << ": " << e.what();
    }
  }
  TestRegister(const TestRegister&) = delete;
  TestRegister& operator=(const TestRegister&) = delete;

  // Pass to store::OpenStore or `junheng --db`.
  const std::string& target() const { return target_; }

 private:
  std::string target_;
  std::string database_;  // PostgreSQL only
};

}  // namespace junheng::testing
