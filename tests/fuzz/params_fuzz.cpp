// libFuzzer harness for the dispatcher's params (read_params): the first
// byte picks one of the param shapes the method table declares, the rest
// is the msgpack params array as a request carries it. Any crash, leak,
// undefined behaviour or allocation past -malloc_limit_mb is a bug. Built
// and run by tests/fuzz/run_fuzz.sh.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "net/method_params.hpp"

using namespace persona;
using namespace persona::net;

namespace {

/// Every kind of param, in the positions methods put them.
const params_spec shapes[] = {
    {1, 2, "[user, options]", {{param_kind::user_id, "user"}, {param_kind::options, "options"}}},
    {1, 2, "[where, options]", {{param_kind::any, "where"}, {param_kind::options, "options"}}},
    {1,
     3,
     "[id, count, options]",
     {{param_kind::id, "id"}, {param_kind::count, "count"}, {param_kind::options, "options"}}},
    {1, 1, "[events]", {{param_kind::events, "events"}}},
    {1, 1, "[names]", {{param_kind::names, "names"}}},
    {0, 0, "", {}},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  auto& spec = shapes[data[0] % std::size(shapes)];
  auto handle = fuzz::unpack(fuzz::as_string(data + 1, size - 1));
  // The message-shape check hands read_params only arrays.
  if (!handle || handle->get().type != msgpack::type::ARRAY)
    return 0;
  method_args args;
  (void)read_params("fuzz", spec, handle->get(), args);
  return 0;
}
