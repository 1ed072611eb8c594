// snapshot_writer: writes one snapshot file from a thread of its own, so a
// shard that encodes its profiles a slice at a time never waits for the
// disk. Bytes go to "<name>.tmp"; finish() syncs the file, renames it into
// place, syncs the directory, reads the file back to check every record,
// then reports. A snapshot that fails before its rename, or is abandoned,
// leaves no file behind and never touches a snapshot of the same WAL record
// written before; one renamed into place stays unless it does not read
// back (a failed directory sync leaves it: it is whole and synced). Files
// go through a file_env. Created and fed by one thread (the shard's); the
// writer's thread owns the file.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/storage/file_env.hpp"
#include "core/util/status.hpp"

namespace persona {

class snapshot_writer {
 public:
  struct outcome {
    status st;
    std::string path;
    uint64_t bytes = 0;
  };
  using done_callback = std::function<void(const outcome&)>;

  /// Creates `dir`/snapshot name for `wal_seq` (.tmp) and starts the thread.
  /// `done` is called once, from the writer's thread, unless abandoned.
  static result<std::unique_ptr<snapshot_writer>> start(const std::string& dir, uint64_t wal_seq,
                                                        done_callback done, file_env& env = posix_env());
  /// Abandons an unfinished snapshot (its file is removed) and joins.
  ~snapshot_writer();
  snapshot_writer(const snapshot_writer&) = delete;
  snapshot_writer& operator=(const snapshot_writer&) = delete;

  /// Queues bytes for the file.
  void write(std::string bytes);
  /// Queues bytes that `encode` makes on the writer's thread.
  void write_later(std::function<std::string()> encode);
  /// Bytes queued and not yet written: the shard waits while this is large.
  uint64_t queued_bytes() const { return queued_.load(); }
  /// No more bytes: sync, rename, verify, report.
  void finish();

 private:
  snapshot_writer() = default;
  void run();

  file_env* env_ = nullptr;
  std::string dir_;
  std::string path_;
  std::string tmp_path_;
  std::unique_ptr<writable_file> file_;
  done_callback done_;
  std::mutex mu_;
  std::condition_variable wake_;
  /// Bytes, or (when empty) the next deferred encoding.
  std::deque<std::string> queue_;
  std::deque<std::function<std::string()>> deferred_;
  bool finishing_ = false;
  bool abandoned_ = false;
  std::atomic<uint64_t> queued_{0};
  uint64_t written_ = 0;
  std::thread thread_;
};

}  // namespace persona
