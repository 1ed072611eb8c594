// libFuzzer harness for a query's aggregates: the input is the msgpack
// `aggregate` option; one that parses is computed over a few values in
// two partials, merged and finished as the coordinator does. Any crash,
// leak, undefined behaviour or allocation past -malloc_limit_mb is a bug.
// Built and run by tests/fuzz/run_fuzz.sh.
#include <cstddef>
#include <cstdint>

#include "core/query/aggregate.hpp"
#include "core/query/request_limits.hpp"
#include "fuzz_input.hpp"
#include "net/msgpack_value.hpp"

using namespace persona;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto handle = fuzz::unpack(fuzz::as_string(data, size));
  if (!handle)
    return 0;
  auto list = net::to_value(handle->get(), "options.aggregate");
  if (!list.ok() || !check_aggregate_limits(*list, request_limits{}).ok())
    return 0;
  auto specs = parse_aggregates(*list);
  if (!specs.ok())
    return 0;
  const double xs[] = {-1e9, 0, 1, 3.5, 1e12};
  for (auto& spec : *specs) {
    aggregate_partial a, b;
    if (spec.needs_range())
      spec.edges = equal_width_edges(-1e9, 1e12, spec.bins);
    for (size_t i = 0; i < std::size(xs); ++i)
      (i % 2 ? a : b).add(xs[i], spec);
    a.merge(b);
    (void)finish_aggregate(spec, a);
  }
  return 0;
}
