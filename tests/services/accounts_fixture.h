// tests/services/accounts_fixture.h: a register file with a small division
// tree, a fake clock, and pools on it, for the accounts and audit tests.
#pragma once

#include <gtest/gtest.h>
#include <pqxx/pqxx>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/clock.h"
#include "services/accounts.h"
#include "services/store_pool.h"
#include "store/open.h"
#include "support/test_store.h"

namespace junheng::services::testing {

inline constexpr uint64_t kCity = 141000000000;
inline constexpr uint64_t kCounty = 141002000000;
inline constexpr uint64_t kTownship = 141002001000;
inline constexpr uint64_t kVillage = 141002001001;

inline DivisionCode Code(uint64_t v) { return DivisionCode::FromValue(v); }

// Cheap argon2id for tests (the minimum memory); the cost is not under test.
inline AccountsOptions FastOptions() {
  AccountsOptions o;
  o.hashing = PasswordHashing{1, 8, 1};
  return o;
}

// Runs `sql` on the register at `target` with a plain connection of its engine
// (another program, or an attacker with the file or a database login).
// Returns "" on success, else the engine's message.
inline std::string RawExec(const std::string& target, const std::string& sql) {
  if (store::IsPostgresTarget(target)) {
    try {
      pqxx::connection c(target);
      pqxx::nontransaction tx(c);
      tx.exec(sql);
      return "";
    } catch (const std::exception& e) {
      return e.what();
    }
  }
  sqlite3* db = nullptr;
  sqlite3_open(target.c_str(), &db);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = rc == SQLITE_OK ? "" : (error ? error : "sqlite error");
  sqlite3_free(error);
  sqlite3_close(db);
  return message;
}

// SQL that lifts the audit log's append-only guard, as an attacker would.
inline std::string UnlockAuditSql() {
  return junheng::testing::OnPostgres() ? "DROP TRIGGER audit_append_only ON audit; "
                                        : "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; ";
}

class AccountsFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "junheng_accounts_XXXXXX";
    dir_ = mkdtemp(pattern.data());
    register_ = std::make_unique<junheng::testing::TestRegister>(dir_);
    path_ = register_->target();
    auto store = store::OpenStore(path_);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    auto batch = (*store)->BeginBatch(store::BatchInfo{"", {"divisions.csv"}, Timestamp{0}});
    ASSERT_TRUE(batch.has_value());
    const Division divisions[] = {
        {Code(140000000000), "山西省", DivisionLevel::kProvince, {}, ""},
        {Code(kCity), "临汾市", DivisionLevel::kCity, Code(140000000000), ""},
        {Code(kCounty), "尧都区", DivisionLevel::kCounty, Code(kCity), ""},
        {Code(kTownship), "解放路街道", DivisionLevel::kTownship, Code(kCounty), ""},
        {Code(kVillage), "一社区", DivisionLevel::kVillage, Code(kTownship), "111"},
    };
    for (const Division& d : divisions) ASSERT_TRUE((*batch)->PutDivision(d));
    ASSERT_TRUE((*batch)->Commit({}));
    batch->reset();
    pool_ = std::make_unique<StorePool>(std::move(*store));
  }
  void TearDown() override {
    pool_.reset();
    register_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  // A second pool on the same file: what another server process has.
  std::unique_ptr<StorePool> OtherProcess() const {
    auto store = store::OpenStore(path_);
    EXPECT_TRUE(store.has_value());
    return std::make_unique<StorePool>(std::move(*store));
  }

  std::filesystem::path dir_;
  std::unique_ptr<junheng::testing::TestRegister> register_;
  std::string path_;  // the register's target
  FakeClock clock_{Timestamp{1767225600}};  // 2026-01-01T00:00:00Z
  std::unique_ptr<StorePool> pool_;
};

}  // namespace junheng::services::testing
