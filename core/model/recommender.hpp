// recommender: the recommendation strategies of docs/recommendations.md
// over one item_model version and one user's taste. Pure functions: the
// shard that owns the user calls them on its own thread with the version
// it read last, so a user's own events count the moment their ingest is
// answered, and everyone's within a publish interval.
//
//   popular  decayed popularity, overall or in the requested category
//   item_cf  neighbours of the user's recent items, newer items weighing more
//   content  the user's category and brand affinities times popularity
//   mf       BPR factors, the user folded in from their recent items
//   auto     the candidates of item_cf, popular and content, each scored by
//            all four and blended (item_model_config::blend); a user
//            without history gets content, or popular without affinities
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/item_model.hpp"
#include "core/model/item_model_config.hpp"
#include "core/model/user_taste.hpp"
#include "core/util/value.hpp"

namespace persona {

enum class rec_strategy : uint8_t { automatic, popular, item_cf, content, mf };

/// The protocol's name, e.g. "item_cf" ("auto" for automatic).
const char* to_string(rec_strategy s);
std::optional<rec_strategy> rec_strategy_from_string(const std::string& name);

struct recommend_request {
  rec_strategy strategy = rec_strategy::automatic;
  size_t k = 10;
  bool exclude_seen = true;
  /// Only items of this category id; npos: any.
  uint32_t category = name_index::npos;
};

struct recommended_item {
  uint32_t item = 0;
  double score = 0;
  std::string reason;
};

struct recommendation {
  /// The strategy that answered (auto's cold start names the one it used).
  rec_strategy strategy = rec_strategy::automatic;
  std::vector<recommended_item> items;
};

recommendation recommend(const item_model& model, const user_taste& taste, const recommend_request& request,
                         const item_model_config& cfg);

/// {"strategy", "items": [{"item", "score", "reason"}]}, names from `model`.
value to_value(const recommendation& r, const item_model& model);

/// The `k` nearest neighbours of `item`, best first.
std::vector<item_neighbour> similar_items(const item_model& model, uint32_t item, size_t k);

}  // namespace persona
