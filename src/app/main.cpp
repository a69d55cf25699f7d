// junheng: the command-line entry point. Commands are in app/cmd_*.cpp.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <exception>

#include "app/commands.h"
#include "app/config_file.h"
#include "app/context.h"

int main(int argc, char** argv) {
  junheng::app::KeepCommandLine(argv);
  CLI::App app{"Junheng (均衡): the population register and monitoring system of a city health commission"};
  app.set_version_flag("--version", std::string("junheng ") + JUNHENG_VERSION);
  app.require_subcommand(1);
  junheng::app::AddConfigFileOption(app);  // before the subcommands: they inherit its reader
  std::string data_dir;
  app.add_option("--data-dir", data_dir, "Folder with divisions, census and schedule files")
      ->envname("JUNHENG_DATA_DIR");
  app.parse_complete_callback([&] {
    if (!data_dir.empty()) junheng::app::SetDataDir(data_dir);
  });
  junheng::app::AddRegisterCommands(app);
  junheng::app::AddDemoCommand(app);
  junheng::app::AddPersonsCommands(app);
  junheng::app::AddStatsCommands(app);
  junheng::app::AddAccountsCommands(app);
  junheng::app::AddServeCommand(app);
  junheng::app::AddRestoreCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (const std::string problem = junheng::app::ConfigFileProblem(app, e); !problem.empty()) {
      fmt::print(stderr, "junheng: {}\n", problem);
      return 2;
    }
    return app.exit(e);
  } catch (const junheng::app::CommandError& e) {
    fmt::print(stderr, "junheng: {}\n", e.what());
    return e.code;
  } catch (const std::exception& e) {
    fmt::print(stderr, "junheng: internal error (please report it): {}\n", e.what());
    return 70;
  }
  return 0;
}
