// file_io: the few POSIX file operations durability needs, with errors as
// status values that name the file and what to do: an owning descriptor,
// writes, fsync of files and directories, atomic rename, directory listing,
// the data directory's lock. Pure C++ over POSIX; no buffering of its own.
// Storage code reaches files through a file_env (file_env.hpp), whose POSIX
// implementation makes these calls; only the lock is taken here directly.
// Any thread may call them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.hpp"

namespace persona {

/// An open file descriptor, closed on destruction. Move-only.
class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(unique_fd&& o) noexcept : fd_(o.release()) {}
  unique_fd& operator=(unique_fd&& o) noexcept;
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd();

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

/// Opens `path` for appending (created if absent, mode 0600).
result<unique_fd> open_for_append(const std::string& path);
/// Creates `path` for writing, truncating it (mode 0600).
result<unique_fd> create_for_write(const std::string& path);
/// Opens `path` read-only.
result<unique_fd> open_for_read(const std::string& path);

/// An error of `what` on `path` (e.g. "writing") for the errno `err`,
/// with what to check.
status io_error(const std::string& what, const std::string& path, int err);

/// Writes some of the `n` bytes at `p` (write(2), retried on EINTR);
/// how many were written.
result<size_t> write_some(int fd, const char* p, size_t n, const std::string& path);
/// Reads up to `n` bytes into `p` (read(2), retried on EINTR); how many
/// were read, 0 at the end of the file.
result<size_t> read_some(int fd, char* p, size_t n, const std::string& path);
/// Writes all of `bytes`, retrying short writes and EINTR.
status write_all(int fd, std::string_view bytes, const std::string& path);
/// Flushes the file's data to the device (fdatasync).
status sync_data(int fd, const std::string& path);
/// Flushes a directory's entries (after a create, rename or remove in it).
status sync_directory(const std::string& dir);
/// Creates `dir` (mode 0700) and its parents (0755) if absent.
status make_directories(const std::string& dir);
/// Takes every right of group and others away from `dir`, the directories
/// under it and their regular files (symbolic links are left alone);
/// the paths it changed.
result<std::vector<std::string>> restrict_to_owner(const std::string& dir);
/// Renames atomically within one file system.
status rename_file(const std::string& from, const std::string& to);
/// Cuts `path` to `size` bytes.
status truncate_file(const std::string& path, uint64_t size);
/// Removes a file; a missing file is not an error.
status remove_file(const std::string& path);
/// Size of `path` in bytes, or an error.
result<uint64_t> file_size(const std::string& path);
/// Names (not paths) of the entries of `dir`, unsorted.
result<std::vector<std::string>> list_directory(const std::string& dir);
/// Takes an exclusive advisory lock on `path` (created if absent) for as
/// long as the returned descriptor stays open; an error when another
/// process holds it.
result<unique_fd> lock_file(const std::string& path);

}  // namespace persona
