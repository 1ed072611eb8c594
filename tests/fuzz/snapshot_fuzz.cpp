// libFuzzer harness for snapshot loading over a byte blob: the first byte
// picks a path. Odd: the rest is the file as it lies on disk. Even: the
// rest becomes records with good checksums (fuzz_input.hpp
// framed_records), so the fuzzer reaches the header, catalog, segments,
// model, profiles and end records behind the CRC. Either way the file is
// loaded into a fresh store as recovery loads it. Any crash, leak,
// undefined behaviour or allocation past -malloc_limit_mb is a bug. Built
// and run by tests/fuzz/run_fuzz.sh.
#include <cstddef>
#include <cstdint>

#include "core/storage/record_file.hpp"
#include "core/storage/snapshot_file.hpp"
#include "fuzz_input.hpp"

using namespace persona;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1)
    return 0;
  auto rest = fuzz::as_string(data + 1, size - 1);
  auto bytes = data[0] % 2 == 1
                   ? rest
                   : fuzz::framed_records(
                         rest, 0, [](std::string& out, uint64_t seq, uint8_t kind, std::string_view p) {
                           append_record(out, seq, kind, p);
                         });
  fuzz::one_file_env env(std::move(bytes));
  profile_store store;
  (void)load_snapshot("snapshot-1.snap", store, env);
  return 0;
}
