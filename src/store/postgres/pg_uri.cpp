#include "store/postgres/pg_uri.h"

#include <vector>

namespace junheng::store::postgres {
namespace {

// The pieces of postgresql://[user[:password]@]host[/database][?params].
struct Pieces {
  std::string_view scheme;    // "postgresql://"
  std::string_view user;      // "" when there is no user part
  std::string_view password;  // "" when the user part has none
  bool has_password = false;
  std::string_view rest;      // host, path, up to the params
  std::vector<std::string_view> params;  // "key=value" each
};

Pieces Split(std::string_view uri) {
  Pieces p;
  const size_t scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) {
    p.rest = uri;
    return p;
  }
  p.scheme = uri.substr(0, scheme_end + 3);
  std::string_view tail = uri.substr(scheme_end + 3);
  const size_t query = tail.find('?');
  std::string_view main = tail.substr(0, query);
  if (query != std::string_view::npos) {
    std::string_view params = tail.substr(query + 1);
    while (!params.empty()) {
      const size_t amp = params.find('&');
      p.params.push_back(params.substr(0, amp));
      params = amp == std::string_view::npos ? std::string_view() : params.substr(amp + 1);
    }
  }
  // The user part ends at the last '@' before the path.
  const size_t slash = main.find('/');
  const size_t at = main.substr(0, slash).rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = main.substr(0, at);
    const size_t colon = userinfo.find(':');
    p.user = userinfo.substr(0, colon);
    if (colon != std::string_view::npos) {
      p.password = userinfo.substr(colon + 1);
      p.has_password = true;
    }
    main = main.substr(at + 1);
  }
  p.rest = main;
  return p;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) << 4 | hex(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool IsPasswordParam(std::string_view param) { return param.starts_with("password="); }

// Joins the pieces back, the password (in either place) replaced by `password`
// or left out when `password` is null.
std::string Join(const Pieces& p, const char* password) {
  std::string out(p.scheme);
  if (!p.user.empty() || p.has_password) {
    out += p.user;
    if (p.has_password && password != nullptr) {
      out += ':';
      out += password;
    }
    out += '@';
  }
  out += p.rest;
  char separator = '?';
  for (std::string_view param : p.params) {
    if (IsPasswordParam(param)) {
      if (password == nullptr) continue;
      out += separator;
      out += "password=";
      out += password;
    } else {
      out += separator;
      out += param;
    }
    separator = '&';
  }
  return out;
}

}  // namespace

std::string RedactUri(std::string_view uri) { return Join(Split(uri), "***"); }

UriWithoutPassword SplitPassword(std::string_view uri) {
  const Pieces p = Split(uri);
  UriWithoutPassword out{Join(p, nullptr), {}};
  if (p.has_password) out.password = PercentDecode(p.password);
  for (std::string_view param : p.params) {
    if (IsPasswordParam(param)) out.password = PercentDecode(param.substr(9));
  }
  return out;
}

}  // namespace junheng::store::postgres
