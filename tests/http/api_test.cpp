// The API over real HTTP against a running server (api_fixture.h): sessions,
// jurisdiction, masking, the same indicators as `junheng stats`, event
// registration visible at once, imports, and bad input answered with a 4xx that
// names the field and writes nothing.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "http/api_fixture.h"
#include "services/stats.h"

namespace junheng::http {
namespace {

using nlohmann::json;

ApiEnvironment& Env() { return ApiEnvironment::Get(); }

json Body(const httplib::Result& r) { return json::parse(r->body, nullptr, false); }

// A person living (alive) in `division` now.
std::string PersonIn(DivisionCode division) {
  return Env().live->Read([&](const analytics::Snapshot& s) {
    for (uint32_t p = 0; p < s.person_count(); ++p) {
      auto r = s.LastResidence(p);
      if (r && r->stay.to == analytics::kOpenEnd && s.tree().all()[r->division].code == division)
        return std::string(s.person_id(p));
    }
    return std::string();
  });
}

// A woman aged 20..40 living in `division` on the demo's today.
std::string MotherIn(DivisionCode division) {
  const Date today = *Date::Parse(kDemoToday);
  return Env().live->Read([&](const analytics::Snapshot& s) {
    for (uint32_t p = 0; p < s.person_count(); ++p) {
      auto r = s.LastResidence(p);
      const int age = AgeInYears(s.birth_date(p), today);
      if (r && r->stay.to == analytics::kOpenEnd && s.sex(p) == Sex::kFemale && age >= 20 && age <= 40 &&
          s.tree().all()[r->division].code == division)
        return std::string(s.person_id(p));
    }
    return std::string();
  });
}

double Births(const std::string& user, DivisionCode division) {
  auto r = Env().Client().Get("/api/v1/indicators?division=" + division.ToString() +
                                  "&from=2025-01-01&to=2026-01-01&indicators=births",
                              Env().As(user));
  EXPECT_EQ(r->status, 200) << r->body;
  return Body(r)["rows"][0]["indicators"]["births"]["value"].get<double>();
}

TEST(ApiTest, HealthAndMetricsNeedNoSession) {
  auto c = Env().Client();
  auto h = c.Get("/healthz");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(Body(h)["status"], "ok");
  EXPECT_GT(Body(h)["persons"].get<int64_t>(), 1000);
  auto m = c.Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_NE(m->body.find("junheng_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(m->body.find("process_resident_memory_bytes"), std::string::npos);
  auto doc = c.Get("/api/v1/openapi.json");
  EXPECT_EQ(doc->status, 200);
  EXPECT_EQ(Body(doc)["openapi"], "3.0.3");
}

TEST(ApiTest, SignInWithWrongPasswordIs401AndAudited) {
  auto r = Env().Client().Post("/api/v1/session", R"({"username":"analyst","password":"wrong-pass-1"})",
                               "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(Body(r)["error"]["code"], "unauthenticated");
  EXPECT_FALSE(r->get_header_value("X-Request-Id").empty());
  EXPECT_EQ(Body(r)["request_id"], r->get_header_value("X-Request-Id"));
  auto entries = Env().audit->List(0, 100000);
  ASSERT_TRUE(entries);
  bool found = false;
  for (const auto& e : *entries) found = found || (e.entry.action == "login_failed" && e.entry.actor == "analyst");
  EXPECT_TRUE(found);
}

TEST(ApiTest, SignInSetsAnHttpOnlyCookieThatWorks) {
  auto c = Env().Client();
  auto r = c.Post("/api/v1/session", json{{"username", "township"}, {"password", kPassword}}.dump(),
                  "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string cookie = r->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  const std::string pair = cookie.substr(0, cookie.find(';'));
  auto me = c.Get("/api/v1/session", {{"Cookie", pair}});
  ASSERT_EQ(me->status, 200);
  EXPECT_EQ(Body(me)["user"]["role"], "township_staff");
  EXPECT_EQ(Body(me)["user"]["division"]["code"], Env().township.ToString());
  EXPECT_FALSE(Body(me)["user"]["permissions"]["see_unmasked"].get<bool>());
  // Signing out ends the session.
  EXPECT_EQ(c.Delete("/api/v1/session", {{"Cookie", pair}})->status, 204);
  EXPECT_EQ(c.Get("/api/v1/session", {{"Cookie", pair}})->status, 401);
}

TEST(ApiTest, WithoutSessionTheApiIs401) {
  auto r = Env().Client().Get("/api/v1/indicators?from=2025-01-01&to=2026-01-01");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(Body(r)["error"]["code"], "unauthenticated");
}

TEST(ApiTest, IndicatorsEqualThoseOfTheStatsService) {
  const std::string query = "/api/v1/indicators?division=" + Env().county.ToString() +
                            "&from=2024-01-01&to=2026-01-01&by=year&children=true";
  auto r = Env().Client().Get(query, Env().As("county"));
  ASSERT_EQ(r->status, 200) << r->body;
  services::StatsRequest request{Env().county, true, *Date::Parse("2024-01-01"), *Date::Parse("2026-01-01"),
                                 analytics::PeriodSplit::kYear, {}};
  const std::string expected = Env().live->Read(
      [&](const analytics::Snapshot& s) { return services::StatsJson(*services::ComputeStats(s, request)); });
  EXPECT_EQ(Body(r), json::parse(expected));
  EXPECT_GE(Body(r)["rows"].size(), 2u);
}

TEST(ApiTest, ARepeatedQuestionIsAnsweredFromTheCacheUntilAnEventArrives) {
  const std::string query = "/api/v1/indicators?division=" + Env().township.ToString() +
                            "&from=2025-01-01&to=2026-01-01&indicators=births,tfr";
  auto first = Env().Client().Get(query, Env().As("township"));
  ASSERT_EQ(first->status, 200);
  const auto before = Env().cache->stats();
  auto second = Env().Client().Get(query, Env().As("township"));
  const auto after = Env().cache->stats();
  EXPECT_EQ(second->body, first->body);
  EXPECT_EQ(after.hits, before.hits + 1);
  EXPECT_EQ(after.misses, before.misses);
}

TEST(ApiTest, PyramidAndLifeTableAreThoseOfTheStatsService) {
  const Date from = *Date::Parse("2023-01-01"), to = *Date::Parse("2026-01-01");
  auto p = Env().Client().Get("/api/v1/pyramid?from=2023-01-01&to=2026-01-01&on=2025-06-30", Env().As("county"));
  ASSERT_EQ(p->status, 200) << p->body;
  auto rows = Env().live->Read([&](const analytics::Snapshot& s) {
    return *services::ComputePyramid(s, Env().county, from, to, *Date::Parse("2025-06-30"));
  });
  ASSERT_EQ(Body(p)["rows"].size(), rows.size());
  double total = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(Body(p)["rows"][i]["male"].get<double>(), rows[i].male);
    EXPECT_EQ(Body(p)["rows"][i]["female"].get<double>(), rows[i].female);
    total += rows[i].male + rows[i].female;
  }
  EXPECT_GT(total, 100);
  auto lt = Env().Client().Get("/api/v1/lifetable?from=2023-01-01&to=2026-01-01&sex=f", Env().As("admin"));
  ASSERT_EQ(lt->status, 200) << lt->body;
  auto table = Env().live->Read([&](const analytics::Snapshot& s) {
    return *services::ComputeLifeTable(s, *DivisionCode::Parse("141000000000"), from, to, Sex::kFemale);
  });
  ASSERT_EQ(Body(lt)["rows"].size(), table.size());
  EXPECT_EQ(Body(lt)["rows"][0]["ex"].get<double>(), table[0].ex);
  EXPECT_EQ(Env().Client().Get("/api/v1/lifetable?from=2023-01-01&to=2026-01-01&sex=x", Env().As("admin"))->status, 400);
}

TEST(ApiTest, OutsideTheJurisdictionIs403AndAudited) {
  auto r = Env().Client().Get("/api/v1/indicators?division=" + Env().other_village.ToString() +
                                  "&from=2025-01-01&to=2026-01-01",
                              Env().As("village"));
  ASSERT_EQ(r->status, 403) << r->body;
  EXPECT_EQ(Body(r)["error"]["code"], "permission_denied");
  const std::string other = PersonIn(Env().other_village);
  ASSERT_FALSE(other.empty());
  auto p = Env().Client().Get("/api/v1/persons/" + other, Env().As("village"));
  ASSERT_EQ(p->status, 403) << p->body;
  auto entries = Env().audit->List(0, 100000);
  int forbidden = 0;
  for (const auto& e : *entries) forbidden += e.entry.action == "forbidden" && e.entry.actor == "village";
  EXPECT_GE(forbidden, 2);
}

TEST(ApiTest, PersonRecordIsMaskedForVillageWorkersAndNotForTheCityAdministrator) {
  const std::string id = PersonIn(Env().village);
  ASSERT_FALSE(id.empty());
  auto masked = Env().Client().Get("/api/v1/persons/" + id, Env().As("village"));
  ASSERT_EQ(masked->status, 200) << masked->body;
  auto full = Env().Client().Get("/api/v1/persons/" + id, Env().As("admin"));
  ASSERT_EQ(full->status, 200);
  const std::string cid = Body(full)["person"]["citizen_id"].get<std::string>();
  ASSERT_EQ(cid.size(), 18u);
  const std::string shown = Body(masked)["person"]["citizen_id"].get<std::string>();
  EXPECT_NE(shown, cid);
  EXPECT_NE(shown.find('*'), std::string::npos);
  EXPECT_FALSE(Body(full)["events"].empty());
  // Found by citizen id too, masked the same way.
  auto search = Env().Client().Get("/api/v1/persons?q=" + cid, Env().As("village"));
  ASSERT_EQ(search->status, 200);
  ASSERT_EQ(Body(search)["persons"].size(), 1u);
  EXPECT_EQ(Body(search)["persons"][0]["citizen_id"], shown);
  // An analyst sees aggregates only.
  EXPECT_EQ(Env().Client().Get("/api/v1/persons/" + id, Env().As("analyst"))->status, 403);
}

TEST(ApiTest, ARegisteredBirthCountsAtOnce) {
  const std::string mother = MotherIn(Env().village);
  ASSERT_FALSE(mother.empty());
  const double before = Births("village", Env().village);
  const double county_before = Births("county", Env().county);
  auto births = Env().pool->Read([&](store::Store& s) { return s.BirthsOfMother(mother); });
  ASSERT_TRUE(births);
  json body = {{"type", "birth"},          {"date", "2025-12-20"},
               {"division", Env().village.ToString()}, {"mother_id", mother},
               {"birth_order", static_cast<int>(births->size()) + 1},
               {"child", {{"name", "测试婴儿"}, {"sex", 2}}}};
  auto r = Env().Client().Post("/api/v1/events", Env().As("village"), body.dump(), "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string child = Body(r)["person_id"].get<std::string>();
  EXPECT_GT(Body(r)["seq"].get<int64_t>(), 0);
  // The answer comes once the snapshot has the event: the writer's very next read counts it.
  EXPECT_EQ(Births("village", Env().village), before + 1);
  // Everyone else sees it within a second (a kept answer may be up to 0.5 s old).
  const auto start = std::chrono::steady_clock::now();
  double county_now = Births("county", Env().county);
  while (county_now != county_before + 1 && std::chrono::steady_clock::now() - start < std::chrono::seconds(1)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    county_now = Births("county", Env().county);
  }
  EXPECT_EQ(county_now, county_before + 1);
  auto record = Env().Client().Get("/api/v1/persons/" + child, Env().As("village"));
  ASSERT_EQ(record->status, 200) << record->body;
  EXPECT_EQ(Body(record)["person"]["name"], "测试婴儿");
  EXPECT_EQ(Body(record)["residence"]["code"], Env().village.ToString());
  EXPECT_EQ(Body(record)["events"][0]["type"], "birth");
}

// Sends a body to POST /api/v1/events as the village worker.
httplib::Result PostEvent(const std::string& body) {
  return Env().Client().Post("/api/v1/events", Env().As("village"), body, "application/json");
}

TEST(ApiTest, BadEventBodiesAre4xxNamingTheFieldAndWriteNothing) {
  const int64_t events_before = Env().pool->Read([](store::Store& s) { return s.GetSummary()->events; });
  const int64_t persons_before = Env().pool->Read([](store::Store& s) { return s.PersonsUpperBound().value(); });
  const std::string person = PersonIn(Env().village);
  const std::string v = Env().village.ToString();
  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  const Case cases[] = {
      {"{not json", 400, "body"},
      {"[1,2]", 400, "body"},
      {R"({"type":"death","date":"2025-12-01","division":")" + v + R"(","person_id":")" + person +
           R"(","colour":"red"})",
       400, "colour"},
      {R"({"type":"death","date":{"y":2025},"division":")" + v + R"(","person_id":")" + person + R"("})", 400, "date"},
      {R"({"type":"death","date":"2025-13-01","division":")" + v + R"(","person_id":")" + person + R"("})", 422, "date"},
      {R"({"type":"death","date":"2025-12-01","division":")" + Env().other_village.ToString() +
           R"(","person_id":")" + person + R"("})",
       422, "division"},
      {R"({"type":"birth","date":"2025-12-01","division":")" + v + R"(","child":{"name":"甲","sex":2,"eyes":"x"}})",
       400, "child.eyes"},
      {R"({"type":"birth","date":"2025-12-01","division":")" + v + R"(","birth_order":1,"child":{"name":"甲"}})", 422,
       "child.sex"},
      {R"({"type":"death","date":"2025-12-01","division":")" + v + R"(","person_id":"NOBODY-HERE"})", 422,
       "person_id"},
      {R"({"type":"death","date":"2025-12-01","division":")" + v + R"(","person_id":")" + person +
           R"(","maternal":[1]})",
       400, "maternal"},
  };
  for (const Case& c : cases) {
    auto r = PostEvent(c.body);
    ASSERT_TRUE(r) << c.body;
    EXPECT_EQ(r->status, c.status) << c.body << " → " << r->body;
    json j = Body(r);
    ASSERT_TRUE(j.is_object()) << r->body;
    EXPECT_EQ(j["error"]["field"], c.field) << c.body << " → " << r->body;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty());
    if (c.status == 422) {
      bool named = false;
      for (const auto& d : j["error"]["details"]) named = named || d["field"] == c.field;
      EXPECT_TRUE(named) << r->body;
    }
  }
  // Too large: 413 before anything is parsed.
  auto big = PostEvent(R"({"cause":")" + std::string(20000, 'x') + R"("})");
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(Body(big)["error"]["field"], "body");
  EXPECT_EQ(Env().pool->Read([](store::Store& s) { return s.GetSummary()->events; }), events_before);
  EXPECT_EQ(Env().pool->Read([](store::Store& s) { return s.PersonsUpperBound().value(); }), persons_before);
}

