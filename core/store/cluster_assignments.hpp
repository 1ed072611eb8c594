// cluster_assignments: the clusters of one profile_store (kmeans.hpp,
// docs/segments.md "Clusters"). During a training the store's part reads
// every profile's features once into standardized points, which answer the
// coordinator's seeding draws and Lloyd steps; the training ends with a
// model that sets every profile's `cluster`, and the profiles events touch
// are assigned again as they change.
//
// Owned by one store (profile_store::clusters()) and, like the store,
// touched only by the shard actor that owns it. It keeps no pointer to the
// store: the operations that read or change profiles take it as a
// parameter. REQUIRES for each of them: `store.clusters()` is this object.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/query/field_path.hpp"
#include "core/query/kmeans.hpp"
#include "core/util/status.hpp"

namespace persona {

class profile_store;

class cluster_assignments {
 public:
  /// Moments of the features over the profiles of `store` that have them
  /// all; a bad_request naming a path that is not a numeric profile field.
  result<feature_moments> moments(const profile_store& store, const std::vector<std::string>& features,
                                  int64_t now_ms) const;
  /// Reads the training points of `store`, standardized with `mean` and
  /// `scale`.
  status prepare(profile_store& store, const std::vector<std::string>& features,
                 const std::vector<double>& mean, const std::vector<double>& scale, int64_t now_ms);
  /// The points the last prepare() read (draws and Lloyd steps run on them).
  const kmeans_points& points() const { return training_; }

  /// Installs `model` (null: none), sets the cluster of every profile of
  /// `store`, and frees the training points.
  void install(profile_store& store, std::shared_ptr<const cluster_model> model, int64_t now_ms);
  /// The model in force, or null.
  const std::shared_ptr<const cluster_model>& model() const { return model_; }

 private:
  // The store assigns the profiles it changes again (assign).
  friend class profile_store;

  /// Sets the cluster of `slot` from the model (-1: none).
  void assign(profile_store& store, uint32_t slot, int64_t now_ms);

  /// The model and its features resolved; the training's points.
  std::shared_ptr<const cluster_model> model_;
  std::vector<field_ref> model_fields_;
  kmeans_points training_;
};

}  // namespace persona
