// audit_log: an append-only file of whole lines (the node's audit log,
// docs/operations.md "Audit log"), written by its own thread so that a call
// that is audited only formats its line and queues it. The file is opened
// with O_APPEND and mode 0600, each batch of queued lines goes out in one
// write(), and the file is rotated by size (FILE -> FILE.1 -> ... ->
// FILE.keep). Lines are synced to the device at most `fsync_interval` after
// they are written; a line waits up to `batch_delay` (2 ms) for others
// to share its write(). A line that cannot be queued (the queue is full) or
// written (disk full, I/O error) is dropped, counted and reported through
// the `report` callback (rate-limited): the caller is still answered.
//
// Thread-safe: append() from any thread; the writer thread owns the file.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/util/status.hpp"

namespace persona::net {

/// Where and how an audit_log writes; defaults are the node's.
struct audit_log_options {
  /// The file; rotated files are this name with ".1", ".2", ...
  std::string path;
  /// The file is rotated before a write would take it past this many
  /// bytes (a single longer batch still goes to a fresh file); 0: never.
  uint64_t max_bytes = 64u << 20;
  /// Rotated files kept; the oldest beyond this is deleted.
  size_t keep = 10;
  /// Longest time a written line waits for fdatasync; 0: after every write.
  std::chrono::milliseconds fsync_interval{1000};
  /// Bytes queued for the writer before further lines are dropped.
  size_t max_queue_bytes = 8u << 20;
  /// The writer waits this long for more lines before a write, unless
  /// `batch_bytes` are queued (or on flush and close).
  std::chrono::microseconds batch_delay{2000};
  size_t batch_bytes = 64u << 10;
};

/// What an audit_log did since it was opened.
struct audit_log_counters {
  std::atomic<uint64_t> lines{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> rotations{0};
  /// write(), fdatasync() or rotation calls that failed.
  std::atomic<uint64_t> write_failures{0};
  /// Lines lost: not queued (queue full) or not written (write failed).
  std::atomic<uint64_t> lines_dropped{0};
};

class audit_log {
 public:
  /// Receives a message about a failure to audit (from the writer thread or
  /// a caller of append()).
  using report_fn = std::function<void(const std::string& message)>;

  /// Opens (creates, mode 0600) the file for appending and starts the
  /// writer thread. Fails with a message naming the file.
  static result<std::unique_ptr<audit_log>> open(audit_log_options options, report_fn report);

  /// Writes what is queued, syncs it and closes the file.
  ~audit_log();
  audit_log(const audit_log&) = delete;
  audit_log& operator=(const audit_log&) = delete;

  /// Queues one line; `line` must end with '\n' and hold no other.
  void append(std::string_view line);

  /// Blocks until every line appended before the call is written (or
  /// dropped) and synced.
  void flush();

  const audit_log_counters& counters() const { return counters_; }
  const audit_log_options& options() const { return options_; }

 private:
  audit_log(audit_log_options options, report_fn report, int fd, uint64_t size);

  void run();
  /// Writes `batch` (whole lines), rotating where the size bound says.
  void write_lines(const std::string& batch);
  /// Writes `chunk` in full to the open file; false after a failure.
  bool write_all(const char* data, size_t size);
  bool rotate();
  void sync();
  /// Counts and reports (at most once a minute) a failure to audit.
  void fail(const std::string& what, uint64_t lines_lost, bool write_failure);

  audit_log_options options_;
  report_fn report_;
  audit_log_counters counters_;
  // Writer thread only.
  int fd_;
  uint64_t size_;
  bool dirty_ = false;
  /// The last write stopped inside a line: the next write starts a new one.
  bool cut_line_ = false;
  std::chrono::steady_clock::time_point last_sync_;
  std::chrono::steady_clock::time_point last_report_{};
  // Under mutex_.
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::string queue_;
  /// Lines dropped because the queue was full, not yet reported.
  uint64_t queue_drops_ = 0;
  /// flush() calls made, and those the writer has completed.
  uint64_t flushes_wanted_ = 0;
  uint64_t flushes_done_ = 0;
  bool stop_ = false;
  std::thread writer_;
};

}  // namespace persona::net
