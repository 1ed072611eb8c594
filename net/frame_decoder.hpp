// frame_decoder: cuts a MessagePack-RPC byte stream into messages, without
// any I/O: the session writes received bytes into it and takes messages out.
// It enforces the size limit (a message larger than max_message_bytes is an
// error, reported with its msgid when the header could be read) and bounds
// what a message may declare: a message_walker reads its headers as the
// bytes arrive and refuses a declared length that the bytes still to come
// cannot hold, or whose decoding would pass the decode budget; the msgpack
// unpacker runs only on a message whose bytes have all arrived, so nothing
// is allocated for what a header only declares. Owned by one session.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <msgpack.hpp>
#include <optional>
#include <string>

#include "net/message_walker.hpp"

namespace persona::net {

class frame_decoder {
 public:
  /// Elements one array or map may declare.
  static constexpr size_t max_elements = 1u << 20;
  /// Nesting depth of one message.
  static constexpr size_t max_depth = 64;
  /// No bound on the bytes a message takes decoded (a client reading its
  /// node's replies).
  static constexpr size_t unbounded = std::numeric_limits<size_t>::max();

  /// `max_decode_bytes` bounds what one message takes once decoded (its
  /// objects, copied strings and zone).
  explicit frame_decoder(size_t max_message_bytes, size_t max_decode_bytes = unbounded);

  /// A buffer of at least `n` bytes to receive into; then call commit().
  char* prepare(size_t n);
  /// Declares `n` bytes of the prepared buffer filled.
  void commit(size_t n);
  /// Copies bytes in (prepare + memcpy + commit).
  void feed(const char* data, size_t n);

  enum class outcome { message, need_more, too_large, malformed, over_budget };

  /// The next complete message, if any. `budget_left` is what the caller
  /// can still hold decoded: a complete message that would take more is
  /// left buffered and over_budget returned (call again once the caller
  /// has room). After too_large or malformed the stream cannot be
  /// resynchronised: the caller closes the connection.
  outcome next(msgpack::object_handle& out, size_t budget_left = unbounded);

  /// Bytes the message next() returned (or found over budget) takes decoded.
  size_t message_cost() const { return message_cost_; }
  /// Whether part of a message has arrived and not the rest.
  bool in_message() const { return unpacker_.nonparsed_size() > 0; }

  /// The msgid of the message that caused too_large or malformed, when its
  /// header was readable.
  std::optional<uint32_t> failed_msgid() const { return failed_msgid_; }
  /// What was wrong, for logs and error replies.
  const std::string& failure() const { return failure_; }

 private:
  outcome fail(outcome o, std::string why);

  size_t max_message_bytes_;
  msgpack::unpacker unpacker_;
  message_walker walker_;
  size_t message_cost_ = 0;
  std::optional<uint32_t> failed_msgid_;
  std::string failure_;
};

/// Reads the msgid of a request whose first bytes are `data` (an array of 4
/// starting with 0), if those bytes hold it.
std::optional<uint32_t> peek_request_msgid(const char* data, size_t n);

}  // namespace persona::net
