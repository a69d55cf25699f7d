// Users, sessions, the audit log, quarantine by division and resolving review
// work on either engine: store/accounts.h and the Store methods on them.
#include <sqlite3.h>

#include <map>
#include <thread>

#include "store/sqlite/migrations.h"
#include "store_test_util.h"

namespace junheng::store {
namespace {

using testing::Code;
using testing::MustOpen;
using testing::MustOpenStore;
using testing::TempDir;

// Runs `sql` on the SQLite file `path` with a plain connection. Returns SQLite's result code.
int SqliteExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

UserRow SampleUser(std::string name, uint64_t division = 141002000000) {
  UserRow u;
  u.username = std::move(name);
  u.display_name = "王芳";
  u.role = "county_officer";
  u.division = Code(division);
  u.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA";
  u.created_at = Timestamp{1700000000};
  return u;
}

AuditRow SampleAudit(int64_t id, std::string actor = "wang", std::string division = "141002000000") {
  AuditRow a;
  a.id = id;
  a.at = Timestamp{1700000000 + id};
  a.actor = std::move(actor);
  a.role = "county_officer";
  a.action = id % 2 == 0 ? "view_person" : "login";
  a.target = id % 2 == 0 ? "P000000001" : "";
  a.division = std::move(division);
  a.outcome = "ok";
  a.detail = R"({"n":1})";
  a.ip = "10.0.0.1";
  a.prev_hash = std::string(64, '0');
  a.hash = fmt::format("{:064d}", id);
  return a;
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = MustOpenStore(register_.target());
    ASSERT_NE(store_, nullptr);
    testing::LoadSample(*store_, 2);
  }
  TempDir dir_;
  junheng::testing::TestRegister register_{dir_.path()};
  std::unique_ptr<Store> store_;
};

TEST_F(AccountsTest, UsersRoundTripAndKeepUsernamesUnique) {
  UserRow u = SampleUser("wang");
  u.locked_until = Timestamp{1700000900};
  auto id = store_->AddUser(u);
  ASSERT_TRUE(id.has_value()) << id.error().message;
  UserRow feeder = SampleUser("health01", 141000000000);
  feeder.role = "data_feeder";
  feeder.source = "health";
  ASSERT_TRUE(store_->AddUser(feeder).has_value());

  auto found = store_->FindUserByName("wang");
  ASSERT_TRUE(found.has_value() && found->has_value());
  const UserRow& got = **found;
  EXPECT_EQ(got.id, *id);
  EXPECT_EQ(got.display_name, "王芳");
  EXPECT_EQ(got.role, "county_officer");
  EXPECT_EQ(got.division, Code(141002000000));
  EXPECT_EQ(got.source, "");
  EXPECT_EQ(got.password_hash, u.password_hash);
  EXPECT_EQ(got.created_at, u.created_at);
  EXPECT_FALSE(got.disabled);
  EXPECT_EQ(got.locked_until, u.locked_until);
  EXPECT_EQ((*store_->FindUserById(*id))->username, "wang");
  EXPECT_FALSE(store_->FindUserByName("nobody")->has_value());
  EXPECT_FALSE(store_->FindUserById(999)->has_value());

  auto all = store_->ListUsers();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].username, "health01");  // by username
  EXPECT_EQ((*all)[0].source, "health");

  EXPECT_EQ(store_->AddUser(u).error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->AddUser(SampleUser("li", 149999000000)).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(AccountsTest, LoginStateIsSetAndCleared) {
  const int64_t id = *store_->AddUser(SampleUser("wang"));
  ASSERT_TRUE(store_->UpdateLoginState(id, 5, Timestamp{1700000900}));
  auto u = *store_->FindUserById(id);
  EXPECT_EQ(u->failed_logins, 5);
  EXPECT_EQ(u->locked_until, Timestamp{1700000900});
  ASSERT_TRUE(store_->UpdateLoginState(id, 0, std::nullopt));
  u = *store_->FindUserById(id);
  EXPECT_EQ(u->failed_logins, 0);
  EXPECT_FALSE(u->locked_until.has_value());
  EXPECT_EQ(store_->UpdateLoginState(999, 1, std::nullopt).error().code, ErrorCode::kNotFound);
}

TEST_F(AccountsTest, SessionsAreFoundTouchedAndDeleted) {
  const int64_t id = *store_->AddUser(SampleUser("wang"));
  const SessionRow s{"aa", id, Timestamp{1000}, Timestamp{1000}, Timestamp{50000}};
  ASSERT_TRUE(store_->PutSession(s));
  EXPECT_EQ(store_->PutSession(s).error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->PutSession({"bb", 999, {}, {}, {}}).error().code, ErrorCode::kInvalidArgument);

  auto found = store_->FindSession("aa");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->user_id, id);
  EXPECT_EQ((*found)->expires_at, Timestamp{50000});
  ASSERT_TRUE(store_->TouchSession("aa", Timestamp{2000}));
  EXPECT_EQ((*store_->FindSession("aa"))->last_seen, Timestamp{2000});
  EXPECT_TRUE(store_->TouchSession("unknown", Timestamp{2000}));
  ASSERT_TRUE(store_->DeleteSession("aa"));
  EXPECT_FALSE(store_->FindSession("aa")->has_value());
}

