// wal_writer: one shard's write-ahead log. Appends framed records
// (record_file.hpp) to the current segment file, starts a new segment on
// rotate() (at each snapshot), and keeps them on the device as the fsync
// policy says. append() only queues the record: a thread of the writer's
// own writes queued records to the file, in order, and syncs them, so a
// shard never waits for the disk (a write can block for milliseconds while
// the file system commits). A record counts as durable:
//
//   always  once synced; records queued while a sync runs share the next
//           one (group commit)
//   batch   once written to the operating system (a process crash loses
//           nothing durable); synced at least every `interval`, so a power
//           loss loses at most one interval
//   none    once written; the operating system decides when to sync
//
// `on_durable(seq, status)` is called from the writer's thread whenever
// records up to `seq` became durable, or with the error that stopped them:
// a caller answers a change only then. After a failed write or sync the log
// takes no more records: the file may end in a torn record (recovery cuts
// it), and a sync that failed once may have dropped written bytes that a
// later sync would report synced. Files go through a file_env.
// append() and rotate() are called from one thread (the shard's); the rest
// is thread-safe.
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

#include "core/storage/file_env.hpp"
#include "core/storage/fsync_policy.hpp"
#include "core/util/status.hpp"

namespace persona {

class wal_writer {
 public:
  using durable_callback = std::function<void(uint64_t seq, const status& st)>;

  /// Opens a new segment in `dir` whose first record will be `next_seq`.
  static result<std::unique_ptr<wal_writer>> open(std::string dir, uint64_t next_seq, fsync_policy policy,
                                                  std::chrono::milliseconds interval,
                                                  durable_callback on_durable, file_env& env = posix_env());
  /// Writes what was appended (and syncs it, unless the policy is none),
  /// then stops the writer's thread.
  ~wal_writer();
  wal_writer(const wal_writer&) = delete;
  wal_writer& operator=(const wal_writer&) = delete;

  /// Queues one record and returns its sequence number; after a failed
  /// write or sync, the error instead.
  result<uint64_t> append(uint8_t kind, std::string_view payload);
  /// Starts a new segment; returns its first sequence number.
  result<uint64_t> rotate();
  /// Writes everything appended so far, now, on the calling thread.
  status flush();
  /// Writes and syncs everything appended so far, now, on the calling thread.
  status sync_now();

  fsync_policy policy() const { return policy_; }
  uint64_t last_seq() const { return last_seq_.load(); }
  uint64_t written_seq() const { return written_seq_.load(); }
  uint64_t synced_seq() const { return synced_seq_.load(); }
  /// The newest record that counts as durable under the policy.
  uint64_t durable_seq() const {
    return policy_ == fsync_policy::always ? synced_seq_.load() : written_seq_.load();
  }
  uint64_t bytes_written() const { return bytes_.load(); }
  /// Bytes in the current segment (since the last rotate).
  uint64_t segment_bytes() const { return segment_bytes_; }

 private:
  struct segment {
    std::unique_ptr<writable_file> file;
  };

  /// Queued records bound for one segment.
  struct chunk {
    std::shared_ptr<segment> seg;
    std::string bytes;
    uint64_t last_seq = 0;
  };

  wal_writer(std::string dir, fsync_policy policy, std::chrono::milliseconds interval, durable_callback cb,
             file_env& env);
  result<std::shared_ptr<segment>> open_segment(uint64_t first_seq);
  void writer_loop();
  /// Writes the queued records; `wrote` says whether there were any.
  status write_queued(bool& wrote);
  /// Syncs the segments holding the written records; returns the newest.
  status sync_segments(uint64_t& covered);
  /// Stops the log after a failed write or sync (the first error stays);
  /// returns the error every later append gets. REQUIRES: mu_ held.
  const status& stop_log(const status& st);
  /// After the log stopped with `st`: fails every record not yet durable,
  /// then waits for the destructor (unless `stopping` already).
  void fail_all(const status& st, bool stopping);

  file_env& env_;
  std::string dir_;
  fsync_policy policy_;
  std::chrono::milliseconds interval_;
  durable_callback on_durable_;
  std::string frame_;           // append()'s buffer, reused
  uint64_t segment_bytes_ = 0;  // touched by the appending thread only

  /// Held while queued records are taken and written: writes keep order.
  std::mutex write_mu_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  /// Records appended and not yet taken to be written, oldest first.
  std::vector<chunk> queued_;
  /// The first failed write or sync; no record is taken after it.
  status failed_;
  std::shared_ptr<segment> current_;
  /// Segments rotated away whose last records may not be synced yet.
  std::vector<std::shared_ptr<segment>> closed_;
  /// A segment was created since the directory was last synced.
  bool directory_dirty_ = false;
  std::atomic<uint64_t> last_seq_{0};
  std::atomic<uint64_t> written_seq_{0};
  std::atomic<uint64_t> synced_seq_{0};
  std::atomic<uint64_t> bytes_{0};
  std::thread thread_;
};

}  // namespace persona
