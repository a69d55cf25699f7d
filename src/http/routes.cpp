// RouteTable(): every route of the API, gathered from the handler files.
#include "http/router.h"

namespace junheng::http {

const std::vector<Route>& RouteTable() {
  static const std::vector<Route> routes = [] {
    std::vector<Route> r;
    AddSystemRoutes(r);
    AddSessionRoutes(r);
    AddDivisionRoutes(r);
    AddIndicatorRoutes(r);
    AddPersonRoutes(r);
    AddEventRoutes(r);
    AddImportRoutes(r);
    AddReviewRoutes(r);
    return r;
  }();
  return routes;
}

}  // namespace junheng::http
