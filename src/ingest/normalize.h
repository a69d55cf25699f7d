// ingest/normalize.h: names and text in one canonical form, for record linkage.
//
// Two departments write the same name differently: traditional or simplified
// characters, full-width Latin letters, spaces, and half a dozen middle dots in
// transliterated minority and foreign names (阿依古丽·买买提). Linkage compares names
// after NormalizeName, which makes those spellings equal.
//
// Thread-safe. The OpenCC converter is loaded once, and each thread asks it about
// each character once (a flat table of what every character becomes).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace junheng::ingest {

// Loads the OpenCC traditional→simplified table (/usr/share/opencc/t2s.json). Called
// by NormalizeName on first use; call it at start to learn whether it worked: on
// failure names are still normalised but traditional characters stay as they are,
// and the returned Error (the same every call) says why.
Status InitNameNormalizer();

// The linkage form of a name:
//   - traditional Chinese → simplified (OpenCC t2s): 張偉 → 张伟;
//   - full-width ASCII (U+FF01..U+FF5E) → half-width: Ｌｉ → Li;
//   - every space removed: ASCII blanks, U+3000 and other Unicode spaces, zero-width;
//   - middle dots · • ・ ‧ ･ ∙ (U+00B7 U+2022 U+30FB U+2027 U+FF65 U+2219) → U+00B7;
//   - Latin letters upper-cased: Li → LI.
std::string NormalizeName(std::string_view name);

// The same without removing spaces between words (runs of spaces become one ASCII
// space, ends trimmed) and without upper-casing: for addresses and free text.
std::string NormalizeText(std::string_view text);

}  // namespace junheng::ingest