TEST_F(AccountsTest, ExpiredSessionsAreDeletedAtTheirEndOrWhenIdle) {
  const int64_t id = *store_->AddUser(SampleUser("wang"));
  struct Case {
    const char* hash;
    int64_t last_seen, expires_at;
    bool kept;
  };
  const Case cases[] = {
      {"fresh", 9000, 20000, true},
      {"idle", 7999, 20000, false},       // last seen before idle_before = 8000
      {"at_idle_edge", 8000, 20000, true},
      {"ended", 9500, 10000, false},      // expires_at <= now = 10000
  };
  for (const Case& c : cases) {
    ASSERT_TRUE(store_->PutSession({c.hash, id, Timestamp{0}, Timestamp{c.last_seen}, Timestamp{c.expires_at}}));
  }
  auto deleted = store_->DeleteExpiredSessions(Timestamp{10000}, Timestamp{8000});
  ASSERT_TRUE(deleted.has_value()) << deleted.error().message;
  EXPECT_EQ(*deleted, 2);
  for (const Case& c : cases) EXPECT_EQ(store_->FindSession(c.hash)->has_value(), c.kept) << c.hash;
}

TEST_F(AccountsTest, AuditIsGaplessAndRoundTrips) {
  EXPECT_FALSE(store_->LastAudit()->has_value());
  EXPECT_EQ(store_->AppendAudit(SampleAudit(2)).error().code, ErrorCode::kConflict);  // 1 comes first
  for (int64_t id = 1; id <= 4; ++id) ASSERT_TRUE(store_->AppendAudit(SampleAudit(id))) << id;
  EXPECT_EQ(store_->AppendAudit(SampleAudit(4)).error().code, ErrorCode::kConflict);  // taken
  EXPECT_EQ(store_->AppendAudit(SampleAudit(6)).error().code, ErrorCode::kConflict);  // a gap

  auto last = store_->LastAudit();
  ASSERT_TRUE(last.has_value() && last->has_value());
  const AuditRow want = SampleAudit(4);
  const AuditRow& got = **last;
  EXPECT_EQ(got.id, 4);
  EXPECT_EQ(got.at, want.at);
  EXPECT_EQ(got.action, want.action);
  EXPECT_EQ(got.target, want.target);
  EXPECT_EQ(got.detail, want.detail);
  EXPECT_EQ(got.ip, want.ip);
  EXPECT_EQ(got.request_id, "");
  EXPECT_EQ(got.hash, want.hash);

  std::vector<int64_t> ids;
  ASSERT_TRUE(store_->ForEachAudit(2, [&](const AuditRow& a) { ids.push_back(a.id); }));
  EXPECT_EQ(ids, (std::vector<int64_t>{3, 4}));
}

// Two writers (two connections, as two server processes) append to one audit
// log, each reading the last entry and retrying on kConflict: the log stays
// one gapless chain and no entry is lost or written twice.
TEST_F(AccountsTest, TwoWritersAppendingTheAuditLogNeverFork) {
  constexpr int kEach = 40;
  std::vector<std::string> failures(2);
  std::vector<int> conflicts(2);
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      auto store = junheng::store::OpenStore(register_.target());
      if (!store) return void(failures[w] = store.error().message);
      for (int done = 0; done < kEach;) {
        auto last = (*store)->LastAudit();
        if (!last) return void(failures[w] = last.error().message);
        AuditRow a = SampleAudit(*last ? (**last).id + 1 : 1, w == 0 ? "wang" : "li");
        auto s = (*store)->AppendAudit(a);
        if (s) {
          ++done;
        } else if (s.error().code == ErrorCode::kConflict) {
          ++conflicts[w];
        } else {
          return void(failures[w] = s.error().message);
        }
      }
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(failures, (std::vector<std::string>{"", ""}));
  std::vector<int64_t> ids;
  std::map<std::string, int> per_actor;
  ASSERT_TRUE(store_->ForEachAudit(0, [&](const AuditRow& a) {
    ids.push_back(a.id);
    ++per_actor[a.actor];
  }));
  ASSERT_EQ(ids.size(), 2u * kEach);
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], static_cast<int64_t>(i) + 1);
  EXPECT_EQ(per_actor["wang"], kEach);
  EXPECT_EQ(per_actor["li"], kEach);
}

