// libFuzzer harness for profile images (snapshots, merges): the input is
// one image, decoded on its own, then restored into a store as a snapshot
// load does, and an image that decodes is encoded again. Any crash, leak,
// undefined behaviour or allocation past -malloc_limit_mb is a bug. Built
// and run by tests/fuzz/run_fuzz.sh.
#include <cstddef>
#include <cstdint>

#include "core/profile/profile_codec.hpp"
#include "core/store/profile_store.hpp"
#include "fuzz_input.hpp"

using namespace persona;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto image = fuzz::as_string(data, size);
  symbol_table symbols;
  profile p;
  if (decode_profile(image, symbols, p))
    (void)encode_profile(p, symbols);
  profile_store store;
  (void)store.restore("u", image);
  return 0;
}
