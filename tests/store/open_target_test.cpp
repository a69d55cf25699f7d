// store/open.h: which engine a target names, and targets in messages.
#include <gtest/gtest.h>

#include "store/open.h"

namespace junheng::store {
namespace {

TEST(OpenTargetTest, PostgresTargetsAreLibpqUris) {
  EXPECT_TRUE(IsPostgresTarget("postgresql://junheng@127.0.0.1:5432/linfen"));
  EXPECT_TRUE(IsPostgresTarget("postgres://db.example/linfen"));
  EXPECT_FALSE(IsPostgresTarget("var/register.db"));
  EXPECT_FALSE(IsPostgresTarget("/srv/postgresql/register.db"));
  EXPECT_FALSE(IsPostgresTarget("host=localhost dbname=linfen"));
}

TEST(OpenTargetTest, RedactTargetHidesEveryPassword) {
  struct Case {
    const char* target;
    const char* redacted;
  };
  const Case cases[] = {
      {"var/register.db", "var/register.db"},
      {"postgresql://junheng@127.0.0.1:5432/linfen", "postgresql://junheng@127.0.0.1:5432/linfen"},
      {"postgresql://junheng:secret@127.0.0.1/linfen", "postgresql://junheng:***@127.0.0.1/linfen"},
      {"postgres://u:p%40ss@h/db?sslmode=require&password=x", "postgres://u:***@h/db?sslmode=require&password=***"},
      {"postgresql://h/db?password=x", "postgresql://h/db?password=***"},
      {"postgresql://a:b@c@h/db", "postgresql://a:***@h/db"},
  };
  for (const Case& c : cases) EXPECT_EQ(RedactTarget(c.target), c.redacted) << c.target;
}

}  // namespace
}  // namespace junheng::store
