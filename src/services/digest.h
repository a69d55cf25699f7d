// services/digest.h: the hashes and random bytes that accounts and the audit
// log are built on, over OpenSSL 3.
//
// SM3 (GB/T 32905-2016, the Chinese national hash) chains the audit log;
// SHA-256 hashes session tokens before they are stored; RandomBytes draws
// tokens and salts from OpenSSL's CSPRNG. Each digest is returned as lower-case
// hex. They fail only when OpenSSL cannot provide the algorithm (a build without
// the default provider): kUnavailable, with what to install. Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace junheng::services {

// 64 hex digits. Sm3Hex("abc") = 66c7f0f4...8f4ba8e0 (the standard's example 1).
Result<std::string> Sm3Hex(std::string_view bytes);
// 64 hex digits.
Result<std::string> Sha256Hex(std::string_view bytes);
// `n` bytes from OpenSSL's RAND_bytes.
Result<std::string> RandomBytes(size_t n);
// RFC 4648 base64url without padding (safe in URLs, cookies and headers).
std::string Base64Url(std::string_view bytes);

}  // namespace junheng::services
