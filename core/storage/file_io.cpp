#include "core/storage/file_io.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace persona {

namespace {

result<unique_fd> open_with(const std::string& path, int flags, const char* what) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0600);
  if (fd < 0)
    return io_error(what, path, errno);
  return unique_fd(fd);
}

}  // namespace

status io_error(const std::string& what, const std::string& path, int err) {
  return {error_code::unavailable, what + " '" + path + "' failed: " + std::strerror(err) +
                                       "; check the data directory's permissions and free space"};
}

unique_fd& unique_fd::operator=(unique_fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

unique_fd::~unique_fd() {
  if (fd_ >= 0)
    ::close(fd_);
}

result<unique_fd> open_for_append(const std::string& path) {
  return open_with(path, O_WRONLY | O_CREAT | O_APPEND, "opening for append");
}

result<unique_fd> create_for_write(const std::string& path) {
  return open_with(path, O_WRONLY | O_CREAT | O_TRUNC, "creating");
}

result<unique_fd> open_for_read(const std::string& path) {
  return open_with(path, O_RDONLY, "opening");
}

result<size_t> write_some(int fd, const char* p, size_t n, const std::string& path) {
  for (;;) {
    auto written = ::write(fd, p, n);
    if (written >= 0)
      return static_cast<size_t>(written);
    if (errno != EINTR)
      return io_error("writing", path, errno);
  }
}

result<size_t> read_some(int fd, char* p, size_t n, const std::string& path) {
  for (;;) {
    auto got = ::read(fd, p, n);
    if (got >= 0)
      return static_cast<size_t>(got);
    if (errno != EINTR)
      return io_error("reading", path, errno);
  }
}

status write_all(int fd, std::string_view bytes, const std::string& path) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    auto n = write_some(fd, p, left, path);
    if (!n.ok())
      return n.error();
    p += *n;
    left -= *n;
  }
  return {};
}

status sync_data(int fd, const std::string& path) {
  while (::fdatasync(fd) != 0) {
    if (errno != EINTR)
      return io_error("syncing", path, errno);
  }
  return {};
}

status sync_directory(const std::string& dir) {
  auto fd = open_with(dir, O_RDONLY | O_DIRECTORY, "opening directory");
  if (!fd.ok())
    return fd.error();
  while (::fsync(fd->get()) != 0) {
    if (errno != EINTR)
      return io_error("syncing directory", dir, errno);
  }
  return {};
}

status make_directories(const std::string& dir) {
  if (dir.empty())
    return {};
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/')
      continue;
    auto prefix = dir.substr(0, pos);
    // The data directory itself is the owner's only; parents it makes are not.
    if (::mkdir(prefix.c_str(), pos == dir.size() ? 0700 : 0755) != 0 && errno != EEXIST)
      return io_error("creating directory", prefix, errno);
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return {error_code::unavailable,
            "'" + dir + "' exists but is not a directory; choose another data directory"};
  return {};
}

status rename_file(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    return io_error("renaming to '" + to + "' from", from, errno);
  return {};
}

status truncate_file(const std::string& path, uint64_t size) {
  if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0)
    return io_error("truncating", path, errno);
  return {};
}

status remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return io_error("removing", path, errno);
  return {};
}

result<uint64_t> file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return io_error("reading the size of", path, errno);
  return static_cast<uint64_t>(st.st_size);
}

result<std::vector<std::string>> list_directory(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d)
    return io_error("listing", dir, errno);
  std::vector<std::string> names;
  while (auto* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..")
      names.push_back(std::move(name));
  }
  ::closedir(d);
  return names;
}

result<std::vector<std::string>> restrict_to_owner(const std::string& dir) {
  std::vector<std::string> changed;
  struct stat st {};
  auto tighten = [&](const std::string& path, mode_t keep) -> status {
    if (::lstat(path.c_str(), &st) != 0)
      return io_error("reading the mode of", path, errno);
    if (S_ISLNK(st.st_mode) || (st.st_mode & 077) == 0)
      return {};
    if (::chmod(path.c_str(), st.st_mode & keep) != 0)
      return io_error("restricting the mode of", path, errno);
    changed.push_back(path);
    return {};
  };
  if (auto s = tighten(dir, 0700); !s.ok())
    return s;
  auto names = list_directory(dir);
  if (!names.ok())
    return names.error();
  for (auto& name : *names) {
    std::string path = dir;
    path.append("/").append(name);
    if (::lstat(path.c_str(), &st) != 0)
      continue;  // removed meanwhile
    if (S_ISDIR(st.st_mode)) {
      auto inner = restrict_to_owner(path);
      if (!inner.ok())
        return inner.error();
      changed.insert(changed.end(), inner->begin(), inner->end());
    } else if (S_ISREG(st.st_mode)) {
      if (auto s = tighten(path, 0700); !s.ok())
        return s;
    }
  }
  return changed;
}

result<unique_fd> lock_file(const std::string& path) {
  auto fd = open_with(path, O_RDWR | O_CREAT, "opening lock file");
  if (!fd.ok())
    return fd.error();
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0)
    return status{error_code::unavailable, "the data directory is in use by another process (lock '" + path +
                                               "' is held); stop that node or choose another --data-dir"};
  return fd;
}

}  // namespace persona
