// file_env: the file system as durability sees it, behind a small interface
// (like LevelDB's Env), so that tests can put a failing disk under the WAL,
// snapshots and recovery: a full disk, a failed sync, a torn write, a failed
// rename (tests/core/storage/faulty_env.hpp). posix_env() is the real one
// and the default everywhere: the same system calls as file_io.hpp, one
// virtual call each, no buffering and no copies of its own.
//
// Errors are status values (`unavailable`) that name the file and what to
// check. An env is used by many threads at once (shards, WAL and snapshot
// writer threads, recovery threads), so its methods are thread-safe; a
// writable_file or readable_file is used by one thread at a time.
//
// The data directory's lock is not here (file_io.hpp lock_file): it keeps
// a second process out, which is no fault of the disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.hpp"

namespace persona {

class record_seal;

/// A file open for writing at its end; closed on destruction.
class writable_file {
 public:
  explicit writable_file(std::string path) : path_(std::move(path)) {}
  virtual ~writable_file() = default;
  writable_file(const writable_file&) = delete;
  writable_file& operator=(const writable_file&) = delete;

  /// Writes all of `bytes`, going on after short writes.
  status append(std::string_view bytes);
  /// Writes some of the `n` bytes at `p` (one write(2)); how many.
  virtual result<size_t> write_some(const char* p, size_t n) = 0;
  /// Flushes the file's data to the device (fdatasync).
  virtual status sync() = 0;
  /// The file's path, for messages.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// A file open for reading from its start; closed on destruction.
class readable_file {
 public:
  explicit readable_file(std::string path) : path_(std::move(path)) {}
  virtual ~readable_file() = default;
  readable_file(const readable_file&) = delete;
  readable_file& operator=(const readable_file&) = delete;

  /// Reads up to `n` bytes into `p`; how many, 0 at the end of the file.
  virtual result<size_t> read(char* p, size_t n) = 0;
  /// The file's path, for messages.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// The file operations of the WAL, snapshots and recovery.
class file_env {
 public:
  virtual ~file_env() = default;

  /// Opens `path` for appending (created if absent, mode 0600).
  virtual result<std::unique_ptr<writable_file>> open_for_append(const std::string& path) = 0;
  /// Creates `path` for writing, truncating it (mode 0600).
  virtual result<std::unique_ptr<writable_file>> create_for_write(const std::string& path) = 0;
  /// Opens `path` to read.
  virtual result<std::unique_ptr<readable_file>> open_for_read(const std::string& path) = 0;
  /// Flushes a directory's entries (after a create, rename or remove in it).
  virtual status sync_directory(const std::string& dir) = 0;
  /// Creates `dir` (mode 0700) and its parents if absent.
  virtual status make_directories(const std::string& dir) = 0;
  /// Renames atomically within one file system.
  virtual status rename_file(const std::string& from, const std::string& to) = 0;
  /// Cuts `path` to `size` bytes.
  virtual status truncate_file(const std::string& path, uint64_t size) = 0;
  /// Removes a file; a missing file is not an error.
  virtual status remove_file(const std::string& path) = 0;
  /// Size of `path` in bytes.
  virtual result<uint64_t> file_size(const std::string& path) = 0;
  /// Names (not paths) of the entries of `dir`, unsorted.
  virtual result<std::vector<std::string>> list_directory(const std::string& dir) = 0;

  /// The whole content of `path`.
  result<std::string> read_file(const std::string& path);
  /// The seal of the records written and read through this env
  /// (record_seal.hpp; sealed_env.hpp gives one); null: records in clear.
  virtual const record_seal* seal() const { return nullptr; }
};

/// The POSIX file system, shared by the whole process.
file_env& posix_env();

}  // namespace persona
