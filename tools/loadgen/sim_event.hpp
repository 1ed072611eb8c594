// sim_event: one event of the simulated shop, compact (ids are numbers; the
// wire strings are made when it is encoded). Plain data.
#pragma once

#include <cstdint>
#include <string>

#include "core/profile/event.hpp"

namespace persona::loadgen {

constexpr uint32_t no_item = UINT32_MAX;

struct sim_event {
  int64_t ts = 0;
  uint32_t user = 0;
  /// The item, or no_item (search, login).
  uint32_t item = no_item;
  /// The shopper's session number, sent as `session` "s<N>".
  uint32_t session = 0;
  /// Device number (sent as "d<N>") and geo region (sent as "g<N>"), sent
  /// when `with_context` is set: on a session's first event and on purchases.
  uint32_t device = 0;
  uint16_t geo = 0;
  /// For search: the category searched for.
  uint16_t query_category = 0;
  event_type type = event_type::view;
  uint8_t quantity = 1;
  /// For rating: 1 to 5.
  uint8_t rating = 0;
  bool with_context = false;

  static std::string user_id(uint32_t u) { return "u" + std::to_string(u); }
};

}  // namespace persona::loadgen
