// fuzz_input: what the libFuzzer harnesses of tests/fuzz/ share: the input
// as a string, msgpack bytes unpacked under the bounds a session applies,
// and a file system of one in-memory file for the readers of files.
// For the harnesses only; one input at a time, on libFuzzer's thread.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <msgpack.hpp>
#include <optional>
#include <string>

#include "core/storage/file_env.hpp"

namespace persona::fuzz {

inline std::string as_string(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

/// Unpacks one msgpack object with every declared size bounded by the
/// input's length (as the network decoder bounds a frame); nullopt when the
/// bytes are not one whole object.
inline std::optional<msgpack::object_handle> unpack(const std::string& bytes) {
  size_t n = bytes.size();
  try {
    return msgpack::unpack(bytes.data(), n, nullptr, nullptr, msgpack::unpack_limit(n, n, n, n, n, 32));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

/// A file system holding one file, `bytes`, under any name; nothing written.
class one_file_env final : public file_env {
 public:
  explicit one_file_env(std::string bytes) : bytes_(std::move(bytes)) {}

  result<std::unique_ptr<writable_file>> open_for_append(const std::string& path) override {
    return refused(path);
  }
  result<std::unique_ptr<writable_file>> create_for_write(const std::string& path) override {
    return refused(path);
  }
  result<std::unique_ptr<readable_file>> open_for_read(const std::string& path) override {
    return std::unique_ptr<readable_file>(new memory_file(path, bytes_));
  }
  status sync_directory(const std::string&) override { return {}; }
  status make_directories(const std::string&) override { return {}; }
  status rename_file(const std::string& from, const std::string&) override { return refused(from).error(); }
  status truncate_file(const std::string& path, uint64_t) override { return refused(path).error(); }
  status remove_file(const std::string&) override { return {}; }
  result<uint64_t> file_size(const std::string&) override { return uint64_t{bytes_.size()}; }
  result<std::vector<std::string>> list_directory(const std::string&) override {
    return std::vector<std::string>{};
  }

 private:
  class memory_file final : public readable_file {
   public:
    memory_file(std::string path, const std::string& bytes) : readable_file(std::move(path)), bytes_(bytes) {}
    result<size_t> read(char* p, size_t n) override {
      size_t k = std::min(n, bytes_.size() - at_);
      if (k > 0)
        std::memcpy(p, bytes_.data() + at_, k);
      at_ += k;
      return k;
    }

   private:
    const std::string& bytes_;
    size_t at_ = 0;
  };

  static result<std::unique_ptr<writable_file>> refused(const std::string& path) {
    return status{error_code::unavailable, "'" + path + "' is read-only under the fuzz harness"};
  }

  std::string bytes_;
};

/// Turns the input into framed records with good checksums, so the
/// fuzzer reaches the payload decoders behind the CRC: the input is read
/// as chunks of (u8 kind, u16 length, payload); a short last chunk takes
/// what is left. Sequence numbers count from `first_seq`.
template <class Append>
std::string framed_records(const std::string& in, uint64_t first_seq, Append append) {
  std::string out;
  size_t at = 0;
  uint64_t seq = first_seq;
  while (at + 3 <= in.size()) {
    auto kind = static_cast<uint8_t>(in[at]);
    size_t len = static_cast<uint8_t>(in[at + 1]) | (size_t{static_cast<uint8_t>(in[at + 2])} << 8);
    at += 3;
    len = std::min(len, in.size() - at);
    append(out, seq++, kind, std::string_view(in.data() + at, len));
    at += len;
  }
  return out;
}

}  // namespace persona::fuzz
