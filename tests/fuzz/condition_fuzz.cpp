// libFuzzer harness for the condition compiler (query, define_segment and
// the segments of WAL and snapshots): the input is a msgpack `where`,
// converted to a value as the dispatcher converts params, checked against
// the request bounds, compiled for validation, for a shard (binding and
// interning names) and evaluated on an empty profile. Any crash, leak,
// undefined behaviour or allocation past -malloc_limit_mb is a bug. Built
// and run by tests/fuzz/run_fuzz.sh.
#include <cstddef>
#include <cstdint>

#include "core/profile/profile.hpp"
#include "core/query/condition.hpp"
#include "core/query/request_limits.hpp"
#include "fuzz_input.hpp"
#include "net/msgpack_value.hpp"

using namespace persona;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto handle = fuzz::unpack(fuzz::as_string(data, size));
  if (!handle)
    return 0;
  auto where = net::to_value(handle->get(), "where");
  if (!where.ok())
    return 0;
  (void)check_condition_limits(*where, request_limits{});
  segment_directory segments;
  segments.names = {"vip", "", "lapsed"};
  (void)condition::compile(*where, nullptr, &segments);
  symbol_table symbols;
  symbols.intern("shoes");
  auto bound = condition::compile_interning(*where, symbols, &segments);
  if (!bound.ok())
    return 0;
  profile p;
  profile_config cfg;
  read_context ctx{0, symbols, cfg, &segments};
  (void)bound->matches(p, "u", ctx);
  (void)bound->referenced_segments();
  return 0;
}
