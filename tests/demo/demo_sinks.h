// tests/demo/demo_sinks.h: sinks that count, keep and check what the generator emits.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/record.h"
#include "demo/demo.h"

namespace junheng::demo {

inline DemoOptions TestOptions(double scale, uint64_t seed = 1) {
  DemoOptions o;
  o.scale = scale;
  o.seed = seed;
  o.today = Date::FromDays(DaysFromCivil(2025, 12, 31));
  o.data_dir = JUNHENG_DATA_DIR;
  return o;
}

// Checks every record on its own (ParsePerson/ParseEvent via ToFields) and the
// sequence rules of the Sink contract and of a possible life; keeps the failures.
class CheckingSink : public Sink {
 public:
  explicit CheckingSink(Date today) : today_(today) {}
  std::vector<std::string> problems;
  std::map<std::string, int64_t> births_by_county_sex;  // "141033/1"
  std::unordered_map<std::string, Person> persons;
  int64_t events = 0;
  std::vector<std::string> batches;

  void Problem(std::string s) {
    if (problems.size() < 50) problems.push_back(std::move(s));
  }
  Status OnDivisions(const std::vector<Division>& d) override {
    divisions_ = d.size();
    return {};
  }
  Status OnPerson(const Person& p) override {
    ParseOptions po{today_, ""};
    auto parsed = ParsePerson(ToFields(p, storage_), po);
    for (const auto& r : parsed.reasons) Problem("person " + p.person_id + ": " + r.code + " " + r.message);
    if (persons.count(p.person_id)) Problem("duplicate person " + p.person_id);
    if (!p.citizen_id.empty() && !ids_.insert(p.citizen_id).second) Problem("duplicate citizen id " + p.citizen_id);
    if (!p.mother_id.empty() && !persons.count(p.mother_id)) Problem("mother after child " + p.person_id);
    if (!p.father_id.empty() && !persons.count(p.father_id)) Problem("father after child " + p.person_id);
    persons.emplace(p.person_id, p);
    return {};
  }
  Status OnEvent(const Event& e) override {
    ++events;
    ParseOptions po{today_, ""};
    auto parsed = ParseEvent(ToFields(e, storage_), po);
    for (const auto& r : parsed.reasons) Problem("event " + e.event_id + ": " + r.code + " " + r.message);
    if (!event_ids_.insert(e.source + "/" + e.event_id).second) Problem("duplicate event id " + e.event_id);
    const auto key = std::make_pair(e.date, SameDayRank(e.type));
    if (key < last_) Problem("event out of order " + e.event_id);
    last_ = key;
    if (!persons.count(e.person_id)) Problem("event before person " + e.event_id);
    Life& life = lives_[e.person_id];
    if (life.exited) Problem("event after exit " + e.event_id);
    if (IsEntry(e.type)) {
      if (life.resident) Problem("entry while resident " + e.event_id);
      life.resident = true;
    } else if (!life.resident) {
      Problem("event while not resident " + e.event_id);
    }
    if (IsExit(e.type)) { life.resident = false; life.exited = true; }
    if (e.type == EventType::kBirth) {
      const Person& child = persons[e.person_id];
      if (child.birth_date != e.date) Problem("birth date differs " + e.event_id);
      auto mit = persons.find(e.mother_id);
      if (mit == persons.end()) {
        Problem("birth without mother " + e.event_id);
      } else {
        const int age = AgeInYears(mit->second.birth_date, e.date);
        if (age < 15 || age > 49) Problem("mother aged " + std::to_string(age) + " " + e.event_id);
        if (!lives_[e.mother_id].resident) Problem("mother not resident " + e.event_id);
        Life& m = lives_[e.mother_id];
        if (e.birth_order <= m.last_order) Problem("birth order not increasing " + e.event_id);
        m.last_order = e.birth_order;
      }
      ++births_by_county_sex[e.division.CountyPart() + "/" + std::to_string(static_cast<int>(child.sex))];
    }
    return {};
  }
  Status OnBatchEnd(std::string_view label) override {
    batches.emplace_back(label);
    return {};
  }
  size_t divisions() const { return divisions_; }

 private:
  struct Life {
    bool resident = false, exited = false;
    int last_order = 0;
  };
  Date today_;
  size_t divisions_ = 0;
  std::array<std::string, kFieldCount> storage_;
  std::unordered_set<std::string> ids_, event_ids_;
  std::unordered_map<std::string, Life> lives_;
  std::pair<Date, int> last_{Date::FromDays(-100000), 0};
};

// Births by county and sex of the child (whose Person comes just before its birth).
class BirthSexSink : public Sink {
 public:
  std::map<std::string, int64_t> births_by_county_sex;  // "141033/1"
  Status OnDivisions(const std::vector<Division>&) override { return {}; }
  Status OnPerson(const Person& p) override {
    last_sex_ = p.sex;
    return {};
  }
  Status OnEvent(const Event& e) override {
    if (e.type == EventType::kBirth)
      ++births_by_county_sex[e.division.CountyPart() + "/" + std::to_string(static_cast<int>(last_sex_))];
    return {};
  }
  Status OnBatchEnd(std::string_view) override { return {}; }

 private:
  Sex last_sex_ = Sex::kUnknown;
};

// Counts only; a digest of every record for determinism checks.
class DigestSink : public Sink {
 public:
  uint64_t digest = 1469598103934665603ULL;
  int64_t persons = 0, events = 0;
  Status OnDivisions(const std::vector<Division>&) override { return {}; }
  Status OnPerson(const Person& p) override {
    ++persons;
    Mix(ContentHash(p));
    return {};
  }
  Status OnEvent(const Event& e) override {
    ++events;
    Mix(ContentHash(e));
    return {};
  }
  Status OnBatchEnd(std::string_view) override { return {}; }

 private:
  void Mix(uint64_t h) { digest = (digest ^ h) * 1099511628211ULL; }
};

}  // namespace junheng::demo
