// core/citizen_id.h: GB 11643-1999 citizen identity numbers (18 characters).
//
// Layout: 6-digit address code, 8-digit birth date YYYYMMDD, 3-digit sequence
// (odd for men, even for women), and a check character computed with
// ISO 7064 MOD 11-2 over the first 17 digits. The address code is not checked
// against today's divisions: codes change, and an old number stays valid.
#pragma once

#include <string>
#include <string_view>

#include "core/date.h"
#include "core/error.h"

namespace junheng {

enum class Sex : uint8_t { kUnknown = 0, kMale = 1, kFemale = 2 };

struct CitizenId {
  std::string number;  // normalised: 18 characters, a final x upper-cased
  Date birth_date;
  Sex sex = Sex::kUnknown;
};

// The check character ('0'..'9' or 'X') for the first 17 digits.
// REQUIRES: `first17` is 17 ASCII digits.
char CitizenIdCheckChar(std::string_view first17);

// Validates format, birth date and check character. The message names the
// first problem found (length, a non-digit, the date, or the check character).
Result<CitizenId> ParseCitizenId(std::string_view text);

// "141002********123X" style mask: keeps the address code and the last four.
std::string MaskCitizenId(std::string_view number);
// "138****5678": keeps the first three and last four digits.
std::string MaskPhone(std::string_view phone);

}  // namespace junheng
