#include "demo/demo.h"

#include <fmt/format.h>

#include "demo/emitter.h"
#include "demo/inputs.h"
#include "demo/simulation.h"

namespace junheng::demo {

Result<DemoStats> GenerateDemoCity(const DemoOptions& options, Sink& sink) {
  if (!(options.scale > 0) || options.scale > 10)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("scale must be above 0 and at most 10, not {}", options.scale));
  const Date census = Date::FromDays(DaysFromCivil(2020, 11, 1));
  if (options.start > census || options.start.year() < 2000)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("start {} must lie between 2000-01-01 and the 2020 census day 2020-11-01, "
                            "because the base population is back-cast from that census",
                            options.start.ToString()));
  if (options.today < options.start)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("today {} is before the start {}",
                                                         options.today.ToString(), options.start.ToString()));
  JH_ASSIGN_OR_RETURN(Inputs inputs, LoadInputs(options.data_dir));
  JH_ASSIGN_OR_RETURN(DivisionTree tree, DivisionTree::Build(inputs.divisions));
  JH_RETURN_IF_ERROR(sink.OnDivisions(tree.all()));

  DemoStats stats;
  Simulation sim(options, inputs);
  sim.BuildBase();
  Emitter emitter(options, sim, sink, stats);
  JH_RETURN_IF_ERROR(emitter.EmitBase());

  std::vector<PendingEvent> pending;
  for (int year = options.start.year(); year <= options.today.year(); ++year) {
    const int32_t first = std::max(options.start.days(), DaysFromCivil(year, 1, 1));
    const int32_t last = std::min(options.today.days(), DaysFromCivil(year, 12, 31));
    sim.SimulateYear(first, last, pending);
    YearStats ys;
    ys.year = year;
    JH_RETURN_IF_ERROR(emitter.EmitYear(pending, ys));
    ys.population_end = sim.residents();
    stats.years.push_back(ys);
  }
  if (sim.census_counted()) {
    for (size_t c = 0; c < inputs.counties.size(); ++c)
      stats.census_check.push_back({inputs.counties[c].code, inputs.counties[c].name, sim.census_by_county()[c],
                                    static_cast<double>(inputs.counties[c].pop_total) * options.scale});
    stats.census_age_sex = sim.census_age_sex();
  }
  return stats;
}

}  // namespace junheng::demo
