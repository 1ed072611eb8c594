// risk_signals: online fraud and abuse signals of one user, and the score
// that combines them (docs/profiles.md, "Risk").
//
// Signals: a purchase amount far above the user's own history
// (`unusual_amount`), many events within a short time (`burst`), a large
// share of night-time purchases (`night_purchases`), a device or geo never
// seen before on an established profile (`new_device`, `new_geo`), and a
// high refund ratio (`refunds`). Event-driven flags stay raised for
// risk_config::flag_ttl_ms after the event; the score is the noisy-or
// 1 - prod(1 - weight) over the raised flags. Part of a profile.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/profile/profile_config.hpp"

namespace persona {

class purchase_stats;

/// The risk flags, as bits.
enum class risk_flag : uint8_t { unusual_amount, burst, night_purchases, new_device, new_geo, refunds };
constexpr size_t risk_flag_count = 6;
const char* to_string(risk_flag f);

class risk_signals {
 public:
  /// Records any event (burst detection, device and geo novelty).
  void on_event(int64_t ts_ms, const std::string& device, const std::string& geo, const risk_config& cfg,
                size_t context_cap);
  /// Records a purchase amount (before it joins the history) and its hour.
  void on_purchase(int64_t ts_ms, double amount, const risk_config& cfg);

  /// The flags raised at `now_ms`, as bits of risk_flag.
  uint32_t flags(int64_t now_ms, const purchase_stats& purchases, const risk_config& cfg) const;
  /// The combined score in [0, 1] of the given flags.
  static double score(uint32_t flags, const risk_config& cfg);

  void merge(const risk_signals& other, size_t context_cap);
  size_t heap_bytes() const { return contexts_.capacity() * sizeof(uint64_t); }
  /// Devices and geos known, held as hashes only.
  size_t context_count() const { return contexts_.size(); }

  // Raw fields, for the profile codec. What every event touches comes first
  // (profile.hpp prefetches a profile from its start).
  int64_t burst_window_start_ms_ = -1;
  uint32_t burst_count_ = 0;
  uint32_t amounts_n_ = 0;
  int64_t burst_ms_ = -1;
  int64_t new_device_ms_ = -1;
  int64_t new_geo_ms_ = -1;
  /// Hashes of known devices and geos; geo hashes have the top bit set.
  std::vector<uint64_t> contexts_;
  double amount_mean_ = 0;
  double amount_m2_ = 0;  // Welford's sum of squared deviations
  uint32_t night_purchases_ = 0;
  int64_t unusual_amount_ms_ = -1;
};

}  // namespace persona
