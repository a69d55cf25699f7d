// The hash-chained audit log: services/audit.h (and the SM3 it is built on).
#include <gmock/gmock.h>

#include <atomic>
#include <functional>
#include <thread>

#include <fmt/format.h>

#include "accounts_fixture.h"
#include "services/audit.h"
#include "services/digest.h"

namespace junheng::services::testing {
namespace {

using ::testing::HasSubstr;

TEST(DigestTest, KnownAnswers) {
  struct Case {
    std::string input;
    std::string sm3, sha256;
  };
  const Case cases[] = {
      // GB/T 32905-2016, examples 1 and 2; FIPS 180-2 for SHA-256.
      {"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {[] {
         std::string s;
         for (int i = 0; i < 16; ++i) s += "abcd";
         return s;
       }(),
       "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732", ""},
      {"", "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b",
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Sm3Hex(c.input), c.sm3) << c.input;
    if (!c.sha256.empty()) {
      EXPECT_EQ(Sha256Hex(c.input), c.sha256) << c.input;
    }
  }
}

TEST(DigestTest, Base64UrlHasNoPadding) {
  EXPECT_EQ(Base64Url(""), "");
  EXPECT_EQ(Base64Url("f"), "Zg");
  EXPECT_EQ(Base64Url("fo"), "Zm8");
  EXPECT_EQ(Base64Url("foo"), "Zm9v");
  EXPECT_EQ(Base64Url("\xfb\xff"), "-_8");
}

TEST(AuditTextTest, EveryFieldOnItsOwnLineWithBreaksEscaped) {
  const AuditEntry e{"wang", "county_officer", "view_person", "P1\nP2", "141002000000", "ok",
                     R"({"path":"C:\\x"})", "req-1", "10.0.0.1"};
  EXPECT_EQ(CanonicalAuditText(7, Timestamp{1767225600}, e),
            "id=7\nat=2026-01-01T00:00:00Z\nactor=wang\nrole=county_officer\naction=view_person\n"
            "target=P1\\nP2\ndivision=141002000000\noutcome=ok\ndetail={\"path\":\"C:\\\\\\\\x\"}\n"
            "request_id=req-1\nip=10.0.0.1\n");
}

class AuditTest : public AccountsFixture {
 protected:
  void SetUp() override {
    AccountsFixture::SetUp();
    log_ = std::make_unique<AuditLog>(*pool_, clock_);
  }
  static AuditEntry Entry(int i) {
    return AuditEntry{.actor = i % 3 == 0 ? "" : "wang",
                      .role = "county_officer",
                      .action = i % 2 == 0 ? "view_person" : "login",
                      .target = fmt::format("P{:09d}", i),
                      .division = "141002000000",
                      .outcome = i % 5 == 0 ? "denied" : "ok",
                      .detail_json = fmt::format(R"({{"i":{}}})", i),
                      .request_id = fmt::format("req-{}", i),
                      .ip = "10.0.0.1"};
  }
  void AppendEntries(int n) {
    for (int i = 1; i <= n; ++i) {
      ASSERT_TRUE(log_->Append(Entry(i))) << i;
      clock_.Advance(1);
    }
  }
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditTest, AnEmptyLogVerifies) {
  auto v = log_->Verify();
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_TRUE(v->ok);
  EXPECT_EQ(v->entries, 0);
  EXPECT_EQ(v->last_hash, std::string(64, '0'));
}

TEST_F(AuditTest, TheChainVerifiesAndListsBack) {
  AppendEntries(10);
  auto v = log_->Verify();
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_TRUE(v->ok) << v->message;
  EXPECT_EQ(v->entries, 10);
  EXPECT_EQ(v->first_bad_id, 0);

  auto all = log_->List(0, 0);
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 10u);
  EXPECT_EQ((*all)[0].prev_hash, std::string(64, '0'));
  for (size_t i = 0; i < all->size(); ++i) {
    const AuditRecord& r = (*all)[i];
    EXPECT_EQ(r.id, static_cast<int64_t>(i) + 1);
    EXPECT_EQ(r.at.seconds, 1767225600 + static_cast<int64_t>(i));
    EXPECT_EQ(r.entry.target, Entry(r.id).target);
    EXPECT_EQ(r.entry.actor, Entry(r.id).actor);
    EXPECT_EQ(r.hash, *Sm3Hex(r.prev_hash + "\n" + CanonicalAuditText(r.id, r.at, r.entry)));
    if (i > 0) {
      EXPECT_EQ(r.prev_hash, (*all)[i - 1].hash);
    }
  }
  EXPECT_EQ(v->last_hash, all->back().hash);

