// fuzz/division_code_fuzzer.cpp: DivisionCode::Parse (core/division.h).
//
// A code that parses prints back as the same 12 digits, lies inside its parent and
// its ancestors, is the first code of its own range, and its parent parses too.
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "core/division.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace junheng;
  const std::string_view text = fuzz::AsText(data, size);
  auto code = DivisionCode::Parse(text);
  if (!code) {
    FUZZ_CHECK(!code.error().message.empty(), "a refusal without a message");
    return 0;
  }
  const std::string s = code->ToString();
  FUZZ_CHECK(s == text, fmt::format("\"{}\" prints back as {}", text, s));
  FUZZ_CHECK(!code->empty(), "a parsed code is empty: " + s);
  FUZZ_CHECK(code->RangeFirst() == code->value() && code->RangeLast() >= code->value(), "bad range: " + s);
  FUZZ_CHECK(code->CountyPart() == s.substr(0, 6), "county part: " + s);
  const int level = static_cast<int>(code->level());
  FUZZ_CHECK(level >= 1 && level <= 5, "level out of 1..5: " + s);
  for (int l = 1; l <= 5; ++l) {
    const DivisionCode a = code->AncestorAt(static_cast<DivisionLevel>(l));
    FUZZ_CHECK(a.Contains(*code), fmt::format("{}'s ancestor at level {} does not contain it", s, l));
    FUZZ_CHECK(a.RangeLast() >= code->RangeLast(), fmt::format("{}'s range leaves its ancestor at {}", s, l));
    if (l >= level) FUZZ_CHECK(a == *code, fmt::format("{} at its own level {} is not itself", s, l));
  }
  const DivisionCode parent = code->parent();
  if (level == 1) {
    FUZZ_CHECK(parent.empty(), "a province has a parent: " + s);
  } else {
    FUZZ_CHECK(parent.Contains(*code) && parent != *code, "the parent does not contain the code: " + s);
    FUZZ_CHECK(static_cast<int>(parent.level()) < level, "the parent is not higher: " + s);
    auto p = DivisionCode::Parse(parent.ToString());
    FUZZ_CHECK(p && *p == parent, "the parent does not parse: " + parent.ToString());
  }
  return 0;
}
