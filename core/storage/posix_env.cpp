// The POSIX file_env (file_env.hpp): each call is the file_io.hpp call of
// the same name on a descriptor the file object owns.
#include "core/storage/file_env.hpp"
#include "core/storage/file_io.hpp"

namespace persona {

namespace {

class posix_writable_file final : public writable_file {
 public:
  posix_writable_file(std::string path, unique_fd fd) : writable_file(std::move(path)), fd_(std::move(fd)) {}

  result<size_t> write_some(const char* p, size_t n) override {
    return persona::write_some(fd_.get(), p, n, path());
  }
  status sync() override { return sync_data(fd_.get(), path()); }

 private:
  unique_fd fd_;
};

class posix_readable_file final : public readable_file {
 public:
  posix_readable_file(std::string path, unique_fd fd) : readable_file(std::move(path)), fd_(std::move(fd)) {}

  result<size_t> read(char* p, size_t n) override { return read_some(fd_.get(), p, n, path()); }

 private:
  unique_fd fd_;
};

result<std::unique_ptr<writable_file>> writable(const std::string& path, result<unique_fd> fd) {
  if (!fd.ok())
    return fd.error();
  return std::unique_ptr<writable_file>(std::make_unique<posix_writable_file>(path, std::move(*fd)));
}

class posix_file_env final : public file_env {
 public:
  result<std::unique_ptr<writable_file>> open_for_append(const std::string& path) override {
    return writable(path, persona::open_for_append(path));
  }
  result<std::unique_ptr<writable_file>> create_for_write(const std::string& path) override {
    return writable(path, persona::create_for_write(path));
  }
  result<std::unique_ptr<readable_file>> open_for_read(const std::string& path) override {
    auto fd = persona::open_for_read(path);
    if (!fd.ok())
      return fd.error();
    return std::unique_ptr<readable_file>(std::make_unique<posix_readable_file>(path, std::move(*fd)));
  }
  status sync_directory(const std::string& dir) override { return persona::sync_directory(dir); }
  status make_directories(const std::string& dir) override { return persona::make_directories(dir); }
  status rename_file(const std::string& from, const std::string& to) override {
    return persona::rename_file(from, to);
  }
  status truncate_file(const std::string& path, uint64_t size) override {
    return persona::truncate_file(path, size);
  }
  status remove_file(const std::string& path) override { return persona::remove_file(path); }
  result<uint64_t> file_size(const std::string& path) override { return persona::file_size(path); }
  result<std::vector<std::string>> list_directory(const std::string& dir) override {
    return persona::list_directory(dir);
  }
};

}  // namespace

file_env& posix_env() {
  static posix_file_env env;
  return env;
}

}  // namespace persona
