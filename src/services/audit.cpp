#include "services/audit.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "services/digest.h"

namespace junheng::services {
namespace {

const std::string kGenesis(64, '0');
// An append that loses the race for the next id to another process reads the
// last entry again and retries, after a short random pause (so two losers do
// not collide again in step). The race window is one read and one insert, so
// even many busy processes rarely need more than a few attempts.
constexpr int kAppendAttempts = 50;

void PauseBeforeRetry(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  const int max_us = 200 * std::min(attempt, 10);
  std::this_thread::sleep_for(std::chrono::microseconds(random() % max_us));
}

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.push_back('=');
  for (char c : value) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  out.push_back('\n');
}

Result<std::string> HashOf(std::string_view prev_hash, int64_t id, Timestamp at, const AuditEntry& e) {
  std::string text(prev_hash);
  text.push_back('\n');
  text += CanonicalAuditText(id, at, e);
  return Sm3Hex(text);
}

AuditEntry EntryOf(const store::AuditRow& r) {
  return AuditEntry{r.actor, r.role, r.action, r.target, r.division, r.outcome, r.detail, r.request_id, r.ip};
}

Status CheckEntry(const AuditEntry& e) {
  if (e.action.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "An audit entry needs an action (login, view_person, ...).");
  }
  if (e.outcome != "ok" && e.outcome != "denied" && e.outcome != "failed") {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("An audit entry's outcome is ok, denied or failed, not \"{}\".", e.outcome));
  }
  const nlohmann::json detail = nlohmann::json::parse(e.detail_json, nullptr, /*allow_exceptions=*/false);
  if (!detail.is_object()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("An audit entry's detail must be a JSON object, not {}.", e.detail_json));
  }
  return {};
}

}  // namespace

std::string CanonicalAuditText(int64_t id, Timestamp at, const AuditEntry& e) {
  std::string out;
  AppendField(out, "id", std::to_string(id));
  AppendField(out, "at", at.ToUtcString());
  AppendField(out, "actor", e.actor);
  AppendField(out, "role", e.role);
  AppendField(out, "action", e.action);
  AppendField(out, "target", e.target);
  AppendField(out, "division", e.division);
  AppendField(out, "outcome", e.outcome);
  AppendField(out, "detail", e.detail_json);
  AppendField(out, "request_id", e.request_id);
  AppendField(out, "ip", e.ip);
  return out;
}

AuditLog::AuditLog(StorePool& pool, const Clock& clock) : pool_(pool), clock_(clock) {}

Status AuditLog::Append(const AuditEntry& entry) {
  JH_RETURN_IF_ERROR(CheckEntry(entry));
  // pool.Write keeps this process's appends in line; the store's next-id rule
  // keeps other processes' appends in line with ours.
  for (int attempt = 1;; ++attempt) {
    Status status = pool_.Write([&](store::Store& s) -> Status {
      JH_ASSIGN_OR_RETURN(std::optional<store::AuditRow> last, s.LastAudit());
      store::AuditRow row;
      row.id = last ? last->id + 1 : 1;
      row.at = clock_.Now();
      row.actor = entry.actor;
      row.role = entry.role;
      row.action = entry.action;
      row.target = entry.target;
      row.division = entry.division;
      row.outcome = entry.outcome;
      row.detail = entry.detail_json;
      row.request_id = entry.request_id;
      row.ip = entry.ip;
      row.prev_hash = last ? last->hash : kGenesis;
      JH_ASSIGN_OR_RETURN(row.hash, HashOf(row.prev_hash, row.id, row.at, entry));
      return s.AppendAudit(row);
    });
    if (status || status.error().code != ErrorCode::kConflict || attempt == kAppendAttempts) return status;
    PauseBeforeRetry(attempt);
  }
}

Result<AuditVerification> AuditLog::Verify() {
  AuditVerification out;
  std::string prev_hash = kGenesis;
  int64_t prev_id = 0;
  Error failure;
  JH_RETURN_IF_ERROR(pool_.Read([&](store::Store& s) {
    return s.ForEachAudit(0, [&](const store::AuditRow& row) {
      ++out.entries;
      if (!out.ok) return;
      auto fail = [&](std::string message) {
        out.ok = false;
        out.first_bad_id = row.id;
        out.message = fmt::format("audit entry {}: {}", row.id, message);
      };
      auto hash = HashOf(row.prev_hash, row.id, row.at, EntryOf(row));
      if (!hash) {
        failure = hash.error();
        fail(hash.error().message);
      } else if (row.id != prev_id + 1) {
        fail(fmt::format("follows entry {}; entries {} to {} are missing", prev_id, prev_id + 1, row.id - 1));
      } else if (row.prev_hash != prev_hash) {
        fail(fmt::format("its link (prev_hash) is not the hash of entry {}: an entry before it was changed, "
                         "added or removed",
                         prev_id));
      } else if (row.hash != *hash) {
        fail("its hash does not match its content: it was changed after it was written");
      }
      prev_id = row.id;
      prev_hash = row.hash;
    });
  }));
  if (!failure.message.empty()) return std::unexpected(failure);
  out.last_hash = prev_hash;
  return out;
}

Result<std::vector<AuditRecord>> AuditLog::List(int64_t after_id, int64_t limit) {
  return List(after_id, limit, store::AuditFilter{});
}

Result<std::vector<AuditRecord>> AuditLog::List(int64_t after_id, int64_t limit, const store::AuditFilter& filter) {
  JH_ASSIGN_OR_RETURN(std::vector<store::AuditRow> rows,
                      pool_.Read([&](store::Store& s) { return s.ListAudit(after_id, limit, filter); }));
  std::vector<AuditRecord> out;
  out.reserve(rows.size());
  for (const store::AuditRow& r : rows) out.push_back(AuditRecord{r.id, r.at, EntryOf(r), r.prev_hash, r.hash});
  return out;
}

}  // namespace junheng::services
