// aggregate: the `aggregate` option of `query` (avg, sum, min, max,
// histogram), computed per shard as mergeable partials and finished once, so
// the result over all shards is exact. A histogram given a bin count needs
// the global range first: the coordinator asks for min and max in a first
// pass and sends fixed edges in the second (docs/queries.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/query/field_path.hpp"
#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona {

enum class aggregate_fn : uint8_t { avg, sum, min, max, histogram };

const char* to_string(aggregate_fn fn);

/// One requested aggregate.
struct aggregate_spec {
  std::string field;
  aggregate_fn fn = aggregate_fn::avg;
  /// Histogram: number of equal-width bins over the matching range ...
  uint32_t bins = 10;
  /// ... or explicit ascending edges (bins = edges - 1).
  std::vector<double> edges;
  /// Count values outside the edges in the first or last bin (set for edges
  /// derived from the range, which events may widen between the two passes).
  bool clamp = false;

  /// True for a histogram whose edges still depend on the global range.
  bool needs_range() const { return fn == aggregate_fn::histogram && edges.empty(); }
};

/// The most histogram bins one aggregate may ask for.
constexpr uint32_t max_histogram_bins = 1000;

/// Parses the `aggregate` option: an array of {"field", "fn", "bins"} maps.
result<std::vector<aggregate_spec>> parse_aggregates(const value& list);

/// A shard's share of one aggregate over the matching profiles that have
/// the field as a number.
struct aggregate_partial {
  uint64_t n = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  std::vector<uint64_t> counts;

  void add(double x, const aggregate_spec& spec);
  void merge(const aggregate_partial& other);
};

/// Equal-width edges over [lo, hi] for `bins` bins (a single point gets a
/// unit-wide range so every value falls into a bin).
std::vector<double> equal_width_edges(double lo, double hi, uint32_t bins);

/// The protocol's {"field", "fn", "value"} map of a merged partial. Avg, min
/// and max over no values are nil.
value finish_aggregate(const aggregate_spec& spec, const aggregate_partial& merged);

}  // namespace persona
