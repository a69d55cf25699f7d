// Signing in and out, and checking a session token on every request.
#include <algorithm>

#include <fmt/format.h>

#include "services/accounts.h"
#include "services/digest.h"
#include "services/password.h"

namespace junheng::services {
namespace {

constexpr size_t kTokenBytes = 32;
// How often the cache drops the sessions nobody used within the idle timeout.
constexpr int64_t kSweepSeconds = 60;

std::unexpected<Error> WrongCredentials() {
  return Fail(ErrorCode::kUnauthenticated, "用户名或密码错误 / wrong username or password");
}

std::unexpected<Error> SessionEnded() {
  return Fail(ErrorCode::kUnauthenticated,
              "未登录或会话已过期，请重新登录 / not signed in, or the session has ended; sign in again.");
}

std::unexpected<Error> Locked(Timestamp until, Timestamp now) {
  const int64_t minutes = std::max<int64_t>(1, (until.seconds - now.seconds + 59) / 60);
  return Fail(ErrorCode::kPermissionDenied,
              fmt::format("密码错误次数过多，账户已锁定，请 {} 分钟后再试 / too many wrong passwords: the account is "
                          "locked; try again in {} minute{}.",
                          minutes, minutes, minutes == 1 ? "" : "s"));
}

Timestamp Plus(Timestamp t, int64_t seconds) { return Timestamp{t.seconds + seconds}; }

}  // namespace

void Accounts::VerifyDummy(std::string_view password) {
  std::call_once(dummy_once_, [&] {
    auto secret = RandomBytes(16);
    if (!secret) return;
    auto hash = HashPassword(Base64Url(*secret), options_.hashing);
    if (hash) dummy_hash_ = std::move(*hash);
  });
  if (!dummy_hash_.empty()) (void)VerifyPassword(dummy_hash_, password);
}

Result<Session> Accounts::Login(std::string_view username, std::string_view password) {
  const Timestamp now = clock_.Now();
  JH_ASSIGN_OR_RETURN(std::optional<store::UserRow> row,
                      pool_.Read([&](store::Store& s) { return s.FindUserByName(username); }));
  if (!row) {
    VerifyDummy(password);  // as slow as a wrong password: the answer tells no one which usernames exist
    return WrongCredentials();
  }
  if (row->locked_until && now < *row->locked_until) return Locked(*row->locked_until, now);

  JH_ASSIGN_OR_RETURN(bool match, VerifyPassword(row->password_hash, password));
  if (!match) {
    // Read, add one, write: two processes failing at once may count one failure
    // less, which only delays a lock by a guess.
    const int failures = row->failed_logins + 1;
    const bool lock = failures >= options_.max_failures;
    const std::optional<Timestamp> until =
        lock ? std::optional(Plus(now, options_.lockout_seconds)) : std::nullopt;
    JH_RETURN_IF_ERROR(pool_.Write([&](store::Store& s) {
      return s.UpdateLoginState(row->id, lock ? 0 : failures, until);  // a lock starts the count again
    }));
    if (lock) return Locked(*until, now);
    return WrongCredentials();
  }
  if (row->disabled) {
    return Fail(ErrorCode::kPermissionDenied,
                "账户已停用 / this account is disabled; ask the city administrator to enable it.");
  }
  JH_ASSIGN_OR_RETURN(User user, UserFromRow(*row));

  JH_ASSIGN_OR_RETURN(std::string secret, RandomBytes(kTokenBytes));
  Session session{Base64Url(secret), user, {}};
  JH_ASSIGN_OR_RETURN(std::string token_hash, Sha256Hex(session.token));
  const store::SessionRow stored{token_hash, user.id, now, now, Plus(now, options_.session_lifetime_seconds)};
  JH_RETURN_IF_ERROR(pool_.Write([&](store::Store& s) -> Status {
    if (row->failed_logins != 0 || row->locked_until) {
      JH_RETURN_IF_ERROR(s.UpdateLoginState(row->id, 0, std::nullopt));
    }
    // Logins are rare next to requests: a good moment to clear out old sessions.
    JH_RETURN_IF_ERROR(s.DeleteExpiredSessions(now, Plus(now, -options_.idle_timeout_seconds)));
    return s.PutSession(stored);
  }));
  session.expires_at = std::min(Plus(now, options_.idle_timeout_seconds), stored.expires_at);
  std::lock_guard lock(mutex_);
  cache_[token_hash] = Cached{user, now, stored.expires_at, now};
  return session;
}

Result<User> Accounts::Authenticate(std::string_view token) {
  if (token.empty()) return SessionEnded();
  const Timestamp now = clock_.Now();
  JH_ASSIGN_OR_RETURN(std::string token_hash, Sha256Hex(token));
  {
    std::lock_guard lock(mutex_);
    ForgetIdle(now);
    auto it = cache_.find(token_hash);
    if (it != cache_.end() && now.seconds - it->second.checked_at.seconds < options_.recheck_seconds) {
      Cached& c = it->second;
      if (now.seconds - c.last_seen.seconds > options_.idle_timeout_seconds || now >= c.expires_at) {
        cache_.erase(it);
        return SessionEnded();
      }
      c.last_seen = now;
      return c.user;
    }
  }
  return Recheck(token_hash, now);
}

Result<User> Accounts::Recheck(const std::string& token_hash, Timestamp now) {
  struct Found {
    std::optional<store::SessionRow> session;
    std::optional<store::UserRow> user;
  };
  JH_ASSIGN_OR_RETURN(Found found, pool_.Read([&](store::Store& s) -> Result<Found> {
    Found f;
    JH_ASSIGN_OR_RETURN(f.session, s.FindSession(token_hash));
    if (f.session) {
      JH_ASSIGN_OR_RETURN(f.user, s.FindUserById(f.session->user_id));
    }
    return f;
  }));
  Timestamp last_seen = found.session ? found.session->last_seen : Timestamp{};
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(token_hash);
    if (it != cache_.end()) last_seen = std::max(last_seen, it->second.last_seen);
  }
  const bool live = found.session && found.user && !found.user->disabled &&
                    now.seconds - last_seen.seconds <= options_.idle_timeout_seconds &&
                    now < found.session->expires_at;
  if (!live) {
    {
      std::lock_guard lock(mutex_);
      cache_.erase(token_hash);
    }
    if (found.session) (void)pool_.Write([&](store::Store& s) { return s.DeleteSession(token_hash); });
    return SessionEnded();
  }
  JH_ASSIGN_OR_RETURN(User user, UserFromRow(*found.user));
  if (now.seconds - found.session->last_seen.seconds >= options_.touch_seconds) {
    // A failed touch is tried again at the next recheck; the session is still good.
    (void)pool_.Write([&](store::Store& s) { return s.TouchSession(token_hash, now); });
  }
  std::lock_guard lock(mutex_);
  cache_[token_hash] = Cached{user, now, found.session->expires_at, now};
  return user;
}

void Accounts::ForgetIdle(Timestamp now) {
  if (now.seconds - last_sweep_.seconds < kSweepSeconds) return;
  last_sweep_ = now;
  std::erase_if(cache_, [&](const auto& entry) {
    return now.seconds - entry.second.last_seen.seconds > options_.idle_timeout_seconds ||
           now >= entry.second.expires_at;
  });
}

Status Accounts::Logout(std::string_view token) {
  JH_ASSIGN_OR_RETURN(std::string token_hash, Sha256Hex(token));
  {
    std::lock_guard lock(mutex_);
    cache_.erase(token_hash);
  }
  return pool_.Write([&](store::Store& s) { return s.DeleteSession(token_hash); });
}

}  // namespace junheng::services
