// profile_check: --verify. Recomputes, from the events a run had
// acknowledged, the lifetime counters and monetary value of a sample of
// users and compares them with get_profile: a lost or doubled event shows as
// a mismatch. Users with an event in a batch that failed are left out (its
// events may or may not have applied). Also reads the risk flags of every
// labelled anomalous user, and of the sampled ordinary ones, so the risk
// signals can be judged against known truth.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "net/client.hpp"
#include "tools/loadgen/event_stream.hpp"
#include "tools/loadgen/persona_driver.hpp"
#include "tools/loadgen/shop_simulation.hpp"

namespace persona::loadgen {

struct profile_check_report {
  uint32_t checked = 0;
  uint32_t mismatched = 0;
  /// Users left out because a batch carrying their events failed.
  uint32_t uncertain = 0;
  /// The first few mismatches, described.
  std::vector<std::string> examples;
  /// Per anomaly kind (anomaly_kind order; [0] are the sampled ordinary
  /// users): users read, and those showing the kind's expected flag (for
  /// ordinary users: any flag).
  std::array<uint32_t, anomaly_kind_count> anomalous_users{};
  std::array<uint32_t, anomaly_kind_count> flagged{};
  std::string error;

  bool passed() const { return error.empty() && mismatched == 0 && checked > 0; }
};

profile_check_report check_profiles(net::client& c, const event_stream& stream, const persona_driver& driver,
                                    const shop_simulation& sim, uint32_t sample);

}  // namespace persona::loadgen