TEST_F(AccountsTest, AuditListsNarrowByFilter) {
  const std::pair<const char*, const char*> who[] = {
      {"wang", "141002000000"}, {"li", "141002001001"}, {"wang", "141002001002"}, {"", ""}, {"li", "141003000000"}};
  for (int64_t id = 1; id <= 5; ++id) {
    ASSERT_TRUE(store_->AppendAudit(SampleAudit(id, who[id - 1].first, who[id - 1].second)));
  }
  struct Case {
    const char* name;
    int64_t after_id, limit;
    AuditFilter filter;
    std::vector<int64_t> ids;
  };
  const Case cases[] = {
      {"all", 0, 0, {}, {1, 2, 3, 4, 5}},
      {"after and limit", 1, 2, {}, {2, 3}},
      {"actor", 0, 0, {.actor = "li"}, {2, 5}},
      {"action", 0, 0, {.action = "login"}, {1, 3, 5}},
      {"outcome", 0, 0, {.outcome = "denied"}, {}},
      {"division prefix", 0, 0, {.division_prefix = "141002001"}, {2, 3}},
      {"newest first", 0, 2, {.newest_first = true}, {5, 4}},
      {"before id", 0, 0, {.before_id = 3, .newest_first = true}, {2, 1}},
  };
  for (const Case& c : cases) {
    auto rows = store_->ListAudit(c.after_id, c.limit, c.filter);
    ASSERT_TRUE(rows.has_value()) << c.name << ": " << rows.error().message;
    std::vector<int64_t> ids;
    for (const AuditRow& a : *rows) ids.push_back(a.id);
    EXPECT_EQ(ids, c.ids) << c.name;
  }
}

TEST_F(AccountsTest, TriggersRefuseToChangeTheAuditLog) {
  ASSERT_TRUE(store_->AppendAudit(SampleAudit(1)));
  std::vector<std::string> statements = {"UPDATE audit SET actor = 'mallory' WHERE id = 1",
                                         "DELETE FROM audit WHERE id = 1", "DELETE FROM audit"};
  if (junheng::testing::OnPostgres()) statements.push_back("TRUNCATE audit");
  for (const std::string& sql : statements) {
    const std::string error = testing::RawExec(register_.target(), sql);
    EXPECT_NE(error.find("append-only"), std::string::npos) << sql << ": " << error;
  }
  EXPECT_EQ((*store_->LastAudit())->actor, "wang");
}

class ReviewWorkTest : public AccountsTest {
 protected:
  void SetUp() override {
    AccountsTest::SetUp();
    auto batch = store_->BeginBatch(testing::Info());
    ASSERT_TRUE(batch.has_value());
    const Reason checksum{"citizen_id.checksum", "citizen_id", "wrong check digit"};
    const Reason date{"date.future", "date", "after today"};
    const QuarantineRow rows[] = {
        {.source = "health", .raw = "a", .reasons = {checksum, checksum}, .division = "141002001001"},
        {.source = "health", .raw = "b", .reasons = {checksum, date}, .division = "141002001002"},
        {.source = "census", .raw = "c", .reasons = {date}, .division = "141003000000"},
        {.source = "", .raw = "d", .reasons = {checksum}},  // no division
    };
    for (const QuarantineRow& r : rows) ASSERT_TRUE((*batch)->AddQuarantine(r));
    ASSERT_TRUE((*batch)->AddConflict({.record_key = "E1", .raw = "x", .message = "date differs"}));
    ASSERT_TRUE((*batch)->AddReview({.raw = "y", .message = "two candidates"}));
    ASSERT_TRUE((*batch)->Commit({}));
  }
};

