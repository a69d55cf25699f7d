// Crash safety of `junheng serve` under a write load: two clients register
// events through POST /api/v1/events (births, which create the child and its
// event together, and marriages) while the server is killed with SIGKILL at
// random moments and restarted, several times, then stopped with SIGTERM in the
// middle of the load. Every event the server acknowledged (201) is in the
// register exactly once; an event whose request got no answer is either wholly
// there or absent, and sending it again answers 201 with the one in the log (or
// registers it), never a conflict; `junheng check` passes after every crash.
// The kill times come from a seed that is printed (JUNHENG_CRASH_SEED repeats it).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "app/child_process.h"
#include "app/crash_fixture.h"

namespace junheng::app::testing {
namespace {

using namespace std::chrono_literals;

// The string after "key": in a flat JSON answer ("" when absent; no escapes expected).
std::string JsonString(const std::string& body, const std::string& key) {
  const std::string quoted = "\"" + key + "\":\"";
  const size_t at = body.find(quoted);
  if (at == std::string::npos) return "";
  const size_t begin = at + quoted.size();
  return body.substr(begin, body.find('"', begin) - begin);
}

// The fields of one CSV record (RFC 4180 quoting, no line breaks inside).
std::vector<std::string> CsvFields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

// One event a client registers, with what it learnt about it.
struct Write {
  enum class State { kPending, kSending, kInDoubt, kAcknowledged };
  std::string event_id;
  std::string body;
  bool birth = false;
  std::string person_id;  // the person married; a birth's child once acknowledged
  State state = State::kPending;
  int64_t seq = 0;
};

// `count` writes the demo city's register accepts, chosen from the demo's own
// files: births (one per mother, her next birth order, on kToday) as every
// third write while mothers last, and marriages of two residents (a pair may
// marry again: nothing forbids it).
std::vector<Write> PlanWrites(const std::string& persons_csv, const std::string& events_csv, size_t count) {
  struct Life {
    bool female = false, entered = false, left = false;
    std::string birth_date, last_date, division;
    int births = 0;
    std::string last_birth;
  };
  std::map<std::string, Life> lives;
  std::ifstream persons(persons_csv), events(events_csv);
  std::string line;
  std::getline(persons, line);
  while (std::getline(persons, line)) {
    const auto f = CsvFields(line);  // person_id,citizen_id,name,sex,birth_date,...
    lives[f[0]].female = f[3] == "2";
    lives[f[0]].birth_date = f[4];
  }
  std::getline(events, line);
  while (std::getline(events, line)) {
    // event_id,source,type,date,recorded_at,person_id,division,other_place,mother_id,father_id,birth_order,...
    const auto f = CsvFields(line);
    Life& life = lives[f[5]];
    const std::string& type = f[2];
    if (type == "death" || type == "move_out") life.left = true;
    if (type == "enumerate" || type == "birth" || type == "move_in") life.entered = true;
    if (!f[6].empty() && f[3] >= life.last_date) life.last_date = f[3], life.division = f[6];
    if (type == "birth" && !f[8].empty()) {
      Life& mother = lives[f[8]];
      mother.births = std::max(mother.births, f[10].empty() ? 0 : std::stoi(f[10]));
      mother.last_birth = std::max(mother.last_birth, f[3]);
    }
  }
  std::vector<std::string> mothers, adults;
  for (const auto& [id, life] : lives) {
    if (!life.entered || life.left || life.division.empty() || life.birth_date.empty()) continue;
    if (life.female && life.birth_date >= "1987-01-01" && life.birth_date <= "2004-01-01" &&
        life.last_birth < std::string(kToday))
      mothers.push_back(id);
    else if (life.birth_date <= "2004-01-01")
      adults.push_back(id);
  }
  std::vector<Write> plan;
  size_t births = 0, marriages = 0;
  while (plan.size() < count && adults.size() >= 2) {
    Write w;
    if (plan.size() % 3 == 0 && births < mothers.size()) {
      const std::string& m = mothers[births];
      w.event_id = fmt::format("crash-b-{:05}", births);
      w.birth = true;
      w.body = fmt::format(
          R"({{"event_id":"{}","type":"birth","date":"{}","division":"{}","mother_id":"{}","birth_order":{},)"
          R"("child":{{"name":"{}","sex":{}}}}})",
          w.event_id, kToday, lives[m].division, m, lives[m].births + 1, births % 2 ? "王小红" : "李明",
          births % 2 ? 2 : 1);
      ++births;
    } else {
      const size_t pair = 2 * (marriages % (adults.size() / 2));
      w.event_id = fmt::format("crash-m-{:05}", marriages++);
      w.person_id = adults[pair];
      w.body = fmt::format(R"({{"event_id":"{}","type":"marriage","date":"{}","division":"{}","person_id":"{}",)"
                           R"("spouse_id":"{}"}})",
                           w.event_id, kToday, lives[adults[pair]].division, adults[pair], adults[pair + 1]);
    }
    plan.push_back(std::move(w));
  }
  return plan;
}

httplib::Client ClientOf(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(5s);
  c.set_read_timeout(60s);
  c.set_write_timeout(10s);
  return c;
}

std::string SignIn(int port) {
  auto r = ClientOf(port).Post("/api/v1/session", R"({"username":"admin","password":"Linfen-2035"})",
                               "application/json");
  if (!r || r->status != 200) return "";
  return JsonString(r->body, "token");
}

// The writes, shared by the client threads.
class WriteLog {
 public:
  explicit WriteLog(std::vector<Write> writes) : writes_(std::move(writes)) {}

