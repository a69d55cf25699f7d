#include "core/citizen_id.h"

#include <fmt/format.h>

namespace junheng {

char CitizenIdCheckChar(std::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

Result<CitizenId> ParseCitizenId(std::string_view text) {
  if (text.size() == 15)
    return Fail(ErrorCode::kInvalidArgument,
                "citizen id has 15 digits (the old 1989 format); give the 18-character number");
  if (text.size() != 18)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("citizen id must have 18 characters, \"{}\" has {}", text, text.size()));
  for (size_t i = 0; i < 17; ++i)
    if (text[i] < '0' || text[i] > '9')
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("citizen id \"{}\" has a non-digit at position {}", text, i + 1));
  char last = text[17];
  if (last == 'x') last = 'X';
  if (!((last >= '0' && last <= '9') || last == 'X'))
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("citizen id \"{}\" must end in a digit or X", text));
  auto birth = Date::ParseCompact(text.substr(6, 8));
  if (!birth)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("citizen id \"{}\" encodes no valid birth date ({})", text, birth.error().message));
  const char expected = CitizenIdCheckChar(text.substr(0, 17));
  if (expected != last)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("citizen id \"{}\" fails its check character (expected {})", text, expected));
  CitizenId id;
  id.number = std::string(text.substr(0, 17)) + last;
  id.birth_date = *birth;
  id.sex = (text[16] - '0') % 2 == 1 ? Sex::kMale : Sex::kFemale;
  return id;
}

std::string MaskCitizenId(std::string_view number) {
  if (number.size() < 10) return std::string(number.size(), '*');
  return std::string(number.substr(0, 6)) + std::string(number.size() - 10, '*') +
         std::string(number.substr(number.size() - 4));
}

std::string MaskPhone(std::string_view phone) {
  if (phone.size() < 8) return std::string(phone.size(), '*');
  return std::string(phone.substr(0, 3)) + std::string(phone.size() - 7, '*') +
         std::string(phone.substr(phone.size() - 4));
}

}  // namespace junheng
