// store/postgres/pg_error.h: libpqxx's exceptions as junheng::Error values.
//
// libpqxx reports every failure by throwing. The PostgreSQL backend runs each
// piece of work that talks to the server inside Guard, so no exception leaves
// store/postgres; the mapping from SQLSTATE to ErrorCode is in PgError and
// mirrors SqliteError: unique keys are kConflict, other constraints and bad
// data kInvalidArgument, a lost or busy server kUnavailable, the rest kInternal.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "core/error.h"

namespace junheng::store::postgres {

// An Error for exception `e` (thrown by libpqxx or the standard library), with
// `what` (one clause saying what we were doing) and the server's message.
Error PgError(const std::exception& e, std::string_view what);

// The SQLSTATE of `e` when it carries one ("23505"), else "".
std::string SqlState(const std::exception& e);

// Runs `fn` (returning Status or Result<T>) and turns an exception it throws
// into the error value of the same type.
template <typename Fn>
auto Guard(std::string_view what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return std::unexpected(PgError(e, what));
  }
}

}  // namespace junheng::store::postgres