  // Two clients post pending writes until the server stops answering (or
  // `stop`); a write without an answer is in doubt. Answers other than 201
  // (and 503 when `refusals_allowed`) are kept in unexpected().
  void RunLoad(int port, const std::string& token, std::atomic<bool>& stop, bool refusals_allowed) {
    auto client = [&] {
      auto c = ClientOf(port);
      const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
      while (!stop) {
        Write* w = Next();
        if (w == nullptr) return;
        auto r = c.Post("/api/v1/events", auth, w->body, "application/json");
        std::lock_guard lock(mu_);
        if (!r) {
          // Not connected: the request never left; otherwise it may have been applied.
          w->state = r.error() == httplib::Error::Connection ? Write::State::kPending : Write::State::kInDoubt;
          return;
        }
        if (r->status == 201) {
          Acknowledge(*w, r->body);
        } else {
          w->state = Write::State::kPending;
          if (!(refusals_allowed && r->status == 503))
            unexpected_.push_back(fmt::format("{} -> {} {}", w->event_id, r->status, r->body));
          if (r->status == 503) return;
        }
      }
    };
    std::thread a(client), b(client);
    a.join();
    b.join();
  }

  // Sends every write in doubt again, one by one: each must be answered 201,
  // either registered now or with the one already in the log (its seq then at
  // most `applied_seq`, what the restarted server loaded). A marriage's record
  // shows it once or not at all before.
  void ResendInDoubt(int port, const std::string& token, int64_t applied_seq) {
    auto c = ClientOf(port);
    const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
    for (Write& w : writes_) {
      if (w.state != Write::State::kInDoubt) continue;
      int before = -1;
      if (!w.birth) {
        auto record = c.Get("/api/v1/persons/" + w.person_id, auth);
        ASSERT_TRUE(record && record->status == 200) << w.person_id;
        before = CountOf(record->body, w.event_id);
        ASSERT_LE(before, 1) << w.event_id << " is in the log twice";
      }
      auto r = c.Post("/api/v1/events", auth, w.body, "application/json");
      ASSERT_TRUE(r) << "no answer resending " << w.event_id;
      ASSERT_EQ(r->status, 201) << "resending " << w.event_id << ": " << r->body;
      Acknowledge(w, r->body);
      const bool was_there = w.seq <= applied_seq;
      if (before >= 0) {
        EXPECT_EQ(was_there, before == 1) << w.event_id;
      }
      ++(was_there ? in_doubt_there_ : in_doubt_absent_);
    }
  }

  // Every acknowledged write appears exactly once in its person's record, with its seq.
  void VerifyAcknowledged(int port, const std::string& token) {
    auto c = ClientOf(port);
    const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
    for (const Write& w : writes_) {
      if (w.state != Write::State::kAcknowledged) continue;
      auto record = c.Get("/api/v1/persons/" + w.person_id, auth);
      ASSERT_TRUE(record && record->status == 200) << w.event_id << " " << w.person_id;
      ASSERT_EQ(CountOf(record->body, w.event_id), 1) << w.event_id << ": " << record->body;
      // The event's object in the record (flat: no braces inside) holds its seq.
      const size_t at = record->body.find(fmt::format(R"("event_id":"{}")", w.event_id));
      const size_t begin = record->body.rfind('{', at), end = record->body.find('}', at);
      EXPECT_EQ(JsonInt(record->body.substr(begin, end - begin), "seq"), w.seq) << w.event_id;
    }
  }

  int Count(Write::State state, bool births_only = false) const {
    int n = 0;
    for (const Write& w : writes_) n += w.state == state && (!births_only || w.birth);
    return n;
  }
  const std::vector<std::string>& unexpected() const { return unexpected_; }
  int in_doubt_there() const { return in_doubt_there_; }
  int in_doubt_absent() const { return in_doubt_absent_; }

 private:
  // The first pending write, now being sent; nullptr when none is left.
  Write* Next() {
    std::lock_guard lock(mu_);
    for (Write& w : writes_) {
      if (w.state != Write::State::kPending) continue;
      w.state = Write::State::kSending;
      return &w;
    }
    return nullptr;
  }
  void Acknowledge(Write& w, const std::string& body) {
    w.state = Write::State::kAcknowledged;
    w.seq = JsonInt(body, "seq");
    if (w.birth) w.person_id = JsonString(body, "person_id");
  }
  static int CountOf(const std::string& record, const std::string& event_id) {
    int n = 0;
    const std::string key = fmt::format(R"("event_id":"{}")", event_id);
    for (size_t at = record.find(key); at != std::string::npos; at = record.find(key, at + 1)) ++n;
    return n;
  }

