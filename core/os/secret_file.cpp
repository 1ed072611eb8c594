#include "core/os/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace persona {

namespace {

status refuse(const std::string& path, const std::string& why) {
  return {error_code::bad_request, "secret file " + path + ": " + why};
}

}  // namespace

result<std::string> read_secret_file(const std::string& path, size_t min_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return refuse(path, std::string(std::strerror(errno)) + "; give the path of an existing file");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return refuse(path, "not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return refuse(path, std::string("mode ") + mode + " lets others read it; run chmod 600 " + path);
  }
  std::string bytes;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return refuse(path, std::strerror(err));
    }
    if (n == 0)
      break;
    bytes.append(buf, static_cast<size_t>(n));
    if (bytes.size() > (1u << 20)) {
      ::close(fd);
      return refuse(path, "larger than 1 MiB; a secret file holds a key or a token list");
    }
  }
  ::close(fd);
  if (!bytes.empty() && bytes.back() == '\n')
    bytes.pop_back();
  if (!bytes.empty() && bytes.back() == '\r')
    bytes.pop_back();
  if (bytes.size() < min_bytes)
    return refuse(path, "holds " + std::to_string(bytes.size()) + " bytes, at least " +
                            std::to_string(min_bytes) +
                            " are needed; write a longer secret (e.g. head -c 32 /dev/urandom | base64)");
  return bytes;
}

}  // namespace persona
