#include "services/password.h"

#include <argon2.h>

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "services/digest.h"

namespace junheng::services {
namespace {

constexpr size_t kMinPassword = 10;
constexpr size_t kMaxPassword = 128;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool ContainsIgnoringCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return false;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return Lower(a) == Lower(b); });
  return it != haystack.end();
}

}  // namespace

Status CheckPasswordRules(std::string_view username, std::string_view password) {
  if (password.size() < kMinPassword || password.size() > kMaxPassword) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("密码长度须为 {}–{} 字节 / the password must be {} to {} bytes long (it is {}).",
                            kMinPassword, kMaxPassword, kMinPassword, kMaxPassword, password.size()));
  }
  const bool letter = std::any_of(password.begin(), password.end(),
                                  [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  const bool digit = std::any_of(password.begin(), password.end(),
                                 [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  if (!letter || !digit) {
    return Fail(ErrorCode::kInvalidArgument,
                "密码须同时包含字母和数字 / the password must contain at least one letter and one digit.");
  }
  if (ContainsIgnoringCase(password, username)) {
    return Fail(ErrorCode::kInvalidArgument,
                "密码不得包含用户名 / the password must not contain the username.");
  }
  return {};
}

Result<std::string> HashPassword(std::string_view password, const PasswordHashing& cost) {
  JH_ASSIGN_OR_RETURN(std::string salt, RandomBytes(kSaltBytes));
  std::string encoded(argon2_encodedlen(cost.time_cost, cost.memory_kib, cost.parallelism, kSaltBytes,
                                        kHashBytes, Argon2_id),
                      '\0');
  const int rc = argon2id_hash_encoded(cost.time_cost, cost.memory_kib, cost.parallelism, password.data(),
                                       password.size(), salt.data(), salt.size(), kHashBytes, encoded.data(),
                                       encoded.size());
  if (rc != ARGON2_OK) {
    return Fail(ErrorCode::kInternal,
                fmt::format("hashing the password failed: {}", argon2_error_message(rc)));
  }
  encoded.resize(encoded.find('\0'));  // argon2_encodedlen counts the terminator
  return encoded;
}

Result<bool> VerifyPassword(const std::string& encoded, std::string_view password) {
  const int rc = argon2id_verify(encoded.c_str(), password.data(), password.size());
  if (rc == ARGON2_OK) return true;
  if (rc == ARGON2_VERIFY_MISMATCH) return false;
  return Fail(ErrorCode::kInternal,
              fmt::format("the stored password hash cannot be checked ({}); reset the user's password.",
                          argon2_error_message(rc)));
}

}  // namespace junheng::services
