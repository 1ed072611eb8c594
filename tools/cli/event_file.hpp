// event_file: reads events for `persona-cli ingest` from JSON lines (one
// event map per line) or CSV with a header row naming event keys (user,
// type, ts, item, category, brand, price, quantity, value, query, session,
// device, geo, channel, id). One reader per file; not thread-safe.
#pragma once

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona::cli {

class event_file {
 public:
  /// Opens `path`; CSV when it ends in ".csv", else JSON lines.
  static result<std::unique_ptr<event_file>> open(const std::string& path);

  /// Appends up to `n` events to `out`; false at the end of the file. A
  /// malformed line is an error naming its line number.
  result<bool> read(size_t n, std::vector<value>& out);

  /// Bytes read so far and the file's size, for progress.
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t size() const { return size_; }
  uint64_t line() const { return line_; }

 private:
  result<value> parse_csv_line(const std::string& text);

  std::ifstream in_;
  bool csv_ = false;
  std::vector<std::string> header_;
  uint64_t bytes_read_ = 0;
  uint64_t size_ = 0;
  uint64_t line_ = 0;
};

/// Splits one CSV line (RFC 4180 quoting) into fields.
std::vector<std::string> split_csv(const std::string& line);

}  // namespace persona::cli
