// junheng persons show
#include <fmt/format.h>

#include "app/commands.h"
#include "app/context.h"
#include "core/citizen_id.h"

namespace junheng::app {
namespace {

// Pads to `width` terminal columns; a CJK character takes two.
std::string PadToWidth(std::string_view text, int width) {
  int columns = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    columns += c >= 0xE0 ? 2 : 1;      // 3- and 4-byte sequences here are CJK
  }
  std::string out(text);
  if (columns < width) out.append(static_cast<size_t>(width - columns), ' ');
  return out;
}

std::string SexText(Sex s) { return s == Sex::kMale ? "1 男 male" : s == Sex::kFemale ? "2 女 female" : ""; }

void ShowPerson(const std::string& db, const std::string& id, bool unmask) {
  auto store = OpenStore(db, false);
  std::string person_id = id;
  if (auto cid = ParseCitizenId(id); cid) {
    auto ids = OrDie(store->FindByCitizenId(cid->number));
    if (ids.size() > 1)
      throw CommandError(fmt::format("{} persons share this citizen id: {}; show them by person_id", ids.size(),
                                     fmt::join(ids, ", ")));
    if (ids.size() == 1) person_id = ids[0];
  }
  auto person = OrDie(store->FindPerson(person_id));
  if (!person) throw CommandError(fmt::format("no person with person_id or citizen id {}", id));
  const Person& p = *person;
  auto row = [](std::string_view label, std::string_view value) {
    if (!value.empty()) fmt::print("  {}{}\n", PadToWidth(label, 26), value);
  };
  fmt::print("Person {}\n", p.person_id);
  row("姓名 name", p.name);
  row("公民身份号码 citizen id", unmask ? p.citizen_id : MaskCitizenId(p.citizen_id));
  row("性别 sex", SexText(p.sex));
  row("出生日期 birth date", p.birth_date.ToString());
  row("民族 ethnicity", p.ethnicity);
  row("户籍地 hukou", p.hukou_division.empty() ? "" : p.hukou_division.ToString());
  row("母亲 mother", p.mother_id);
  row("父亲 father", p.father_id);
  row("户 household", p.household_id);
  row("电话 phone", unmask ? p.phone : MaskPhone(p.phone));
  auto events = OrDie(store->EventsOfPerson(p.person_id));
  fmt::print("Events ({}; recorded times are Beijing time)\n", events.size());
  for (const auto& se : events) {
    const Event& e = se.event;
    std::string extra;
    if (e.type == EventType::kBirth)
      extra = fmt::format(" mother={} order={}", e.mother_id.empty() ? "?" : e.mother_id, e.birth_order);
    if (!e.other_place.empty()) extra += fmt::format(" other_place={}", e.other_place);
    if (!e.cause.empty()) extra += fmt::format(" cause={}", e.cause);
    if (e.maternal == 1) extra += " maternal";
    fmt::print("  #{:<9} {} {:<9} {} {}/{} recorded {}{}\n", se.seq, e.date.ToString(), EventTypeName(e.type),
               e.division.ToString(), e.source, e.event_id, e.recorded_at.ToShanghaiString(), extra);
  }
}

}  // namespace

void AddPersonsCommands(CLI::App& app) {
  auto* persons = app.add_subcommand("persons", "Look up persons in the register");
  persons->require_subcommand(1);
  auto* show = persons->add_subcommand("show", "Show one person's record and events");
  auto db = std::make_shared<std::string>();
  auto id = std::make_shared<std::string>();
  auto unmask = std::make_shared<bool>(false);
  show->add_option("--db", *db, "Register: a SQLite file or a postgresql:// URI")->required();
  show->add_option("id", *id, "person_id or 18-character citizen id")->required();
  show->add_flag("--unmask", *unmask, "Show the full citizen id and phone number");
  show->callback([db, id, unmask] { ShowPerson(*db, *id, *unmask); });
}

}  // namespace junheng::app
