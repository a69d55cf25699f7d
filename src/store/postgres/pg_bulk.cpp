// The bulk reads: many keys in one statement, as a text[] parameter, in chunks.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "store/postgres/pg_codec.h"
#include "store/postgres/pg_store_impl.h"

namespace junheng::store::postgres {
namespace {

// Keys a statement: a few hundred kB of parameter, and a plan that still
// probes the index once per key.
constexpr size_t kChunk = 5000;

// The distinct storable ids of `ids` (nothing stored holds the others).
std::vector<std::string_view> Distinct(std::span<const std::string> ids) {
  std::vector<std::string_view> out;
  std::unordered_set<std::string_view> seen;
  for (const std::string& id : ids)
    if (!id.empty() && IsStorableText(id) && seen.insert(id).second) out.push_back(id);
  return out;
}

template <typename T, typename Fn>
void InChunks(const std::vector<T>& all, Fn&& fn) {
  for (size_t at = 0; at < all.size(); at += kChunk) {
    fn(std::span<const T>(all.data() + at, std::min(kChunk, all.size() - at)));
  }
}

auto AsIs = [](std::string_view s) { return s; };

}  // namespace

Status PgStore::FindPersons(std::span<const std::string> person_ids, const std::function<void(const Person&)>& fn) {
  const std::vector<std::string_view> ids = Distinct(person_ids);
  if (ids.empty()) return {};
  const std::string sql = fmt::format("SELECT {} FROM persons WHERE person_id = ANY($1::text[])", kPersonColumns);
  std::vector<Person> all;  // `fn` may read the store: called when the statements are done
  JH_RETURN_IF_ERROR(Run("finding persons", [&](pqxx::transaction_base& tx) -> Status {
    Fields f;
    InChunks(ids, [&](std::span<const std::string_view> chunk) {
      for (const pqxx::row& r : tx.exec_params(sql, TextArray(chunk, AsIs))) {
        f.From(r);
        ReadPerson(f, all.emplace_back());
      }
    });
    return {};
  }));
  for (const Person& p : all) fn(p);
  return {};
}

Status PgStore::EventsOfPersons(std::span<const std::string> person_ids,
                                const std::function<void(const StoredEvent&)>& fn) {
  const std::vector<std::string_view> ids = Distinct(person_ids);
  if (ids.empty()) return {};
  const std::string sql = fmt::format(
      "SELECT {0} FROM events WHERE person_id = ANY($1::text[]) "
      "UNION SELECT {0} FROM events WHERE mother_id = ANY($1::text[]) AND type = 'birth'",
      kEventColumns);
  std::vector<StoredEvent> all;
  JH_RETURN_IF_ERROR(Run("reading the events of persons", [&](pqxx::transaction_base& tx) -> Status {
    Fields f;
    InChunks(ids, [&](std::span<const std::string_view> chunk) {
      for (const pqxx::row& r : tx.exec_params(sql, TextArray(chunk, AsIs))) {
        f.From(r);
        ReadEvent(f, all.emplace_back());
      }
    });
    return {};
  }));
  // A birth can come twice: as a child's event in one chunk, its mother's in another.
  VisitEachSeqOnce(all, fn);
  return {};
}

Status PgStore::FindEvents(std::span<const std::pair<std::string, std::string>> keys,
                           const std::function<void(const std::pair<std::string, std::string>& key,
                                                    const EventKey& found)>& fn) {
  std::vector<const std::pair<std::string, std::string>*> wanted;
  std::unordered_set<std::string> seen;
  for (const auto& key : keys) {
    if (!IsStorableText(key.first) || !IsStorableText(key.second)) continue;
    if (seen.insert(EventKeyText(key.first, key.second)).second) wanted.push_back(&key);
  }
  if (wanted.empty()) return {};
  // The row number says which key a row answers.
  const std::string sql =
      "SELECT k.i, e.seq, e.content_hash, e.person_id "
      "FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(source, event_id, i) "
      "JOIN events e ON e.event_id = k.event_id AND e.source = k.source";
  std::vector<std::pair<const std::pair<std::string, std::string>*, EventKey>> all;
  JH_RETURN_IF_ERROR(Run("finding events", [&](pqxx::transaction_base& tx) -> Status {
    InChunks(wanted, [&](std::span<const std::pair<std::string, std::string>* const> chunk) {
      const std::string sources = TextArray(chunk, [](const auto* k) -> std::string_view { return k->first; });
      const std::string event_ids = TextArray(chunk, [](const auto* k) -> std::string_view { return k->second; });
      for (const pqxx::row& r : tx.exec_params(sql, sources, event_ids)) {
        all.emplace_back(chunk[static_cast<size_t>(IntOf(r[0]) - 1)],
                         EventKey{IntOf(r[1]), static_cast<uint64_t>(IntOf(r[2])), std::string(TextOf(r[3]))});
      }
    });
    return {};
  }));
  for (const auto& [key, found] : all) fn(*key, found);
  return {};
}

}  // namespace junheng::store::postgres
