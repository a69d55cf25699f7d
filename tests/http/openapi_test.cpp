// The OpenAPI document (http/openapi.json) and the route table describe the
// same API: every route is documented with its method and path parameters, and
// the document names no route the server does not have.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <set>

#include "http/openapi.h"
#include "http/router.h"

namespace junheng::http {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApiTest, DocumentIsValidJsonOfVersion3) {
  auto doc = nlohmann::json::parse(OpenApiDocument(), nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  EXPECT_TRUE(doc["paths"].is_object());
}

TEST(OpenApiTest, DocumentAndRouteTableAgree) {
  auto doc = nlohmann::json::parse(OpenApiDocument());
  std::set<std::pair<std::string, std::string>> routes, documented;
  for (const Route& r : RouteTable()) {
    EXPECT_TRUE(routes.insert({Lower(r.method), r.pattern}).second) << "route twice: " << r.method << " " << r.pattern;
  }
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      documented.insert({method, path});
      // Every {param} of the path is declared as a path parameter, and no other.
      std::set<std::string> in_path, declared;
      std::regex param(R"(\{([a-z_]+)\})");
      for (auto it = std::sregex_iterator(path.begin(), path.end(), param); it != std::sregex_iterator(); ++it)
        in_path.insert((*it)[1].str());
      if (op.contains("parameters"))
        for (const auto& p : op["parameters"])
          if (p["in"] == "path") declared.insert(p["name"].get<std::string>());
      EXPECT_EQ(in_path, declared) << method << " " << path;
      EXPECT_TRUE(op.contains("responses") && !op["responses"].empty()) << method << " " << path;
    }
  }
  for (const auto& r : routes) EXPECT_TRUE(documented.count(r)) << "not documented: " << r.first << " " << r.second;
  for (const auto& d : documented) EXPECT_TRUE(routes.count(d)) << "documented but not served: " << d.first << " " << d.second;
}

// Every route that needs no session is marked public in the document, and the other way round.
TEST(OpenApiTest, PublicRoutesAreMarkedPublic) {
  auto doc = nlohmann::json::parse(OpenApiDocument());
  for (const Route& r : RouteTable()) {
    const auto& op = doc["paths"][r.pattern][Lower(r.method)];
    const bool documented_public = op.contains("security") && op["security"].empty();
    EXPECT_EQ(documented_public, !r.needs_session) << r.method << " " << r.pattern;
  }
}

}  // namespace
}  // namespace junheng::http
