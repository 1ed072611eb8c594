#include "core/query/aggregate.hpp"

#include <algorithm>
#include <cmath>

namespace persona {

namespace {

constexpr const char* kNames[] = {"avg", "sum", "min", "max", "histogram"};

}  // namespace

const char* to_string(aggregate_fn fn) {
  return kNames[static_cast<size_t>(fn)];
}

result<std::vector<aggregate_spec>> parse_aggregates(const value& list) {
  std::vector<aggregate_spec> out;
  if (list.is_nil())
    return out;
  if (!list.is_array())
    return status{error_code::bad_request, "options.aggregate must be an array of {\"field\", \"fn\"} maps"};
  for (size_t i = 0; i < list.as_array().size(); ++i) {
    auto& a = list.as_array()[i];
    std::string where = "options.aggregate[" + std::to_string(i) + "]";
    auto* field = a.find("field");
    auto* fn = a.find("fn");
    if (!field || !field->is_string())
      return status{error_code::bad_request, where + ".field must be a field path string"};
    auto ref = parse_field_path(field->as_string());
    if (!ref.ok())
      return status{error_code::bad_request, where + ".field: " + ref.error().message()};
    if (ref->is_list())
      return status{error_code::bad_request, where + ".field: '" + field->as_string() +
                                                 "' is a list; aggregates need a numeric field"};
    aggregate_spec spec;
    spec.field = field->as_string();
    bool known = false;
    for (size_t f = 0; f < std::size(kNames); ++f)
      if (fn && fn->is_string() && fn->as_string() == kNames[f]) {
        spec.fn = static_cast<aggregate_fn>(f);
        known = true;
      }
    if (!known)
      return status{error_code::bad_request, where + ".fn must be one of avg, sum, min, max, histogram"};
    if (auto* bins = a.find("bins"); bins && spec.fn == aggregate_fn::histogram) {
      uint64_t n = 0;
      if (bins->get_uint(n)) {
        if (n < 1 || n > max_histogram_bins)
          return status{error_code::bad_request, where + ".bins must be between 1 and 1000"};
        spec.bins = static_cast<uint32_t>(n);
      } else if (bins->is_array()) {
        for (auto& e : bins->as_array()) {
          if (!e.is_number() || !std::isfinite(e.as_double()))
            return status{error_code::bad_request, where + ".bins edges must be finite numbers"};
          spec.edges.push_back(e.as_double());
        }
        if (spec.edges.size() < 2 || spec.edges.size() > max_histogram_bins + 1 ||
            !std::is_sorted(spec.edges.begin(), spec.edges.end()) ||
            std::adjacent_find(spec.edges.begin(), spec.edges.end()) != spec.edges.end())
          return status{error_code::bad_request,
                        where + ".bins edges must be 2 to 1001 strictly ascending numbers"};
        spec.bins = static_cast<uint32_t>(spec.edges.size() - 1);
      } else {
        return status{error_code::bad_request, where + ".bins must be a bin count or an array of edges"};
      }
    }
    out.push_back(std::move(spec));
  }
  return out;
}

void aggregate_partial::add(double x, const aggregate_spec& spec) {
  if (std::isnan(x))
    return;
  if (n == 0) {
    min = max = x;
  } else {
    min = std::min(min, x);
    max = std::max(max, x);
  }
  ++n;
  sum += x;
  if (spec.fn == aggregate_fn::histogram && !spec.edges.empty()) {
    if (counts.empty())
      counts.assign(spec.edges.size() - 1, 0);
    if (!spec.clamp && (x < spec.edges.front() || x > spec.edges.back()))
      return;
    auto it = std::upper_bound(spec.edges.begin(), spec.edges.end(), x);
    auto bin = static_cast<size_t>(it - spec.edges.begin());
    bin = bin == 0 ? 0 : bin - 1;
    counts[std::min(bin, counts.size() - 1)]++;
  }
}

void aggregate_partial::merge(const aggregate_partial& o) {
  if (o.n == 0)
    return;
  if (n == 0) {
    min = o.min;
    max = o.max;
  } else {
    min = std::min(min, o.min);
    max = std::max(max, o.max);
  }
  n += o.n;
  sum += o.sum;
  if (counts.size() < o.counts.size())
    counts.resize(o.counts.size(), 0);
  for (size_t i = 0; i < o.counts.size(); ++i)
    counts[i] += o.counts[i];
}

std::vector<double> equal_width_edges(double lo, double hi, uint32_t bins) {
  if (!(hi > lo))
    hi = lo + 1;
  std::vector<double> edges(bins + 1);
  for (uint32_t i = 0; i <= bins; ++i)
    edges[i] = lo + (hi - lo) * i / bins;
  edges.back() = hi;
  return edges;
}

value finish_aggregate(const aggregate_spec& spec, const aggregate_partial& m) {
  value out{value::map{}};
  out.set("field", value{spec.field});
  out.set("fn", value{to_string(spec.fn)});
  switch (spec.fn) {
    case aggregate_fn::avg:
      out.set("value", m.n ? value{m.sum / static_cast<double>(m.n)} : value{});
      break;
    case aggregate_fn::sum:
      out.set("value", value{m.sum});
      break;
    case aggregate_fn::min:
      out.set("value", m.n ? value{m.min} : value{});
      break;
    case aggregate_fn::max:
      out.set("value", m.n ? value{m.max} : value{});
      break;
    case aggregate_fn::histogram: {
      value::array edges, counts;
      for (auto e : spec.edges)
        edges.emplace_back(e);
      for (size_t i = 0; i + 1 < spec.edges.size(); ++i)
        counts.emplace_back(static_cast<uint64_t>(i < m.counts.size() ? m.counts[i] : 0));
      value h{value::map{}};
      h.set("edges", value{std::move(edges)});
      h.set("counts", value{std::move(counts)});
      out.set("value", std::move(h));
      break;
    }
  }
  return out;
}

}  // namespace persona