  std::mutex mu_;
  std::vector<Write> writes_;
  std::vector<std::string> unexpected_;
  int in_doubt_there_ = 0, in_doubt_absent_ = 0;
};

TEST(CrashServeTest, KilledUnderWritesTheServerKeepsEveryAnsweredEventOnceAndNothingHalf) {
  const uint64_t seed = CrashSeed();
  SCOPED_TRACE(fmt::format("JUNHENG_CRASH_SEED={}", seed));
  std::mt19937_64 rng(seed);
  TempDir dir("crash_serve");
  TestRegister reg(dir.path(), "city.db");
  const std::string& target = reg.target();
  const CommandRun demo = Junheng(fmt::format("demo --db {} --scale 0.002 --seed 5 --out {}", ShellQuote(target),
                                              ShellQuote(dir.File("files"))));
  ASSERT_EQ(demo.exit_code, 0) << demo.out;
  const std::string base = SummaryOf(target);
  const int64_t base_persons = PrintedCount(base, "persons"), base_events = PrintedCount(base, "events");
  // More than the server takes in the test's time (a few hundred a second).
  WriteLog log(PlanWrites(dir.File("files/persons.csv"), dir.File("files/events.csv"), 20000));
  ASSERT_GT(log.Count(Write::State::kPending, true), 200);
  ASSERT_EQ(log.Count(Write::State::kPending), 20000);

  // One life of the server (on the real today: it stamps recorded_at with the
  // clock, which must not lie after today): start, resend what is in doubt, write under a load
  // until `signal` arrives at a random moment. Returns the server's wait status.
  auto life = [&](int signal) -> std::optional<int> {
    ServerProcess server(target, dir.path().string());
    EXPECT_TRUE(server.WaitReady()) << server.Log();
    if (::testing::Test::HasFailure()) return std::nullopt;
    const std::string token = SignIn(server.port());
    EXPECT_FALSE(token.empty());
    log.ResendInDoubt(server.port(), token, JsonInt(server.health(), "applied_seq"));
    if (::testing::Test::HasFailure()) return std::nullopt;
    std::atomic<bool> stop = false;
    std::thread load([&] { log.RunLoad(server.port(), token, stop, signal == SIGTERM); });
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(200, 1500)(rng)));
    server.process().Signal(signal);
    const auto status = server.process().Wait(2min);
    stop = true;
    load.join();
    return status;
  };

  constexpr int kKills = 6;
  for (int i = 0; i < kKills; ++i) {
    const auto status = life(SIGKILL);
    ASSERT_FALSE(::testing::Test::HasFailure());
    ASSERT_TRUE(status && WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL) << DescribeStatus(status);
    ASSERT_EQ(CheckProblems(target), "") << "after kill " << i;
    fmt::print("[  kill {}  ] acknowledged {}, in doubt {}\n", i, log.Count(Write::State::kAcknowledged),
               log.Count(Write::State::kInDoubt));
  }
  // SIGTERM in the middle of the load: the requests in flight are answered (or
  // refused with 503), the server exits 0.
  const auto stopped = life(SIGTERM);
  ASSERT_FALSE(::testing::Test::HasFailure());
  ASSERT_TRUE(stopped && WIFEXITED(*stopped) && WEXITSTATUS(*stopped) == 0) << DescribeStatus(stopped);
  ASSERT_EQ(CheckProblems(target), "");
  EXPECT_TRUE(log.unexpected().empty()) << fmt::format("{}", fmt::join(log.unexpected(), "\n"));

  // A last start: what is still in doubt is resolved; every answered event is there once.
  {
    ServerProcess server(target, dir.path().string());
    ASSERT_TRUE(server.WaitReady()) << server.Log();
    const std::string token = SignIn(server.port());
    log.ResendInDoubt(server.port(), token, JsonInt(server.health(), "applied_seq"));
    ASSERT_EQ(log.Count(Write::State::kInDoubt), 0);
    log.VerifyAcknowledged(server.port(), token);
    server.process().Signal(SIGTERM);
    const auto status = server.process().Wait(2min);
    EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << DescribeStatus(status);
  }
  // Nothing more: one event per acknowledged write, one person per birth.
  const int acknowledged = log.Count(Write::State::kAcknowledged);
  const std::string after = SummaryOf(target);
  EXPECT_EQ(PrintedCount(after, "events"), base_events + acknowledged) << after;
  EXPECT_EQ(PrintedCount(after, "persons"), base_persons + log.Count(Write::State::kAcknowledged, true)) << after;
  EXPECT_EQ(CheckProblems(target), "");
  EXPECT_GT(acknowledged, 0);
  fmt::print("[  writes  ] {} acknowledged ({} births); {} sent without an answer: {} had been applied, {} not\n",
             acknowledged, log.Count(Write::State::kAcknowledged, true), log.in_doubt_there() + log.in_doubt_absent(),
             log.in_doubt_there(), log.in_doubt_absent());
}

}  // namespace
}  // namespace junheng::app::testing
