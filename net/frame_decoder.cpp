#include "net/frame_decoder.hpp"

#include <algorithm>
#include <cstring>

namespace persona::net {

namespace {

msgpack::unpack_limit limits(size_t max_bytes) {
  auto elements = frame_decoder::max_elements;
  return msgpack::unpack_limit(elements, elements, max_bytes, max_bytes, max_bytes, frame_decoder::max_depth);
}

/// Strings and binaries are copied into the message's zone, so a message
/// never points into the receive buffer.
bool never_reference(msgpack::type::object_type, std::size_t, void*) {
  return false;
}

uint64_t read_be(const unsigned char* p, size_t n) {
  uint64_t x = 0;
  for (size_t i = 0; i < n; ++i)
    x = (x << 8) | p[i];
  return x;
}

}  // namespace

std::optional<uint32_t> peek_request_msgid(const char* data, size_t n) {
  auto* p = reinterpret_cast<const unsigned char*>(data);
  size_t pos = 0;
  if (n < 1)
    return std::nullopt;
  if (p[0] == 0x94) {
    pos = 1;
  } else if (p[0] == 0xdc && n >= 3 && read_be(p + 1, 2) == 4) {
    pos = 3;
  } else if (p[0] == 0xdd && n >= 5 && read_be(p + 1, 4) == 4) {
    pos = 5;
  } else {
    return std::nullopt;
  }
  if (pos >= n || p[pos] != 0x00)  // type 0: request
    return std::nullopt;
  ++pos;
  if (pos >= n)
    return std::nullopt;
  unsigned char tag = p[pos++];
  if (tag <= 0x7f)
    return tag;
  size_t width = tag == 0xcc ? 1 : tag == 0xcd ? 2 : tag == 0xce ? 4 : 0;
  if (width == 0 || pos + width > n)
    return std::nullopt;
  return static_cast<uint32_t>(read_be(p + pos, width));
}

frame_decoder::frame_decoder(size_t max_message_bytes)
    : max_message_bytes_(max_message_bytes),
      unpacker_(&never_reference, nullptr, MSGPACK_UNPACKER_INIT_BUFFER_SIZE, limits(max_message_bytes)) {}

char* frame_decoder::prepare(size_t n) {
  unpacker_.reserve_buffer(n);
  return unpacker_.buffer();
}

void frame_decoder::commit(size_t n) {
  if (head_.size() < head_bytes)
    head_.append(unpacker_.buffer(), std::min(n, head_bytes - head_.size()));
  unpacker_.buffer_consumed(n);
}

void frame_decoder::feed(const char* data, size_t n) {
  std::memcpy(prepare(n), data, n);
  commit(n);
}

void frame_decoder::peek_msgid() {
  failed_msgid_ = peek_request_msgid(head_.data(), head_.size());
}

frame_decoder::outcome frame_decoder::next(msgpack::object_handle& out) {
  try {
    if (unpacker_.next(out)) {
      // The next message starts right here, in bytes already received.
      head_.assign(unpacker_.nonparsed_buffer(), std::min(unpacker_.nonparsed_size(), head_bytes));
      return outcome::message;
    }
  } catch (const msgpack::size_overflow& e) {
    peek_msgid();
    failure_ = std::string("a declared length exceeds the node's limits (") + e.what() + ")";
    return outcome::too_large;
  } catch (const std::bad_alloc&) {
    peek_msgid();
    failure_ = "a declared length could not be allocated";
    return outcome::too_large;
  } catch (const std::exception& e) {
    peek_msgid();
    failure_ = std::string("the bytes are not msgpack (") + e.what() + ")";
    return outcome::malformed;
  }
  if (unpacker_.nonparsed_size() > max_message_bytes_) {
    peek_msgid();
    failure_ = "a message is larger than max_message_bytes (" + std::to_string(max_message_bytes_) + ")";
    return outcome::too_large;
  }
  return outcome::need_more;
}

}  // namespace persona::net
