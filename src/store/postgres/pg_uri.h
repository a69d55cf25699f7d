// store/postgres/pg_uri.h: the password in a libpq URI, kept out of sight.
//
// A password may stand in the user part (postgresql://user:secret@host/db) or
// as a parameter (?password=secret). Messages and logs show the URI redacted;
// pg_dump and pg_restore get it without the password, which they read from
// PGPASSWORD in their environment, never from their command line (which every
// user of the machine can read in /proc).
#pragma once

#include <string>
#include <string_view>

namespace junheng::store::postgres {

// `uri` with every password replaced by "***".
std::string RedactUri(std::string_view uri);

struct UriWithoutPassword {
  std::string uri;       // the URI with the password removed
  std::string password;  // percent-decoded; empty when the URI had none
};
UriWithoutPassword SplitPassword(std::string_view uri);

}  // namespace junheng::store::postgres
