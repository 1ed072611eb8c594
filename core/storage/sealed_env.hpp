// sealed_env: a file_env that passes every call to another one and carries
// a record_seal, so the WAL, snapshots and the item model's state written
// and read through it are sealed with AES-256-GCM (record_seal.hpp). The
// engine wraps its file system in one when given an encryption key. As
// thread-safe as the env it wraps; it must outlive every file user.
#pragma once

#include <memory>

#include "core/storage/file_env.hpp"
#include "core/storage/record_seal.hpp"

namespace persona {

class sealed_env : public file_env {
 public:
  /// Passes calls to `inner` (which must outlive this) and seals with `seal`.
  sealed_env(file_env& inner, std::shared_ptr<const record_seal> seal)
      : inner_(inner), seal_(std::move(seal)) {}

  result<std::unique_ptr<writable_file>> open_for_append(const std::string& path) override {
    return inner_.open_for_append(path);
  }
  result<std::unique_ptr<writable_file>> create_for_write(const std::string& path) override {
    return inner_.create_for_write(path);
  }
  result<std::unique_ptr<readable_file>> open_for_read(const std::string& path) override {
    return inner_.open_for_read(path);
  }
  status sync_directory(const std::string& dir) override { return inner_.sync_directory(dir); }
  status make_directories(const std::string& dir) override { return inner_.make_directories(dir); }
  status rename_file(const std::string& from, const std::string& to) override {
    return inner_.rename_file(from, to);
  }
  status truncate_file(const std::string& path, uint64_t size) override {
    return inner_.truncate_file(path, size);
  }
  status remove_file(const std::string& path) override { return inner_.remove_file(path); }
  result<uint64_t> file_size(const std::string& path) override { return inner_.file_size(path); }
  result<std::vector<std::string>> list_directory(const std::string& dir) override {
    return inner_.list_directory(dir);
  }
  const record_seal* seal() const override { return seal_.get(); }

 private:
  file_env& inner_;
  std::shared_ptr<const record_seal> seal_;
};

}  // namespace persona
