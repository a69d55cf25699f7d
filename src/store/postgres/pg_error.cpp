#include "store/postgres/pg_error.h"

#include <pqxx/except>

#include <fmt/format.h>

namespace junheng::store::postgres {
namespace {

// The server's message on one line: libpq ends it with a newline and puts
// DETAIL and HINT on lines of their own.
std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

ErrorCode CodeOfState(std::string_view state) {
  if (state == "23505") return ErrorCode::kConflict;                // unique_violation
  if (state.starts_with("23")) return ErrorCode::kInvalidArgument;  // other integrity constraints
  if (state.starts_with("22")) return ErrorCode::kInvalidArgument;  // data exception
  if (state == "P0001") return ErrorCode::kInvalidArgument;         // RAISE in a trigger
  if (state.starts_with("08") || state.starts_with("53") || state.starts_with("57") ||
      state.starts_with("40") || state == "55P03" || state == "55006") {
    return ErrorCode::kUnavailable;  // connection, resources, shutdown, rollback, lock wait
  }
  return ErrorCode::kInternal;
}

}  // namespace

std::string SqlState(const std::exception& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) return sql->sqlstate();
  return {};
}

Error PgError(const std::exception& e, std::string_view what) {
  const std::string message = OneLine(e.what());
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return Error{ErrorCode::kUnavailable,
                 fmt::format("{}: the connection to PostgreSQL broke during COMMIT, so whether it took effect "
                             "is unknown; check the register before retrying ({})",
                             what, message)};
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
      dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    return Error{ErrorCode::kUnavailable, fmt::format("{}: {}", what, message)};
  }
  const std::string state = SqlState(e);
  if (!state.empty()) return Error{CodeOfState(state), fmt::format("{}: {}", what, message)};
  if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) {
    return Error{ErrorCode::kUnavailable, fmt::format("{}: out of memory", what)};
  }
  return Error{ErrorCode::kInternal, fmt::format("{}: {}", what, message)};
}

}  // namespace junheng::store::postgres
