#include "tools/loadgen/profile_check.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace persona::loadgen {

namespace {

struct tally {
  std::array<uint64_t, event_type_count> counts{};
  double gross = 0;
  double refunded = 0;
  bool uncertain = false;
};

value fields_option(std::initializer_list<const char*> names) {
  value::array list;
  for (auto* n : names)
    list.push_back(value{n});
  return value{value::map{{"fields", value{std::move(list)}}}};
}

/// Compares one profile with its tally; "" when they agree.
std::string compare(const value& profile, const tally& t) {
  std::string diff;
  auto* counts = profile.find("counts");
  for (size_t i = 0; i < event_type_count; ++i) {
    auto name = to_string(static_cast<event_type>(i));
    const value* got = counts ? counts->find(name) : nullptr;
    uint64_t n = 0;
    if (got && !got->get_uint(n))
      n = static_cast<uint64_t>(got->as_int());
    if (n != t.counts[i])
      diff += std::string(" counts.") + name + " " + std::to_string(n) + " (expected " +
              std::to_string(t.counts[i]) + ")";
  }
  double expected = std::max(0.0, t.gross - t.refunded);
  const value* rfm = profile.find("rfm");
  const value* monetary = rfm ? rfm->find("monetary") : nullptr;
  double got = monetary ? monetary->as_double() : -1;
  if (std::fabs(got - expected) > 1e-6 * std::max(1.0, expected))
    diff += " rfm.monetary " + std::to_string(got) + " (expected " + std::to_string(expected) + ")";
  return diff;
}

bool has_flag(const value& profile, const std::string& flag) {
  const value* risk = profile.find("risk");
  const value* flags = risk ? risk->find("flags") : nullptr;
  if (!flags)
    return false;
  for (auto& f : flags->as_array())
    if (flag.empty() || f.as_string() == flag)
      return true;
  return false;
}

}  // namespace

profile_check_report check_profiles(net::client& c, const event_stream& stream, const persona_driver& driver,
                                    const shop_simulation& sim, uint32_t sample) {
  profile_check_report report;
  std::unordered_map<uint32_t, tally> tallies;
  for (size_t lane = 0; lane < stream.lanes.size(); ++lane) {
    for (size_t b = 0; b < driver.batches_sent(lane); ++b) {
      auto [index, n] = stream.batch_events(lane, b);
      bool ok = driver.acked(lane, b);
      for (size_t i = 0; i < n; ++i) {
        auto& e = stream.events[index[i]];
        auto& t = tallies[e.user];
        if (!ok) {
          t.uncertain = true;
          continue;
        }
        ++t.counts[static_cast<size_t>(e.type)];
        double amount = sim.catalog().price_of(e.item == no_item ? 0 : e.item) * e.quantity;
        if (e.type == event_type::purchase)
          t.gross += amount;
        else if (e.type == event_type::refund)
          t.refunded += amount;
      }
    }
  }
  std::vector<uint32_t> users;
  for (auto& [u, t] : tallies) {
    if (t.uncertain)
      ++report.uncertain;
    else
      users.push_back(u);
  }
  std::sort(users.begin(), users.end());
  size_t stride = std::max<size_t>(1, users.size() / std::max<uint32_t>(1, sample));
  for (size_t i = 0; i < users.size(); ++i) {
    uint32_t u = users[i];
    auto kind = sim.user(u).anomaly;
    bool sampled = i % stride == 0 && report.checked < sample;
    if (!sampled && kind == anomaly_kind::none)
      continue;
    auto r = c.call_sync("get_profile", value{value::array{value{sim_event::user_id(u)},
                                                           fields_option({"counts", "rfm", "risk"})}});
    if (!r.ok()) {
      report.error = "get_profile " + sim_event::user_id(u) + ": " + r.error().to_string();
      return report;
    }
    if (sampled) {
      ++report.checked;
      auto diff = compare(*r, tallies[u]);
      if (!diff.empty()) {
        ++report.mismatched;
        if (report.examples.size() < 5)
          report.examples.push_back(sim_event::user_id(u) + ":" + diff);
      }
    }
    if (sampled || kind != anomaly_kind::none) {
      auto k = static_cast<size_t>(kind);
      ++report.anomalous_users[k];
      report.flagged[k] += has_flag(*r, expected_flag(kind));
    }
  }
  return report;
}

}  // namespace persona::loadgen
