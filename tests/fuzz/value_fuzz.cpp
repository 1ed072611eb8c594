// libFuzzer harness for the value encoding (WAL attributes and segment
// conditions, snapshot segments, values between nodes): the input is one
// encoded value; one that decodes must encode back to the same bytes.
// Any crash, leak, undefined behaviour or allocation past -malloc_limit_mb
// is a bug. Built and run by tests/fuzz/run_fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/util/value.hpp"
#include "fuzz_input.hpp"

using namespace persona;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto bytes = fuzz::as_string(data, size);
  value v;
  if (!decode_value(bytes, v))
    return 0;
  // Booleans decode from any nonzero byte; all else encodes as it came.
  value again;
  if (!decode_value(encode_value(v), again) || !(again == v || again.to_json() == v.to_json()))
    std::abort();
  return 0;
}