  auto page = log_->List(3, 2);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, 4);
  auto denied = log_->List(0, 0, store::AuditFilter{.outcome = "denied"});
  ASSERT_TRUE(denied.has_value());
  EXPECT_EQ(denied->size(), 2u);  // 5 and 10
}

// An attacker with the file drops the triggers and edits the table; Verify
// names the first entry that no longer fits.
TEST_F(AuditTest, TamperingIsFoundAtTheEntryTouched) {
  const std::string unlock = UnlockAuditSql();
  struct Case {
    std::string name;
    std::function<std::string(AuditLog&)> sql;
    int64_t first_bad_id;
    std::string message;
  };
  const Case cases[] = {
      {"content changed", [](AuditLog&) { return "UPDATE audit SET actor = 'mallory' WHERE id = 4"; }, 4,
       "does not match its content"},
      {"detail changed", [](AuditLog&) { return R"(UPDATE audit SET detail = '{"i":0}' WHERE id = 7)"; }, 7,
       "does not match its content"},
      {"time changed", [](AuditLog&) { return "UPDATE audit SET at = '2025-01-01T00:00:00Z' WHERE id = 1"; }, 1,
       "does not match its content"},
      {"content and its hash rewritten",
       [](AuditLog& log) {
         AuditRecord r = (*log.List(3, 1))[0];
         r.entry.actor = "mallory";
         const std::string hash = *Sm3Hex(r.prev_hash + "\n" + CanonicalAuditText(r.id, r.at, r.entry));
         return fmt::format("UPDATE audit SET actor = 'mallory', hash = '{}' WHERE id = 4", hash);
       },
       5, "link"},
      {"entry removed", [](AuditLog&) { return "DELETE FROM audit WHERE id = 6"; }, 7, "6 to 6 are missing"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TearDown();
    SetUp();
    AppendEntries(10);
    ASSERT_EQ(RawExec(path_, unlock + c.sql(*log_)), "");
    auto v = log_->Verify();
    ASSERT_TRUE(v.has_value()) << v.error().message;
    EXPECT_FALSE(v->ok);
    EXPECT_EQ(v->first_bad_id, c.first_bad_id);
    EXPECT_THAT(v->message, HasSubstr(fmt::format("audit entry {}", c.first_bad_id)));
    EXPECT_THAT(v->message, HasSubstr(c.message));
  }
}

TEST_F(AuditTest, AppendRefusesMalformedEntries) {
  struct Case {
    AuditEntry entry;
    std::string message;
  };
  const Case cases[] = {
      {{.action = ""}, "needs an action"},
      {{.action = "login", .outcome = "maybe"}, "ok, denied or failed"},
      {{.action = "login", .detail_json = "[1]"}, "JSON object"},
      {{.action = "login", .detail_json = "{"}, "JSON object"},
      {{.action = "login", .detail_json = ""}, "JSON object"},
  };
  for (const Case& c : cases) {
    auto s = log_->Append(c.entry);
    ASSERT_FALSE(s.has_value()) << c.message;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(s.error().message, HasSubstr(c.message));
  }
  EXPECT_EQ(log_->List(0, 0)->size(), 0u);
}

// Threads of two "processes" (two pools on one file) append at once; the chain
// stays one line with no gaps.
TEST_F(AuditTest, ConcurrentAppendsFromTwoProcessesStayLinear) {
  auto other_pool = OtherProcess();
  AuditLog other(*other_pool, clock_);
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      AuditLog& log = t % 2 == 0 ? *log_ : other;
      for (int i = 0; i < kEach; ++i)
        if (!log.Append(Entry(t * kEach + i))) ++failures;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  auto v = log_->Verify();
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->ok) << v->message;
  EXPECT_EQ(v->entries, kThreads * kEach);
}

}  // namespace
}  // namespace junheng::services::testing
