// ingest/linkage.h: record linkage, finding the register's person for a
// department row that carries no person_id.
//
// Rules, in order: (1) the citizen id, normalised, names exactly one person;
// (2) else the normalised name (traditional → simplified, full-width →
// half-width, no spaces; see normalize.h) with birth date and sex names exactly
// one person. Several candidates, or none, or a citizen id that contradicts the
// name match, are never merged automatically: the caller sends the row to the
// review queue with the candidates.
#pragma once

#include <string>
#include <vector>

#include "core/record.h"
#include "store/store.h"

namespace junheng::ingest {

enum class LinkStatus { kMatched, kAmbiguous, kNotFound };

struct LinkResult {
  LinkStatus status = LinkStatus::kNotFound;
  std::string person_id;                // when matched
  std::vector<std::string> candidates;  // when ambiguous
  std::string message;                  // how it matched, or why not
};

Result<LinkResult> LinkPerson(store::Store& store, const LinkKey& key);

}  // namespace junheng::ingest
