// http/context.h: what the handlers reach: the services of one running server.
#pragma once

#include <functional>
#include <string>

#include "core/clock.h"
#include "core/date.h"
#include "services/accounts.h"
#include "services/audit.h"
#include "services/import_jobs.h"
#include "services/live_register.h"
#include "services/result_cache.h"
#include "services/store_pool.h"

namespace junheng::http {

class Metrics;

struct ServerContext {
  services::StorePool& pool;
  services::LiveRegister& live;
  services::Accounts& accounts;
  services::AuditLog& audit;
  services::ImportJobs& imports;
  const Clock& clock;
  std::function<Date()> today;  // the civil date in Asia/Shanghai
  std::string data_dir;          // data files (the county map)
  Metrics* metrics = nullptr;
  services::ResultCache* cache = nullptr;  // indicator answers at the current snapshot; null: none
  bool secure_cookies = false;   // Set-Cookie with Secure (behind HTTPS)
};

}  // namespace junheng::http
