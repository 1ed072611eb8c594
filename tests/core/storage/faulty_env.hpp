// faulty_env: a file_env for tests (like LevelDB's ErrorEnv) that passes
// every call to the POSIX env and injects the faults a disk shows, by
// switches a test may flip at any time:
//
//   set_free_space(n)     n more bytes fit: a write past them stops short
//                         and fails with ENOSPC (a full disk), until the
//                         space is set again
//   set_max_write(n)      each write(2) takes at most n bytes (the short
//                         counts a writer must go on after); not an error
//   fail_next_write(keep) the next `keep` bytes are written, then one write
//                         fails with EIO (a write torn by a failing device)
//   set_fail_syncs(on)    fdatasync and directory fsync fail with EIO
//   set_fail_renames(on)  rename fails with EIO
//
// Errors read as the POSIX env's (file_io.hpp io_error). Thread-safe: the
// WAL's and snapshots' own threads write through it (one write at a time)
// while a test flips switches.
#pragma once

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/storage/file_env.hpp"
#include "core/storage/file_io.hpp"

namespace persona::test {

class faulty_env final : public file_env {
 public:
  static constexpr uint64_t unlimited = std::numeric_limits<uint64_t>::max();

  /// How many more bytes fit on the disk; `unlimited` for no bound.
  void set_free_space(uint64_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    free_space_ = bytes;
  }
  /// The most one write(2) takes; 0 for no bound.
  void set_max_write(size_t bytes) { max_write_ = bytes; }
  /// The next `keep` bytes go through, then one write fails with EIO.
  void fail_next_write(uint64_t keep) {
    std::lock_guard<std::mutex> lock(mu_);
    tear_after_ = keep;
  }
  /// Whether file and directory syncs fail with EIO.
  void set_fail_syncs(bool on) { fail_syncs_ = on; }
  /// Whether renames fail with EIO.
  void set_fail_renames(bool on) { fail_renames_ = on; }

  /// Bytes written through this env.
  uint64_t bytes_written() const { return bytes_written_; }
  /// Syncs attempted (files and directories), failed ones included.
  uint64_t syncs() const { return syncs_; }

  result<std::unique_ptr<writable_file>> open_for_append(const std::string& path) override {
    return wrap(posix_env().open_for_append(path));
  }
  result<std::unique_ptr<writable_file>> create_for_write(const std::string& path) override {
    return wrap(posix_env().create_for_write(path));
  }
  result<std::unique_ptr<readable_file>> open_for_read(const std::string& path) override {
    return posix_env().open_for_read(path);
  }
  status sync_directory(const std::string& dir) override {
    ++syncs_;
    if (fail_syncs_)
      return io_error("syncing directory", dir, EIO);
    return posix_env().sync_directory(dir);
  }
  status make_directories(const std::string& dir) override { return posix_env().make_directories(dir); }
  status rename_file(const std::string& from, const std::string& to) override {
    if (fail_renames_)
      return io_error("renaming to '" + to + "' from", from, EIO);
    return posix_env().rename_file(from, to);
  }
  status truncate_file(const std::string& path, uint64_t size) override {
    return posix_env().truncate_file(path, size);
  }
  status remove_file(const std::string& path) override { return posix_env().remove_file(path); }
  result<uint64_t> file_size(const std::string& path) override { return posix_env().file_size(path); }
  result<std::vector<std::string>> list_directory(const std::string& dir) override {
    return posix_env().list_directory(dir);
  }

 private:
  class file final : public writable_file {
   public:
    file(faulty_env& env, std::unique_ptr<writable_file> base)
        : writable_file(base->path()), env_(env), base_(std::move(base)) {}

    result<size_t> write_some(const char* p, size_t n) override { return env_.write(*base_, p, n); }
    status sync() override {
      ++env_.syncs_;
      if (env_.fail_syncs_)
        return io_error("syncing", path(), EIO);
      return base_->sync();
    }

   private:
    faulty_env& env_;
    std::unique_ptr<writable_file> base_;
  };

  result<std::unique_ptr<writable_file>> wrap(result<std::unique_ptr<writable_file>> base) {
    if (!base.ok())
      return base;
    return std::unique_ptr<writable_file>(std::make_unique<file>(*this, std::move(*base)));
  }

  /// One write(2) to `base` of at most `n` bytes, as the switches allow.
  result<size_t> write(writable_file& base, const char* p, size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    if (tear_after_ == 0) {
      tear_after_ = unlimited;
      return io_error("writing", base.path(), EIO);
    }
    if (free_space_ == 0)
      return io_error("writing", base.path(), ENOSPC);
    uint64_t allowed = std::min<uint64_t>({n, free_space_, tear_after_});
    if (size_t cap = max_write_; cap > 0)
      allowed = std::min<uint64_t>(allowed, cap);
    auto written = base.write_some(p, static_cast<size_t>(allowed));
    if (!written.ok())
      return written;
    bytes_written_ += *written;
    if (free_space_ != unlimited)
      free_space_ -= *written;
    if (tear_after_ != unlimited)
      tear_after_ -= *written;
    return written;
  }

  std::mutex mu_;
  uint64_t free_space_ = unlimited;
  uint64_t tear_after_ = unlimited;
  std::atomic<size_t> max_write_{0};
  std::atomic<bool> fail_syncs_{false};
  std::atomic<bool> fail_renames_{false};
  std::atomic<uint64_t> bytes_written_{0};
  std::atomic<uint64_t> syncs_{0};
};

}  // namespace persona::test
