// frame_decoder: cuts a MessagePack-RPC byte stream into messages, without
// any I/O: the session writes received bytes into it and takes messages out.
// It enforces the size limit (a message larger than max_message_bytes is an
// error, reported with its msgid when the header could be read) and bounds
// what a message may declare (array and map lengths, nesting), so a forged
// length cannot make the node allocate without end. Owned by one session.
#pragma once

#include <cstddef>
#include <cstdint>
#include <msgpack.hpp>
#include <optional>
#include <string>

namespace persona::net {

class frame_decoder {
 public:
  /// Elements one array or map may declare.
  static constexpr size_t max_elements = 1u << 20;
  /// Nesting depth of one message.
  static constexpr size_t max_depth = 64;

  explicit frame_decoder(size_t max_message_bytes);

  /// A buffer of at least `n` bytes to receive into; then call commit().
  char* prepare(size_t n);
  /// Declares `n` bytes of the prepared buffer filled.
  void commit(size_t n);
  /// Copies bytes in (prepare + memcpy + commit).
  void feed(const char* data, size_t n);

  enum class outcome { message, need_more, too_large, malformed };

  /// The next complete message, if any. After too_large or malformed the
  /// stream cannot be resynchronised: the caller closes the connection.
  outcome next(msgpack::object_handle& out);

  /// The msgid of the message that caused too_large or malformed, when its
  /// header was readable.
  std::optional<uint32_t> failed_msgid() const { return failed_msgid_; }
  /// What was wrong, for logs and error replies.
  const std::string& failure() const { return failure_; }

 private:
  void peek_msgid();

  /// The first bytes of the message being received, kept for peek_msgid:
  /// the unpacker drops a partial message's consumed bytes when it grows.
  static constexpr size_t head_bytes = 16;
  std::string head_;
  size_t max_message_bytes_;
  msgpack::unpacker unpacker_;
  std::optional<uint32_t> failed_msgid_;
  std::string failure_;
};

/// Reads the msgid of a request whose first bytes are `data` (an array of 4
/// starting with 0), if those bytes hold it.
std::optional<uint32_t> peek_request_msgid(const char* data, size_t n);

}  // namespace persona::net
