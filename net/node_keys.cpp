#include "net/node_keys.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/os/secret_file.hpp"

namespace persona::net {

namespace {

status random_bytes(char* p, size_t n) {
  while (n > 0) {
    ssize_t got = ::getrandom(p, n, 0);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return {error_code::internal, std::string("no random bytes for a key: ") + std::strerror(errno)};
    p += got;
    n -= static_cast<size_t>(got);
  }
  return {};
}

/// Creates `dir` (mode 0700) unless it exists.
status make_private_directory(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST)
    return {};
  return {error_code::unavailable,
          "cannot create data directory " + dir + ": " + std::strerror(errno) + "; check its parent"};
}

/// Writes `bytes` to a new file `path` with mode 0600 and syncs it; fails
/// when the file exists (a racing start made it: read that one instead).
status write_new_secret(const std::string& path, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return {error_code::unavailable, "cannot create " + path + ": " + std::strerror(errno)};
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      ::close(fd);
      ::unlink(path.c_str());
      return {error_code::unavailable, "cannot write " + path + ": " + std::strerror(errno)};
    }
    done += static_cast<size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) {
    ::unlink(path.c_str());
    return {error_code::unavailable, "cannot sync " + path + ": " + std::strerror(errno)};
  }
  return {};
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string default_hash_key_path(const std::string& data_dir) {
  return data_dir + "/hash.key";
}

result<siphash_key> load_node_hash_key(const node_config& config, std::string& origin) {
  if (!config.hash_key_file.empty()) {
    auto secret = read_secret_file(config.hash_key_file, min_hash_key_bytes);
    if (!secret.ok())
      return status{error_code::bad_request, "--hash-key-file: " + secret.error().message() + " (at least " +
                                                 std::to_string(min_hash_key_bytes) +
                                                 " bytes, e.g. head -c 32 /dev/urandom)"};
    origin = config.hash_key_file;
    return siphash_key::from_bytes(*secret);
  }
  if (config.data_dir.empty()) {
    std::string bytes(generated_hash_key_bytes, '\0');
    if (auto st = random_bytes(bytes.data(), bytes.size()); !st.ok())
      return st;
    origin = "a random key for this process (memory only)";
    return siphash_key::from_bytes(bytes);
  }
  auto path = default_hash_key_path(config.data_dir);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (auto made = make_private_directory(config.data_dir); !made.ok())
      return made;
    std::string bytes(generated_hash_key_bytes, '\0');
    if (auto r = random_bytes(bytes.data(), bytes.size()); !r.ok())
      return r;
    auto written = write_new_secret(path, bytes);
    if (written.ok()) {
      origin = path + " (made now)";
      return siphash_key::from_bytes(bytes);
    }
    if (::stat(path.c_str(), &st) != 0)
      return written;
  }
  auto secret = read_secret_file(path, min_hash_key_bytes);
  if (!secret.ok())
    return status{error_code::bad_request,
                  secret.error().message() +
                      " (the node's hash key; keep it, or the hashes of devices, "
                      "geos, sessions and pseudonymised users on disk no longer match)"};
  origin = path;
  return siphash_key::from_bytes(*secret);
}

result<siphash_key> load_node_hash_key(const node_config& config) {
  std::string origin;
  return load_node_hash_key(config, origin);
}

result<std::string> load_node_encrypt_key(const node_config& config) {
  if (config.encrypt_key_file.empty())
    return std::string();
  auto secret = read_secret_file(config.encrypt_key_file, 32);
  if (!secret.ok())
    return status{error_code::bad_request, "--encrypt-key-file: " + secret.error().message()};
  const std::string& s = *secret;
  if (s.size() == 32)
    return s;
  if (s.size() == 64) {
    std::string key(32, '\0');
    for (size_t i = 0; i < 32; ++i) {
      int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
      if (hi < 0 || lo < 0)
        return status{error_code::bad_request, "--encrypt-key-file: 64 bytes that are not all hex digits"};
      key[i] = static_cast<char>(hi * 16 + lo);
    }
    return key;
  }
  return status{error_code::bad_request,
                "--encrypt-key-file: " + std::to_string(s.size()) +
                    " bytes; it must hold 32 raw bytes or 64 hex digits (openssl rand -hex 32 > FILE)"};
}

}  // namespace persona::net
