// crc32c: the CRC-32C (Castagnoli) checksum that frames every record of the
// write-ahead log and of snapshots. Uses the CPU's crc32 instruction where
// the processor has SSE4.2 (checked once at run time), else Boost.CRC's
// table-driven implementation; both give the same values. Pure function.
#pragma once

#include <cstddef>
#include <cstdint>

namespace persona {

/// Extends `crc` (0 for a new checksum) with `n` bytes at `data`.
/// crc32c(0, "123456789", 9) == 0xE3069283.
uint32_t crc32c(uint32_t crc, const void* data, size_t n);

/// The portable (table-driven) form, for tests and machines without SSE4.2.
uint32_t crc32c_portable(uint32_t crc, const void* data, size_t n);

}  // namespace persona
