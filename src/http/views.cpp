#include "http/views.h"

namespace junheng::http {

nlohmann::json DivisionJson(const Division& d) {
  return {{"code", d.code.ToString()}, {"name", d.name}, {"level", static_cast<int>(d.code.level())}};
}

nlohmann::json DivisionJson(ServerContext& context, DivisionCode code) {
  return context.live.Read([&](const analytics::Snapshot& s) {
    const Division* d = s.tree().Find(code);
    return d ? DivisionJson(*d) : DivisionJson(Division{.code = code});
  });
}

nlohmann::json UserJson(ServerContext& context, const services::User& user) {
  const services::Permissions p = services::PermissionsOf(user.role);
  return {{"username", user.username},
          {"display_name", user.display_name},
          {"role", services::RoleName(user.role)},
          {"role_title", services::RoleTitle(user.role)},
          {"division", DivisionJson(context, user.division)},
          {"source", user.source},
          {"permissions",
           {{"read_persons", p.read_persons},
            {"see_unmasked", p.see_unmasked},
            {"write_events", p.write_events},
            {"import_files", p.import_files},
            {"review", p.review},
            {"manage_users", p.manage_users}}}};
}

}  // namespace junheng::http
