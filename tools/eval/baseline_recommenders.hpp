// baseline_recommenders: the batch recommenders an offline evaluation
// compares Persona with (docs/evaluation.md), fit once on training
// histories: most popular, ItemKNN (cosine between items' user columns)
// and EASE (Steck 2019: the closed-form item-item ridge regression with a
// zero diagonal). EASE inverts the smaller of the two Gram matrices: with
// fewer users than items, the items' inverse follows from the users' one
// by the Woodbury identity, exactly. Read-only after fitting.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace persona {

class baseline_recommender {
 public:
  virtual ~baseline_recommender() = default;
  /// The `k` best items for a user whose training items are `history`,
  /// best first, never one of `history`.
  virtual std::vector<uint32_t> recommend(const std::vector<uint32_t>& history, size_t k) const = 0;
  virtual std::string name() const = 0;
};

/// `histories` are the training items per user; item ids are below `items`.
std::unique_ptr<baseline_recommender> fit_popularity(const std::vector<std::vector<uint32_t>>& histories,
                                                     uint32_t items);
std::unique_ptr<baseline_recommender> fit_item_knn(const std::vector<std::vector<uint32_t>>& histories,
                                                   uint32_t items);
/// REQUIRES: lambda > 0.
std::unique_ptr<baseline_recommender> fit_ease(const std::vector<std::vector<uint32_t>>& histories,
                                               uint32_t items, double lambda);

}  // namespace persona
