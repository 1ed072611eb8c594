// replay_values: what the two replays (engine_replay.hpp in-process,
// wire_replay.hpp over the wire) send and read back, built from an
// evaluation dataset: the catalog for upsert_items, each interaction as an
// ingest event (a view without a rating, else a rating clamped to 0..5),
// recommend's options, and a reply's items as dataset ids scored per
// strategy. Plain functions of their arguments; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/model/recommender.hpp"
#include "core/profile/event.hpp"
#include "core/util/value.hpp"
#include "tools/eval/interaction_file.hpp"
#include "tools/eval/leave_last_out.hpp"
#include "tools/eval/ranking_metrics.hpp"

namespace persona::eval {

/// upsert_items' argument: every item the dataset gives a category or a
/// brand (an empty array when it gives none).
value catalog_value(const dataset& d);

/// The interaction as the engine ingests it.
event to_event(const dataset& d, const interaction& x);

/// The interaction as `ingest` takes it over the wire.
value event_value(const dataset& d, const interaction& x);

/// recommend's options: `strategy`, answered as at `now_ms`.
value recommend_options(rec_strategy strategy, int64_t now_ms);

/// The items of a recommend reply as dataset item ids, best first; names
/// the dataset does not know are left out.
std::vector<uint32_t> ranked_items(const dataset& d, const value& reply);

/// One empty ranking_metrics a strategy, by its name; the catalog is the
/// items of the interactions told before `phase` (as replay_settings::phase).
std::map<std::string, ranking_metrics> metrics_by_strategy(const evaluation_split& split, uint8_t phase,
                                                           const std::vector<rec_strategy>& strategies);

}  // namespace persona::eval
