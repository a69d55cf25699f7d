#include "ingest/pending_events.h"

#include <cstring>

namespace junheng::ingest {
namespace {

constexpr size_t kBlock = size_t{1} << 20;

// The fixed part of a record; the strings follow in kStrings order.
struct Fixed {
  int64_t recorded_at;
  uint64_t division;
  int64_t line;
  uint32_t file;
  int32_t date;
  int32_t birth_order, plurality, weight_g, gestation_weeks;
  int32_t link_birth;  // days; INT32_MIN: none
  uint8_t type;
  int8_t maternal;
  uint8_t link_sex;
};

constexpr int kStrings = 11;  // 10 fields and the raw text

void Strings(const Event& e, std::string_view raw, std::string_view (&out)[kStrings]) {
  out[0] = e.event_id;
  out[1] = e.source;
  out[2] = e.person_id;
  out[3] = e.other_place;
  out[4] = e.mother_id;
  out[5] = e.father_id;
  out[6] = e.spouse_id;
  out[7] = e.cause;
  out[8] = e.link.citizen_id;
  out[9] = e.link.name;
  out[10] = raw;
}

size_t VarintSize(size_t n) {
  size_t bytes = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++bytes;
  }
  return bytes;
}

char* PutVarint(char* at, size_t n) {
  while (n >= 0x80) {
    *at++ = static_cast<char>((n & 0x7f) | 0x80);
    n >>= 7;
  }
  *at++ = static_cast<char>(n);
  return at;
}

const char* GetVarint(const char* at, size_t& n) {
  n = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<uint8_t>(*at++);
    n |= static_cast<size_t>(byte & 0x7f) << shift;
    if (byte < 0x80) return at;
  }
}

}  // namespace

char* PendingEvents::Room(size_t bytes) {
  if (bytes > kBlock / 4) return big_.emplace_back(bytes, '\0').data();  // a rare long row
  if (blocks_.empty() || used_ + bytes > kBlock) {
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlock));
    used_ = 0;
  }
  char* at = blocks_.back().get() + used_;
  used_ += bytes;
  return at;
}

void PendingEvents::Add(const Event& e, uint32_t file, int64_t line, std::string_view raw) {
  std::string_view strings[kStrings];
  Strings(e, raw, strings);
  size_t bytes = sizeof(Fixed);
  for (std::string_view s : strings) bytes += VarintSize(s.size()) + s.size();
  char* at = Room(bytes);
  records_.push_back(at);
  const Fixed fixed{e.recorded_at.seconds,
                    e.division.value(),
                    line,
                    file,
                    e.date.days(),
                    e.birth_order,
                    e.plurality,
                    e.weight_g,
                    e.gestation_weeks,
                    e.link.birth_date ? e.link.birth_date->days() : INT32_MIN,
                    static_cast<uint8_t>(e.type),
                    e.maternal,
                    static_cast<uint8_t>(e.link.sex)};
  std::memcpy(at, &fixed, sizeof fixed);
  at += sizeof fixed;
  for (std::string_view s : strings) {
    at = PutVarint(at, s.size());
    std::memcpy(at, s.data(), s.size());
    at += s.size();
  }
}

int64_t PendingEvents::OrderKey(size_t i) const {
  Fixed fixed;
  std::memcpy(&fixed, records_[i], sizeof fixed);
  return static_cast<int64_t>(fixed.date) * 16 + SameDayRank(static_cast<EventType>(fixed.type));
}

PendingEvents::Origin PendingEvents::Get(size_t i, Event& e) const {
  const char* at = records_[i];
  Fixed fixed;
  std::memcpy(&fixed, at, sizeof fixed);
  at += sizeof fixed;
  e.recorded_at = Timestamp{fixed.recorded_at};
  e.division = DivisionCode::FromValue(fixed.division);
  e.date = Date::FromDays(fixed.date);
  e.birth_order = fixed.birth_order;
  e.plurality = fixed.plurality;
  e.weight_g = fixed.weight_g;
  e.gestation_weeks = fixed.gestation_weeks;
  e.type = static_cast<EventType>(fixed.type);
  e.maternal = fixed.maternal;
  e.link.sex = static_cast<Sex>(fixed.link_sex);
  e.link.birth_date.reset();
  if (fixed.link_birth != INT32_MIN) e.link.birth_date = Date::FromDays(fixed.link_birth);
  std::string* fields[] = {&e.event_id,  &e.source,    &e.person_id, &e.other_place,       &e.mother_id,
                           &e.father_id, &e.spouse_id, &e.cause,     &e.link.citizen_id,   &e.link.name};
  for (std::string* f : fields) {
    size_t n;
    at = GetVarint(at, n);
    f->assign(at, n);
    at += n;
  }
  size_t n;
  at = GetVarint(at, n);
  return Origin{fixed.file, fixed.line, std::string_view(at, n)};
}

}  // namespace junheng::ingest
