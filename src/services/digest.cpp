#include "services/digest.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdint>
#include <memory>

#include <fmt/format.h>

namespace junheng::services {
namespace {

// Fetched once per process (a fetch takes a lock and a lookup); a fetched
// EVP_MD may be shared by threads.
struct MdDeleter {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};
using Md = std::unique_ptr<EVP_MD, MdDeleter>;

Result<std::string> DigestHex(const EVP_MD* md, const char* name, std::string_view bytes) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (md == nullptr || EVP_Digest(bytes.data(), bytes.size(), out, &size, md, nullptr) != 1) {
    return Fail(ErrorCode::kUnavailable,
                fmt::format("OpenSSL cannot compute {}; install OpenSSL 3 with its default provider "
                            "(Debian: libssl3).",
                            name));
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[out[i] >> 4]);
    hex.push_back(kHex[out[i] & 0xf]);
  }
  return hex;
}

}  // namespace

Result<std::string> Sm3Hex(std::string_view bytes) {
  static const Md kSm3(EVP_MD_fetch(nullptr, "SM3", nullptr));
  return DigestHex(kSm3.get(), "SM3", bytes);
}

Result<std::string> Sha256Hex(std::string_view bytes) {
  static const Md kSha256(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  return DigestHex(kSha256.get(), "SHA-256", bytes);
}

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return Fail(ErrorCode::kUnavailable,
                "OpenSSL's random number generator failed; check that /dev/urandom is readable.");
  }
  return out;
}

std::string Base64Url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3f]);
  return out;
}

}  // namespace junheng::services
