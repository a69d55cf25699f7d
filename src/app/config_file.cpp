#include "app/config_file.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace junheng::app {
namespace {

CLI::App* FindSubcommand(CLI::App& app, const std::string& name) {
  auto found = app.get_subcommands([&](CLI::App* s) { return s->get_name() == name; });
  return found.empty() ? nullptr : found.front();
}

// The option a key sets in `app`, or null. --help, --version and --config
// itself are not settable from a file.
CLI::Option* OptionOf(CLI::App& app, const std::string& key) {
  if (key == "help" || key == "help-all" || key == "version" || key == "config") return nullptr;
  CLI::Option* op = app.get_option_no_throw("--" + key);
  return op != nullptr && op->get_configurable() ? op : nullptr;
}

bool AnyCommandHas(CLI::App& app, const std::string& key) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    if (OptionOf(*sub, key) != nullptr || AnyCommandHas(*sub, key)) return true;
  return false;
}

// The command being run: junheng itself, then each chosen subcommand.
std::vector<CLI::App*> ChosenCommands(CLI::App& root) {
  std::vector<CLI::App*> chain{&root};
  for (auto subs = root.get_subcommands(); !subs.empty(); subs = subs.front()->get_subcommands())
    chain.push_back(subs.front());
  return chain;
}

std::string CommandName(const std::vector<std::string>& parents) { return fmt::format("{}", fmt::join(parents, " ")); }

// A value as an option's text: strings as they are, numbers and booleans as
// TOML writes them.
std::string ValueText(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  std::ostringstream out;
  node.visit([&](const auto& value) { out << value; });
  return out.str();
}

// Every key of `table` with a value, as CLI11 items: tables become the parents
// (the command path), an array gives several inputs.
void Flatten(const toml::table& table, const std::vector<std::string>& parents, std::vector<CLI::ConfigItem>& out) {
  for (const auto& [key, node] : table) {
    if (const auto* sub = node.as_table()) {
      std::vector<std::string> path = parents;
      path.emplace_back(key.str());
      Flatten(*sub, path, out);
      continue;
    }
    CLI::ConfigItem item;
    item.parents = parents;
    item.name = std::string(key.str());
    if (const auto* array = node.as_array()) {
      for (const toml::node& element : *array) item.inputs.push_back(ValueText(element));
    } else {
      item.inputs.push_back(ValueText(node));
    }
    out.push_back(std::move(item));
  }
}

// Reads the file with toml++ (CLI11's own reader cuts a value at a '#' even
// inside quotes), then checks and applies every key itself and hands CLI11
// nothing: so that a refused key or value is reported with the key's name, and
// the precedence is the one documented in the header.
class ConfigReader final : public CLI::ConfigTOML {
 public:
  explicit ConfigReader(CLI::App& root) : root_(root) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    std::ostringstream text;
    text << input.rdbuf();
    std::vector<CLI::ConfigItem> items;
    try {
      Flatten(toml::parse(text.str(), File()), {}, items);
    } catch (const toml::parse_error& e) {
      throw Refuse(fmt::format("not valid TOML at line {}: {}", e.source().begin.line, e.description()));
    }
    struct Setting {
      CLI::ConfigItem item;
      CLI::Option* option;
    };
    std::vector<Setting> in_sections, at_top;
    const std::vector<CLI::App*> chosen = ChosenCommands(root_);
    for (CLI::ConfigItem& item : items) {
      if (!item.parents.empty()) {
        CLI::App* app = &root_;
        for (const std::string& p : item.parents)
          if (app = FindSubcommand(*app, p); app == nullptr)
            throw Refuse(fmt::format("unknown section [{}]: there is no command `junheng {}`",
                                     fmt::join(item.parents, "."), CommandName(item.parents)));
        CLI::Option* op = OptionOf(*app, item.name);
        if (op == nullptr)
          throw Refuse(fmt::format("unknown key `{}`: `junheng {}` has no option --{}", item.fullname(),
                                   CommandName(item.parents), item.name));
        in_sections.push_back({std::move(item), op});
        continue;
      }
      CLI::Option* op = OptionOf(root_, item.name);
      if (op == nullptr && chosen.size() > 1) op = OptionOf(*chosen.back(), item.name);
      if (op != nullptr) {
        at_top.push_back({std::move(item), op});
      } else if (!AnyCommandHas(root_, item.name)) {
        throw Refuse(fmt::format("unknown key `{}`: no junheng command has an option --{}", item.name, item.name));
      }
    }
    for (const auto* list : {&in_sections, &at_top})
      for (const Setting& s : *list) Apply(s.item, *s.option);
    return {};
  }

 private:
  CLI::ConfigError Refuse(const std::string& what) const {
    return CLI::ConfigError(fmt::format("the configuration file {}: {}", File(), what));
  }

  std::string File() const {
    const CLI::Option* config = root_.get_config_ptr();
    return config != nullptr && config->count() > 0 ? config->as<std::string>() : std::string("(unnamed)");
  }

  // Sets the option unless the command line (or a section, applied first) did.
  void Apply(const CLI::ConfigItem& item, CLI::Option& op) const {
    if (op.count() > 0) return;
    try {
      if (op.get_expected_min() == 0)
        op.add_result(op.get_flag_value(item.name, to_flag(item)));
      else
        op.add_result(item.inputs);
      op.run_callback();  // converts and validates now, while we know the key
    } catch (const CLI::ParseError& e) {
      throw Refuse(fmt::format("`{}` = {} is refused ({})", item.fullname(), fmt::join(item.inputs, ", "), e.what()));
    }
  }

  CLI::App& root_;
};

}  // namespace

void AddConfigFileOption(CLI::App& root) {
  root.config_formatter(std::make_shared<ConfigReader>(root));
  root.set_config("--config", "",
                  "Read options from this TOML file (keys are the long option names; [serve] etc. for one "
                  "command); options on the command line win");
  root.fallthrough();  // subcommands pass --config (and --data-dir) up to junheng itself
}

std::string ConfigFileProblem(const CLI::App& root, const CLI::ParseError& e) {
  if (dynamic_cast<const CLI::ConfigError*>(&e) != nullptr) return e.what();
  const CLI::Option* config = root.get_config_ptr();
  if (dynamic_cast<const CLI::FileError*>(&e) == nullptr || config == nullptr || config->count() == 0) return {};
  const auto path = config->as<std::string>();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fmt::format("the configuration file {} is a folder", path);
  std::ifstream probe(path);
  return fmt::format("cannot read the configuration file {}: {}", path,
                     probe ? "it could not be parsed" : std::strerror(errno));
}

}  // namespace junheng::app