TEST_F(ReviewWorkTest, QuarantineListsByDivisionAndPage) {
  struct Case {
    const char* name;
    QuarantineQuery query;
    std::vector<std::string> raws;
  };
  const Case cases[] = {
      {"all", {}, {"a", "b", "c", "d"}},
      {"county", {.division_prefix = "141002"}, {"a", "b"}},
      {"village", {.division_prefix = "141002001002"}, {"b"}},
      {"page", {.limit = 2, .offset = 1}, {"b", "c"}},
      {"other batch", {.batch_id = 1}, {}},
  };
  for (const Case& c : cases) {
    auto rows = store_->ListQuarantine(c.query);
    ASSERT_TRUE(rows.has_value()) << c.name << ": " << rows.error().message;
    std::vector<std::string> raws;
    for (const QuarantineRow& r : *rows) raws.push_back(r.raw);
    EXPECT_EQ(raws, c.raws) << c.name;
  }
  auto by_batch = store_->ListQuarantine(0);  // the old form still works
  ASSERT_TRUE(by_batch.has_value());
  ASSERT_EQ(by_batch->size(), 4u);
  EXPECT_EQ((*by_batch)[0].division, "141002001001");
  EXPECT_EQ((*by_batch)[3].division, "");
}

TEST_F(ReviewWorkTest, QuarantineCountsRowsPerReasonAndSource) {
  using Counts = std::vector<std::tuple<std::string, std::string, int64_t>>;
  struct Case {
    const char* prefix;
    Counts counts;
  };
  const Case cases[] = {
      {"", {{"citizen_id.checksum", "health", 2}, {"citizen_id.checksum", "", 1}, {"date.future", "census", 1},
            {"date.future", "health", 1}}},
      {"141002", {{"citizen_id.checksum", "health", 2}, {"date.future", "health", 1}}},
      {"141003", {{"date.future", "census", 1}}},
      {"142", {}},
  };
  for (const Case& c : cases) {
    auto counts = store_->CountQuarantineByReason(c.prefix);
    ASSERT_TRUE(counts.has_value()) << counts.error().message;
    Counts got;
    for (const ReasonCount& r : *counts) got.emplace_back(r.code, r.source, r.count);
    EXPECT_EQ(got, c.counts) << "prefix '" << c.prefix << "'";
  }
}

TEST_F(ReviewWorkTest, ConflictsAndReviewsAreResolvedOnce) {
  const int64_t conflict = (*store_->ListConflicts(0))[0].id;
  const int64_t review = (*store_->ListReviews(0))[0].id;
  ASSERT_TRUE(store_->ResolveConflict(conflict, "kept the health record", "wang"));
  ASSERT_TRUE(store_->ResolveReview(review, "it is P000000001", "li"));

  const ConflictRow c = (*store_->ListConflicts(0))[0];
  EXPECT_EQ(c.status, "resolved");
  EXPECT_EQ(c.resolved_by, "wang");
  EXPECT_EQ(c.resolution_note, "kept the health record");
  ASSERT_TRUE(c.resolved_at.has_value());
  EXPECT_GT(c.resolved_at->seconds, 1700000000);
  const ReviewRow r = (*store_->ListReviews(0))[0];
  EXPECT_EQ(r.status, "resolved");
  EXPECT_EQ(r.resolved_by, "li");
  EXPECT_EQ(store_->GetSummary()->open_conflicts, 0);

  EXPECT_EQ(store_->ResolveConflict(conflict, "again", "li").error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->ResolveReview(review, "again", "li").error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->ResolveConflict(999, "", "li").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ResolveReview(999, "", "li").error().code, ErrorCode::kNotFound);
}

// A register made by a build that knew only version 1 gains the new tables and
// columns on open, and its rows read back with the new fields empty.
TEST(SqliteAccountsMigrationTest, Version1DatabaseIsMigrated) {
  TempDir dir;
  const std::string path = dir.File("v1.db");
  ASSERT_EQ(SqliteExec(path, std::string(sqlite::Migrations()[0].sql) +
                              fmt::format("PRAGMA user_version = 1; PRAGMA application_id = {};"
                                          "INSERT INTO import_batches(id, started_at, finished_at) "
                                          "VALUES(1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');"
                                          "INSERT INTO quarantine(batch_id, kind, raw) VALUES(1, 'events', 'r');"
                                          "INSERT INTO conflicts(batch_id, kind, raw, message) "
                                          "VALUES(1, 'events', 'r', 'm');",
                                          sqlite::kApplicationId)),
            SQLITE_OK);
  auto store = MustOpen(path);
  ASSERT_NE(store, nullptr);
  auto rows = store->ListQuarantine(0);
  ASSERT_TRUE(rows.has_value()) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].division, "");
  EXPECT_TRUE(store->ResolveConflict(1, "ok", "wang"));
  EXPECT_TRUE(store->ListUsers()->empty());
  EXPECT_FALSE(store->LastAudit()->has_value());
}

}  // namespace
}  // namespace junheng::store
