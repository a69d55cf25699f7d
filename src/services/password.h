// services/password.h: password rules and argon2id hashes (libargon2).
//
// A stored hash is argon2id's encoded string ("$argon2id$v=19$m=65536,t=3,p=1$
// <salt>$<hash>"): it carries its own salt and cost, so verifying needs nothing
// else and the cost can be raised for new passwords without touching old ones.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "services/accounts.h"

namespace junheng::services {

// 10..128 bytes, at least one ASCII letter and one digit, not containing the
// username (ignoring case). kInvalidArgument with one sentence otherwise.
Status CheckPasswordRules(std::string_view username, std::string_view password);

// The encoded argon2id hash of `password` with a fresh 16-byte random salt.
Result<std::string> HashPassword(std::string_view password, const PasswordHashing& cost);

// True when `password` matches `encoded`; false when it does not. kInternal
// when `encoded` is not an argon2id hash (a damaged users row).
Result<bool> VerifyPassword(const std::string& encoded, std::string_view password);

}  // namespace junheng::services
