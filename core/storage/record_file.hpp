// record_file: the framing shared by write-ahead log segments and snapshot
// files. A file is a sequence of records, each
//
//   u32 payload length | u32 CRC-32C | u64 sequence | u8 kind | payload
//
// little-endian, the checksum covering length, sequence, kind and payload.
// A reader stops at the first record that is incomplete or fails its
// checksum and reports that offset, so a torn tail (a crash mid-write) is
// found and cut, never read as data. With a record_seal, the payload is
// sealed (record_seal.hpp) and the length field's top bit marks it; the
// checksum covers the sealed bytes, so a torn tail is still found by it,
// and a record that checks but does not open is refused, never cut.
// Layout in docs/formats.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/storage/file_env.hpp"
#include "core/storage/record_seal.hpp"

namespace persona {

/// Bytes of a record's frame before its payload.
constexpr size_t record_header_bytes = 17;
/// Largest payload a reader accepts; a longer length is corruption.
constexpr uint32_t max_record_payload = 1u << 30;

/// The length field's bit that marks a sealed payload.
constexpr uint32_t sealed_record_bit = 1u << 31;

/// Appends one framed record to `out`, its payload sealed under `seal`
/// when given.
void append_record(std::string& out, uint64_t seq, uint8_t kind, std::string_view payload,
                   const record_seal* seal = nullptr);

/// One record as read back.
struct file_record {
  uint64_t seq = 0;
  uint8_t kind = 0;
  std::string payload;
  /// Offset of the record's frame in its file.
  uint64_t offset = 0;
};

/// Reads the records of one file in order, through a buffer.
class record_reader {
 public:
  enum class outcome {
    /// `next` filled a record.
    record,
    /// The file ended cleanly after the last record.
    end,
    /// The bytes at offset() are not a whole, valid record; problem() says why.
    bad,
    /// The record at offset() is whole but sealed, and there is no seal or
    /// it does not open under it (another key, or bytes altered on
    /// purpose): not a torn tail, so never cut; problem() says why.
    locked,
  };

  /// Reads from an open file; sealed records open under `seal` (the
  /// caller keeps it alive); records in clear are read either way.
  explicit record_reader(std::unique_ptr<readable_file> file, const record_seal* seal = nullptr);

  outcome next(file_record& r);
  /// Offset of the first byte not yet consumed as part of a valid record.
  uint64_t offset() const { return offset_; }
  const std::string& problem() const { return problem_; }
  const std::string& path() const { return file_->path(); }

 private:
  /// Makes at least `n` bytes available at buf_[pos_]; false at end of file.
  bool fill(size_t n);

  std::unique_ptr<readable_file> file_;
  const record_seal* seal_ = nullptr;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t offset_ = 0;
  bool eof_ = false;
  std::string problem_;
};

}  // namespace persona
