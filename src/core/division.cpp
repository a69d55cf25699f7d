#include "core/division.h"

#include <fmt/format.h>

#include <algorithm>

namespace junheng {
namespace {
// Multipliers that isolate each level's digits: a province keeps the first 2
// digits, so its lower 10 are zero, and so on.
constexpr uint64_t kScale[] = {0, 10'000'000'000ULL, 100'000'000ULL, 1'000'000ULL, 1'000ULL, 1ULL};
}  // namespace

Result<DivisionCode> DivisionCode::Parse(std::string_view text) {
  if (text.size() != 12 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("\"{}\" is not a 12-digit division code", text));
  uint64_t v = 0;
  for (char c : text) v = v * 10 + static_cast<uint64_t>(c - '0');
  if (v / kScale[1] == 0)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("\"{}\" has no province part", text));
  return DivisionCode(v);
}

std::string DivisionCode::ToString() const { return fmt::format("{:012}", value_); }

DivisionLevel DivisionCode::level() const {
  for (int l = 1; l <= 4; ++l)
    if (value_ % kScale[l] == 0) return static_cast<DivisionLevel>(l);
  return DivisionLevel::kVillage;
}

DivisionCode DivisionCode::parent() const {
  const int l = static_cast<int>(level());
  if (l <= 1) return DivisionCode();
  return DivisionCode(value_ / kScale[l - 1] * kScale[l - 1]);
}

DivisionCode DivisionCode::AncestorAt(DivisionLevel level) const {
  const int l = static_cast<int>(level);
  if (l >= static_cast<int>(this->level())) return *this;
  return DivisionCode(value_ / kScale[l] * kScale[l]);
}

uint64_t DivisionCode::RangeLast() const {
  const int l = static_cast<int>(level());
  return value_ + kScale[l] - 1;
}

bool DivisionCode::Contains(DivisionCode other) const {
  return other.value_ >= RangeFirst() && other.value_ <= RangeLast();
}

Result<DivisionTree> DivisionTree::Build(std::vector<Division> divisions) {
  DivisionTree tree;
  std::sort(divisions.begin(), divisions.end(),
            [](const Division& a, const Division& b) { return a.code < b.code; });
  tree.divisions_ = std::move(divisions);
  tree.index_.reserve(tree.divisions_.size());
  for (size_t i = 0; i < tree.divisions_.size(); ++i) {
    if (!tree.index_.emplace(tree.divisions_[i].code.value(), i).second)
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("division {} appears twice", tree.divisions_[i].code.ToString()));
  }
  for (const Division& d : tree.divisions_) {
    if (d.level != d.code.level())
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("division {} {} has level {} but its code is of level {}",
                              d.code.ToString(), d.name, static_cast<int>(d.level),
                              static_cast<int>(d.code.level())));
    if (d.parent.empty()) continue;
    const Division* p = tree.Find(d.parent);
    if (p == nullptr)
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("division {} {} names parent {}, which is not in the list",
                              d.code.ToString(), d.name, d.parent.ToString()));
    // The parent is the unit one level up: a village names its township, not the
    // county, or Children() and the level counts of a subtree would disagree.
    if (!p->code.Contains(d.code) || static_cast<int>(p->level) + 1 != static_cast<int>(d.level))
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("division {} {} cannot lie inside {} {}", d.code.ToString(), d.name,
                              p->code.ToString(), p->name));
  }
  return tree;
}

const Division* DivisionTree::Find(DivisionCode code) const {
  auto it = index_.find(code.value());
  return it == index_.end() ? nullptr : &divisions_[it->second];
}

std::vector<const Division*> DivisionTree::Children(DivisionCode code) const {
  std::vector<const Division*> out;
  for (const Division& d : divisions_)
    if (d.parent == code) out.push_back(&d);
  return out;
}

std::vector<const Division*> DivisionTree::AtLevel(DivisionLevel level) const {
  std::vector<const Division*> out;
  for (const Division& d : divisions_)
    if (d.level == level) out.push_back(&d);
  return out;
}

}  // namespace junheng
