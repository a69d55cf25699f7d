// fuzz/citizen_id_fuzzer.cpp: ParseCitizenId (core/citizen_id.h) and the masks.
//
// A number that parses is 18 characters, has the ISO 7064 MOD 11-2 check character
// of its first 17 digits, encodes the birth date and sex it was parsed into, and
// parses again to the same value (normalised numbers are fixed points).
#include <cstdint>
#include <string>

#include "core/citizen_id.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace junheng;
  const std::string_view text = fuzz::AsText(data, size);
  // Masks take any text (a stored value may be of any length) and keep its length.
  FUZZ_CHECK(MaskCitizenId(text).size() == text.size(), "the citizen id mask changes the length");
  FUZZ_CHECK(MaskPhone(text).size() == text.size(), "the phone mask changes the length");

  auto id = ParseCitizenId(text);
  if (!id) {
    FUZZ_CHECK(!id.error().message.empty(), "a refusal without a message");
    return 0;
  }
  const std::string& n = id->number;
  FUZZ_CHECK(n.size() == 18, "a parsed id is not 18 characters: " + n);
  for (size_t i = 0; i < 17; ++i) FUZZ_CHECK(n[i] >= '0' && n[i] <= '9', "a non-digit in the first 17: " + n);
  FUZZ_CHECK(CitizenIdCheckChar(std::string_view(n).substr(0, 17)) == n[17], "wrong check character: " + n);
  for (size_t i = 0; i < 18; ++i)
    FUZZ_CHECK(n[i] == text[i] || (i == 17 && text[i] == 'x' && n[i] == 'X'), "the number is not the input: " + n);
  auto birth = Date::ParseCompact(std::string_view(n).substr(6, 8));
  FUZZ_CHECK(birth && *birth == id->birth_date, "the birth date is not digits 7-14: " + n);
  FUZZ_CHECK(id->sex == ((n[16] - '0') % 2 == 1 ? Sex::kMale : Sex::kFemale), "the sex is not digit 17's parity: " + n);
  auto again = ParseCitizenId(n);
  FUZZ_CHECK(again && again->number == n && again->birth_date == id->birth_date && again->sex == id->sex,
             "the normalised number does not parse to itself: " + n);
  return 0;
}
