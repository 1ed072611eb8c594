// kmeans_steps: the k-means messages between coordinator and shards, as
// values (so they travel between nodes like any other message):
//
//   ("moments", [features])                 -> {"n", "sum", "sumsq"}
//   ("prepare", [features, mean, scale])    -> {"points"}
//   ("draw", [centers, seed])               -> {"weight", "point"}
//   ("step", [centers])                     -> {"sums", "counts", "inertia"}
//   ("model", [encoded model])              -> {"assigned"}   (logged in the WAL)
//
// and the conversions between those values and core's kmeans types.
#pragma once

#include <string>
#include <vector>

#include "core/query/kmeans.hpp"
#include "core/util/value.hpp"

namespace persona {

value numbers_value(const std::vector<double>& xs);
std::vector<double> numbers_of(const value& v);
value strings_value(const std::vector<std::string>& xs);
std::vector<std::string> strings_of(const value& v);

value moments_value(const feature_moments& m);
feature_moments moments_of(const value& v);
value candidate_value(const seed_candidate& c);
seed_candidate candidate_of(const value& v);
value partial_value(const kmeans_partial& p);
kmeans_partial partial_of(const value& v);

}  // namespace persona
