// A crash in the middle of an import batch leaves the register exactly as before,
// on either engine.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ingest/import_fixture.h"

namespace junheng::ingest::testing {
namespace {

TEST_F(ImportTest, SigkillMidBatchLeavesTheStoreAsBeforeAndReimportCompletes) {
  ASSERT_EQ(ImportPersons(BasePersons()).counts.persons_loaded, 3);
  const auto before = Summary();
  // 40,000 persons and their enumerations: big enough to be killed halfway.
  std::string persons = kPersonsHeader, events = kEventsHeader;
  for (int i = 0; i < 40000; ++i) {
    const std::string id = "Q" + std::to_string(i);
    persons += id + ",,人" + std::to_string(i) + "," + (i % 2 ? "1" : "2") + ",1970-01-01,01,,,,,\n";
    events += Ev{.id = "q" + std::to_string(i), .type = "enumerate", .date = "2015-01-01", .person = id,
                 .division = (i % 3 ? kV1 : kV3)}.Csv();
  }
  const std::string pfile = Write("big_persons.csv", persons), efile = Write("big_events.csv", events);
  for (int kill_after : {1, 3, 5}) {
    store_.reset();  // the child opens its own connection
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto store = store::OpenStore(db_);
      if (!store) _exit(2);
      ImportOptions o = Options("public_security");
      int calls = 0;
      o.progress = [&](int64_t, int64_t) {
        if (++calls == kill_after) raise(SIGKILL);
      };
      Importer importer(**store, o);
      (void)importer.ImportFiles({pfile, efile});
      _exit(3);  // not reached: the progress callback kills the process first
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "kill_after=" << kill_after;
    auto reopened = store::OpenStore(db_);
    ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
    store_ = std::move(*reopened);
    const auto after = Summary();
    EXPECT_EQ(after.persons, before.persons) << "kill_after=" << kill_after;
    EXPECT_EQ(after.events, before.events);
    EXPECT_EQ(after.max_seq, before.max_seq);
    EXPECT_EQ(after.batches, before.batches);
  }
  Importer importer(*store_, Options("public_security"));
  auto r = importer.ImportFiles({pfile, efile});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->counts.persons_loaded, 40000);
  EXPECT_EQ(r->counts.events_loaded, 40000);
  EXPECT_EQ(r->counts.duplicates, 0);
  EXPECT_EQ(Summary().max_seq, before.max_seq + 40000);
}

}  // namespace
}  // namespace junheng::ingest::testing
