// demo/names.h: plausible Chinese names and mobile numbers for synthetic people.
#pragma once

#include <string>

#include "core/citizen_id.h"
#include "demo/random.h"

namespace junheng::demo {

// A full name: a surname drawn by its real frequency (the 2019 Ministry of Public
// Security ranking of the top surnames, shares in percent of the population) and a
// given name of one (about 20 %) or two characters from gender-typical lists.
std::string MakeName(HashRng& rng, Sex sex);

// An 11-digit mainland mobile number starting 13x, 15x or 18x.
std::string MakePhone(HashRng& rng);

}  // namespace junheng::demo
