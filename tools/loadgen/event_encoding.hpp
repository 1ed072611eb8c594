// event_encoding: turns simulated events into the protocol's event maps,
// as msgpack for `ingest`, as JSON lines for `--dump` (which
// `persona-cli ingest` reads back), and as engine events for tools that
// drive an engine in process. Views, clicks and carts name only the
// item, so the node enriches them from the catalog; purchases and refunds
// carry their price and quantity, as a shop's order system would. Any thread.
#pragma once

#include <string>
#include <vector>

#include "core/profile/event.hpp"
#include "tools/loadgen/shop_catalog.hpp"
#include "tools/loadgen/sim_event.hpp"

namespace persona::loadgen {

/// The params array `[[event, ...]]` of one ingest call carrying the events
/// all[index[0]], ..., all[index[count - 1]], msgpack-encoded.
std::string encode_ingest_params(const std::vector<sim_event>& all, const uint32_t* index, size_t count,
                                 const shop_catalog& catalog);

/// One event as a JSON object on one line (no newline).
std::string event_json(const sim_event& e, const shop_catalog& catalog);

/// One event as the engine's event, with the same keys as on the wire.
event engine_event(const sim_event& e, const shop_catalog& catalog);

}  // namespace persona::loadgen
