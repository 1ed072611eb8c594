// wal_writer: one shard's write-ahead log. Appends framed records
// (record_file.hpp) to the current segment file, starts a new segment on
// rotate() (at each snapshot), and keeps them on the device as the fsync
// policy says, from a thread of its own:
//
//   always  every append is synced before it counts as durable; appends
//           that arrive while a sync runs share the next one (group commit)
//   batch   synced at least every `interval`; a process crash loses
//           nothing written, a power loss at most one interval
//   none    the operating system decides when
//
// `on_synced(seq, status)` is called from the sync thread after each sync
// with the highest sequence number it covers. Every record is written to
// the operating system before append() returns, so it survives a crash of
// the process under every policy. append() and rotate() are called from one
// thread (the shard's); the rest is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/file_io.hpp"
#include "core/fsync_policy.hpp"
#include "core/status.hpp"

namespace persona {

class wal_writer {
 public:
  using synced_callback = std::function<void(uint64_t seq, const status& st)>;

  /// Opens a new segment in `dir` whose first record will be `next_seq`.
  static result<std::unique_ptr<wal_writer>> open(std::string dir, uint64_t next_seq, fsync_policy policy,
                                                  std::chrono::milliseconds interval,
                                                  synced_callback on_synced);
  /// Syncs what was appended, then stops the sync thread.
  ~wal_writer();
  wal_writer(const wal_writer&) = delete;
  wal_writer& operator=(const wal_writer&) = delete;

  /// Appends one record and returns its sequence number.
  result<uint64_t> append(uint8_t kind, std::string_view payload);
  /// Starts a new segment; returns its first sequence number.
  result<uint64_t> rotate();
  /// Syncs everything appended so far, now, on the calling thread.
  status sync_now();

  fsync_policy policy() const { return policy_; }
  uint64_t last_seq() const { return last_seq_.load(); }
  uint64_t synced_seq() const { return synced_seq_.load(); }
  uint64_t bytes_written() const { return bytes_.load(); }
  /// Bytes in the current segment (since the last rotate).
  uint64_t segment_bytes() const { return segment_bytes_; }

 private:
  struct segment {
    std::string path;
    unique_fd fd;
  };

  wal_writer(std::string dir, fsync_policy policy, std::chrono::milliseconds interval, synced_callback cb);
  result<std::shared_ptr<segment>> open_segment(uint64_t first_seq);
  void sync_loop();
  /// Syncs the segments holding records up to the newest; returns its seq.
  status sync_segments(uint64_t& covered);

  std::string dir_;
  fsync_policy policy_;
  std::chrono::milliseconds interval_;
  synced_callback on_synced_;
  std::string frame_;           // append()'s buffer, reused
  uint64_t segment_bytes_ = 0;  // touched by the appending thread only

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::shared_ptr<segment> current_;
  /// Segments rotated away whose last records may not be synced yet.
  std::vector<std::shared_ptr<segment>> closed_;
  /// A segment was created since the directory was last synced.
  bool directory_dirty_ = false;
  std::atomic<uint64_t> last_seq_{0};
  std::atomic<uint64_t> synced_seq_{0};
  std::atomic<uint64_t> bytes_{0};
  std::thread thread_;
};

}  // namespace persona
