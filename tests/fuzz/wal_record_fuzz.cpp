// libFuzzer harness for the write-ahead log's decoding: the first byte picks
// a path. Even: the rest is one record's payload of the kind in byte 1, as
// recovery decodes it. Odd: the rest is a whole segment file, read by the
// record reader (framing, lengths, checksums) and each record decoded.
// Any crash, leak, undefined behaviour or allocation past -malloc_limit_mb
// is a bug. Built and run by tests/fuzz/run_fuzz.sh.
#include <cstddef>
#include <cstdint>

#include "core/storage/record_file.hpp"
#include "core/storage/wal_record.hpp"
#include "fuzz_input.hpp"

using namespace persona;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2)
    return 0;
  wal_entry entry;
  if (data[0] % 2 == 0) {
    decode_wal_entry(data[1], fuzz::as_string(data + 2, size - 2), entry);
    return 0;
  }
  fuzz::one_file_env env(fuzz::as_string(data + 1, size - 1));
  auto file = env.open_for_read("wal-1.log");
  record_reader reader(std::move(*file));
  file_record r;
  while (reader.next(r) == record_reader::outcome::record)
    decode_wal_entry(r.kind, r.payload, entry);
  return 0;
}
