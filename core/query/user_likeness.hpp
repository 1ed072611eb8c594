// user_likeness: a user described for similar_users: decayed category and
// brand shares and recent items, by name, so that every shard can read it
// against its own symbols. Two users' likeness is the cosine of their
// vectors, each of the three parts summing to 1 (recent items weigh
// 1 / their count each). Plain data with its value form, which travels
// from the user's shard to every shard.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/profile/profile.hpp"
#include "core/util/symbol_table.hpp"
#include "core/util/value.hpp"

namespace persona {

struct user_likeness {
  std::vector<std::pair<std::string, double>> categories;
  std::vector<std::pair<std::string, double>> brands;
  std::vector<std::string> items;
};

/// The likeness of profile `p` (its shard's `symbols`).
user_likeness likeness_of(const profile& p, const symbol_table& symbols);

/// {"categories": {name: share}, "brands": {name: share}, "items": [name]}.
value to_value(const user_likeness& l);
/// The inverse of to_value; false when `v` is not of that shape.
bool from_value(const value& v, user_likeness& out);

/// A likeness resolved against one shard's symbols, for scoring profiles.
class likeness_scorer {
 public:
  likeness_scorer(const user_likeness& query, const symbol_table& symbols);
  /// Cosine similarity of `p` and the query, in [0, 1].
  double score(const profile& p) const;
  /// Whether no part of the query is known to this shard (every score is 0).
  bool hopeless() const { return empty_; }

 private:
  std::vector<float> category_, brand_, item_;
  double norm_ = 0;
  bool empty_ = true;
};

}  // namespace persona