TEST(ApiTest, UnknownEndpointsAndMethodsAreJsonErrors) {
  auto r = Env().Client().Get("/api/v1/nothing-here", Env().As("admin"));
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(Body(r)["error"]["code"], "not_found");
  auto m = Env().Client().Delete("/api/v1/indicators", Env().As("admin"));
  EXPECT_EQ(m->status, 405);
  auto q = Env().Client().Get("/api/v1/indicators?from=2025-02-30&to=2026-01-01", Env().As("admin"));
  EXPECT_EQ(q->status, 400);
  EXPECT_EQ(Body(q)["error"]["field"], "from");
}

// Polls an import job until it is done or failed.
json WaitForImport(const std::string& user, int64_t id) {
  for (int i = 0; i < 200; ++i) {
    auto r = Env().Client().Get("/api/v1/imports/" + std::to_string(id), Env().As(user));
    EXPECT_EQ(r->status, 200) << r->body;
    json j = Body(r);
    if (j["status"] == "done" || j["status"] == "failed") return j;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return {};
}

TEST(ApiTest, AnImportReportsEveryRejectedRowAndFeedersImportOnlyTheirSource) {
  const std::string person = PersonIn(Env().village);
  ASSERT_FALSE(person.empty());
  const std::string v = Env().village.ToString();
  const std::string csv =
      "event_id,source,type,date,recorded_at,person_id,division\n"
      "H-API-1,health,death,2025-11-02,2025-11-05T09:00:00+08:00," + person + "," + v + "\n"
      "H-API-2,health,death,2025-11-31,2025-12-01T09:00:00+08:00," + person + "," + v + "\n";
  auto denied = Env().Client().Post("/api/v1/imports?source=public_security&filename=d.csv", Env().As("feeder"), csv,
                                    "text/csv");
  EXPECT_EQ(denied->status, 403);
  EXPECT_EQ(Body(denied)["error"]["field"], "source");
  auto r = Env().Client().Post("/api/v1/imports?source=health&filename=deaths.csv", Env().As("feeder"), csv,
                               "text/csv");
  ASSERT_EQ(r->status, 202) << r->body;
  json job = WaitForImport("feeder", Body(r)["id"].get<int64_t>());
  ASSERT_EQ(job["status"], "done") << job.dump();
  EXPECT_EQ(job["report"]["counts"]["events_loaded"], 1);
  EXPECT_EQ(job["report"]["counts"]["rejected"], 1);
  EXPECT_EQ(job["report"]["rejected"][0]["line"], 3);
  EXPECT_EQ(job["report"]["rejected"][0]["file"], "deaths.csv");  // as uploaded, not the kept copy's path
  EXPECT_FALSE(job["report"]["rejected"][0]["reasons"].empty());
  // Another user does not see the job.
  EXPECT_EQ(Env().Client().Get("/api/v1/imports/" + std::to_string(job["id"].get<int64_t>()), Env().As("county"))->status,
            404);
  // The dead person is no longer counted as living in the village.
  auto record = Env().Client().Get("/api/v1/persons/" + person, Env().As("admin"));
  EXPECT_FALSE(Body(record)["alive"].get<bool>());
}

TEST(ApiTest, DataQualityAndDivisions) {
  auto q = Env().Client().Get("/api/v1/quality?division=" + Env().county.ToString() + "&from=2025-01-01&to=2026-01-01",
                              Env().As("county"));
  ASSERT_EQ(q->status, 200) << q->body;
  EXPECT_FALSE(Body(q)["rows"].empty());
  EXPECT_EQ(Body(q)["months"].size(), 12u);
  auto d = Env().Client().Get("/api/v1/divisions/" + Env().village.ToString(), Env().As("village"));
  ASSERT_EQ(d->status, 200);
  EXPECT_EQ(Body(d)["path"].size(), 5u);  // province, city, county, township, village
  EXPECT_EQ(Body(d)["path"][1]["code"], "141000000000");
  EXPECT_EQ(Body(d)["path"][4]["code"], Env().village.ToString());
  auto c = Env().Client().Get("/api/v1/divisions/141000000000/children", Env().As("admin"));
  EXPECT_EQ(Body(c)["children"].size(), 17u);
  auto map = Env().Client().Get("/api/v1/geo/counties", Env().As("analyst"));
  ASSERT_EQ(map->status, 200);
  EXPECT_EQ(Body(map)["features"].size(), 17u);
}

}  // namespace
}  // namespace junheng::http
