#include "ingest/linkage.h"

#include <fmt/format.h>

#include "ingest/normalize.h"

namespace junheng::ingest {

Result<LinkResult> LinkPerson(store::Store& store, const LinkKey& key) {
  LinkResult out;
  if (!key.citizen_id.empty()) {
    JH_ASSIGN_OR_RETURN(std::vector<std::string> ids, store.FindByCitizenId(key.citizen_id));
    if (ids.size() == 1) {
      out.status = LinkStatus::kMatched;
      out.person_id = ids[0];
      out.message = "matched by citizen id";
      return out;
    }
    if (ids.size() > 1) {
      out.status = LinkStatus::kAmbiguous;
      out.candidates = std::move(ids);
      out.message = fmt::format("{} persons share this citizen id", out.candidates.size());
      return out;
    }
  }
  if (key.name.empty() || !key.birth_date || key.sex == Sex::kUnknown) {
    out.message = key.citizen_id.empty() ? "no citizen id, and name, birth date and sex are incomplete"
                                         : "no person in the register has this citizen id";
    return out;
  }
  JH_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                      store.FindByNameKey(NormalizeName(key.name), *key.birth_date, key.sex));
  if (ids.empty()) {
    out.message = "no person in the register has this citizen id or this name, birth date and sex";
    return out;
  }
  if (ids.size() > 1) {
    out.status = LinkStatus::kAmbiguous;
    out.candidates = std::move(ids);
    out.message = fmt::format("{} persons have this name, birth date and sex", out.candidates.size());
    return out;
  }
  if (!key.citizen_id.empty()) {
    // The name matches one person but the citizen id matched nobody: if that
    // person has another citizen id, the two records disagree.
    JH_ASSIGN_OR_RETURN(std::optional<Person> p, store.FindPerson(ids[0]));
    if (p && !p->citizen_id.empty() && p->citizen_id != key.citizen_id) {
      out.status = LinkStatus::kAmbiguous;
      out.candidates = std::move(ids);
      out.message = "the name, birth date and sex match a person whose citizen id is different";
      return out;
    }
  }
  out.status = LinkStatus::kMatched;
  out.person_id = ids[0];
  out.message = "matched by name, birth date and sex";
  return out;
}

}  // namespace junheng::ingest
