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

frame_decoder::frame_decoder(size_t max_message_bytes, size_t max_decode_bytes)
    : max_message_bytes_(max_message_bytes),
      unpacker_(&never_reference, nullptr, MSGPACK_UNPACKER_INIT_BUFFER_SIZE, limits(max_message_bytes)),
      walker_(max_message_bytes, max_decode_bytes, max_elements, max_depth) {}

char* frame_decoder::prepare(size_t n) {
  unpacker_.reserve_buffer(n);
  return unpacker_.buffer();
}

void frame_decoder::commit(size_t n) {
  unpacker_.buffer_consumed(n);
}

void frame_decoder::feed(const char* data, size_t n) {
  std::memcpy(prepare(n), data, n);
  commit(n);
}

frame_decoder::outcome frame_decoder::fail(outcome o, std::string why) {
  // The unpacker has consumed nothing of the message: its first bytes are
  // still the head of what is buffered.
  failed_msgid_ = peek_request_msgid(unpacker_.nonparsed_buffer(), unpacker_.nonparsed_size());
  failure_ = std::move(why);
  return o;
}

frame_decoder::outcome frame_decoder::next(msgpack::object_handle& out, size_t budget_left) {
  size_t buffered = unpacker_.nonparsed_size();
  if (buffered == 0)
    return outcome::need_more;
  auto walked = walker_.walk(unpacker_.nonparsed_buffer(), buffered);
  if (walked == message_walker::state::too_large)
    return fail(outcome::too_large,
                "a declared length exceeds the node's limits (" + walker_.failure() + ")");
  if (walked == message_walker::state::malformed)
    return fail(outcome::malformed, walker_.failure());
  if (walker_.length() > max_message_bytes_)
    return fail(outcome::too_large,
                "a message is larger than max_message_bytes (" + std::to_string(max_message_bytes_) + ")");
  if (walked == message_walker::state::incomplete)
    return outcome::need_more;
  message_cost_ = walker_.decode_bytes();
  if (message_cost_ > budget_left)
    return outcome::over_budget;
  try {
    if (!unpacker_.next(out))
      return fail(outcome::malformed, "the bytes are not msgpack (a message ended early)");
  } catch (const msgpack::size_overflow& e) {
    return fail(outcome::too_large,
                std::string("a declared length exceeds the node's limits (") + e.what() + ")");
  } catch (const std::bad_alloc&) {
    return fail(outcome::too_large, "a declared length could not be allocated");
  } catch (const std::exception& e) {
    return fail(outcome::malformed, std::string("the bytes are not msgpack (") + e.what() + ")");
  }
  walker_.reset();
  return outcome::message;
}

}  // namespace persona::net
