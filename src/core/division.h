// core/division.h: 12-digit statistical division codes and the division tree.
//
// A code is province(2) city(2) county(2) township(3) village(3); a higher level
// is zero-padded (the county 尧都区 is 141002000000). Because codes are
// hierarchical, everything inside a unit shares its non-zero prefix, so
// "contains" is a prefix test and every unit is a contiguous range of codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"

namespace junheng {

enum class DivisionLevel : uint8_t {
  kProvince = 1, kCity = 2, kCounty = 3, kTownship = 4, kVillage = 5
};

class DivisionCode {
 public:
  constexpr DivisionCode() = default;
  // Exactly 12 ASCII digits; a province code may not be 00.
  static Result<DivisionCode> Parse(std::string_view text);
  static constexpr DivisionCode FromValue(uint64_t v) { return DivisionCode(v); }

  constexpr uint64_t value() const { return value_; }
  bool empty() const { return value_ == 0; }
  std::string ToString() const;  // 12 digits
  // The level implied by the zero padding.
  DivisionLevel level() const;
  // The enclosing unit (a village's township, ...); empty for a province.
  DivisionCode parent() const;
  // The ancestor at `level` (or this code, if already at or above it).
  DivisionCode AncestorAt(DivisionLevel level) const;
  // True when `other` is this unit or lies inside it.
  bool Contains(DivisionCode other) const;
  // [first, last] codes of the units inside this one, for range scans.
  uint64_t RangeFirst() const { return value_; }
  uint64_t RangeLast() const;
  // The 6-digit county (GB/T 2260) part.
  std::string CountyPart() const { return ToString().substr(0, 6); }

  friend constexpr auto operator<=>(DivisionCode, DivisionCode) = default;

 private:
  constexpr explicit DivisionCode(uint64_t v) : value_(v) {}
  uint64_t value_ = 0;
};

struct Division {
  DivisionCode code;
  std::string name;
  DivisionLevel level = DivisionLevel::kVillage;
  DivisionCode parent;       // empty for the root
  std::string urban_rural;   // 3-digit NBS code or empty
};

// The set of known divisions, with lookups by code.
class DivisionTree {
 public:
  DivisionTree() = default;
  // Fails when a code repeats, a parent is missing, or a level disagrees with the
  // code's padding or with the parent's level.
  static Result<DivisionTree> Build(std::vector<Division> divisions);

  const Division* Find(DivisionCode code) const;
  bool Has(DivisionCode code) const { return Find(code) != nullptr; }
  const std::vector<Division>& all() const { return divisions_; }  // sorted by code
  std::vector<const Division*> Children(DivisionCode code) const;
  // Divisions at one level, sorted by code.
  std::vector<const Division*> AtLevel(DivisionLevel level) const;
  size_t size() const { return divisions_.size(); }

 private:
  std::vector<Division> divisions_;
  std::unordered_map<uint64_t, size_t> index_;
};

}  // namespace junheng
