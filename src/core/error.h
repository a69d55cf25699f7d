// core/error.h: expected failures as values.
//
// An Error is a failure the caller must handle: bad input, not found, a conflict,
// a forbidden action. Its message is for people: it says what is wrong and what to
// do, in one sentence; code never parses it, it branches on `code`.
// Broken invariants are bugs, not Errors: they throw (std::logic_error) and are
// caught only at the two boundaries (CLI and HTTP).
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace junheng {

enum class ErrorCode {
  kInvalidArgument,   // a parameter or a file is malformed
  kValidationFailed,  // a record breaks a rule of the exchange format
  kNotFound,
  kConflict,          // the same key with other content
  kUnauthenticated,
  kPermissionDenied,
  kUnavailable,       // a resource (file, database) cannot be used right now
  kInternal,
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

// Name of an ErrorCode for logs and JSON ("invalid_argument", ...).
inline const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kValidationFailed: return "validation_failed";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace junheng

// Propagate the error of an expression that yields Status or Result<T>.
#define JH_RETURN_IF_ERROR(expr)                                   \
  do {                                                             \
    auto jh_status_ = (expr);                                      \
    if (!jh_status_) return std::unexpected(jh_status_.error());   \
  } while (0)

#define JH_CONCAT_INNER_(a, b) a##b
#define JH_CONCAT_(a, b) JH_CONCAT_INNER_(a, b)
// `JH_ASSIGN_OR_RETURN(auto x, Compute());` binds the value or returns the error.
#define JH_ASSIGN_OR_RETURN(lhs, expr) \
  JH_ASSIGN_OR_RETURN_IMPL_(JH_CONCAT_(jh_result_, __LINE__), lhs, expr)
#define JH_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)     \
  auto tmp = (expr);                                  \
  if (!tmp) return std::unexpected(tmp.error());      \
  lhs = std::move(*tmp)
