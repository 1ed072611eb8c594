#include "net/message_walker.hpp"

#include <msgpack.hpp>

namespace persona::net {

namespace {

uint64_t read_be(const unsigned char* p, size_t n) {
  uint64_t x = 0;
  for (size_t i = 0; i < n; ++i)
    x = (x << 8) | p[i];
  return x;
}

/// Bytes a message's zone takes before anything is decoded into it.
constexpr size_t zone_base_bytes = MSGPACK_ZONE_CHUNK_SIZE + sizeof(msgpack::zone);

}  // namespace

message_walker::message_walker(size_t max_message_bytes, size_t max_decode_bytes, size_t max_elements,
                               size_t max_depth)
    : max_message_bytes_(max_message_bytes),
      max_decode_bytes_(max_decode_bytes),
      max_elements_(max_elements),
      max_depth_(max_depth) {
  reset();
}

void message_walker::reset() {
  offset_ = 0;
  open_.clear();
  owed_ = 0;
  skip_ = 0;
  decode_bytes_ = zone_base_bytes;
  top_read_ = false;
  failure_.clear();
}

message_walker::state message_walker::fail(state s, std::string why) {
  failure_ = std::move(why);
  return s;
}

void message_walker::take_one() {
  if (open_.empty()) {
    top_read_ = true;
    return;
  }
  --open_.back();
  --owed_;
}

void message_walker::close_finished() {
  while (!open_.empty() && open_.back() == 0)
    open_.pop_back();
}

message_walker::state message_walker::open(uint64_t items, size_t bytes_each, size_t header) {
  uint64_t declared = bytes_each == sizeof(msgpack::object_kv) ? items / 2 : items;
  if (declared > max_elements_)
    return fail(state::too_large, "a container declares " + std::to_string(declared) +
                                      " elements, more than the " + std::to_string(max_elements_) +
                                      " one may hold");
  if (items > 0 && open_.size() + 1 > max_depth_)
    return fail(state::too_large, "containers are nested deeper than " + std::to_string(max_depth_));
  // Every value still owed takes at least one byte of the message.
  uint64_t least = offset_ + header + owed_ + items;
  if (least > max_message_bytes_)
    return fail(state::too_large, "a container declares " + std::to_string(declared) +
                                      " elements, which cannot fit in the " +
                                      std::to_string(max_message_bytes_ - offset_) +
                                      " bytes the message may still hold (max_message_bytes " +
                                      std::to_string(max_message_bytes_) + ")");
  decode_bytes_ += static_cast<size_t>(declared) * bytes_each;
  if (decode_bytes_ > max_decode_bytes_)
    return fail(state::too_large, "decoding the message would take more than " +
                                      std::to_string(max_decode_bytes_) +
                                      " bytes (max_connection_decode_bytes); send smaller messages");
  offset_ += header;
  if (items > 0) {
    open_.push_back(items);
    owed_ += items;
  }
  return state::incomplete;
}

message_walker::state message_walker::payload(uint64_t n, size_t header) {
  uint64_t least = offset_ + header + owed_ + n;
  if (least > max_message_bytes_)
    return fail(state::too_large, "a string or binary of " + std::to_string(n) + " bytes cannot fit in the " +
                                      std::to_string(max_message_bytes_ - offset_) +
                                      " bytes the message may still hold (max_message_bytes " +
                                      std::to_string(max_message_bytes_) + ")");
  decode_bytes_ += static_cast<size_t>(n);
  if (decode_bytes_ > max_decode_bytes_)
    return fail(state::too_large, "decoding the message would take more than " +
                                      std::to_string(max_decode_bytes_) +
                                      " bytes (max_connection_decode_bytes); send smaller messages");
  offset_ += header;
  skip_ = n;
  return state::incomplete;
}

message_walker::state message_walker::walk(const char* data, size_t size) {
  auto* p = reinterpret_cast<const unsigned char*>(data);
  while (true) {
    if (skip_ > 0) {
      uint64_t take = std::min<uint64_t>(skip_, size - offset_);
      offset_ += take;
      skip_ -= take;
      if (skip_ > 0)
        return state::incomplete;
    }
    if (top_read_ && open_.empty())
      return state::complete;
    if (offset_ >= size)
      return state::incomplete;
    unsigned char tag = p[offset_];
    size_t avail = size - offset_;
    // Bytes of the length field after the tag, for the sized forms.
    auto length_at = [&](size_t width) { return read_be(p + offset_ + 1, width); };
    auto have = [&](size_t n) { return avail >= n; };
    state s = state::incomplete;
    if (tag <= 0x7f || tag >= 0xe0 || tag == 0xc0 || tag == 0xc2 || tag == 0xc3) {
      take_one();
      offset_ += 1;
    } else if (tag >= 0x80 && tag <= 0x8f) {
      take_one();
      s = open(uint64_t{tag & 0x0fu} * 2, sizeof(msgpack::object_kv), 1);
    } else if (tag >= 0x90 && tag <= 0x9f) {
      take_one();
      s = open(tag & 0x0fu, sizeof(msgpack::object), 1);
    } else if (tag >= 0xa0 && tag <= 0xbf) {
      take_one();
      s = payload(tag & 0x1fu, 1);
    } else {
      switch (tag) {
        case 0xca:
        case 0xcb:
        case 0xcc:
        case 0xcd:
        case 0xce:
        case 0xcf:
        case 0xd0:
        case 0xd1:
        case 0xd2:
        case 0xd3: {
          static const size_t width[] = {5, 9, 2, 3, 5, 9, 2, 3, 5, 9};
          size_t n = width[tag - 0xca];
          if (!have(n))
            return state::incomplete;
          take_one();
          offset_ += n;
          break;
        }
        case 0xc4:
        case 0xc5:
        case 0xc6:
        case 0xd9:
        case 0xda:
        case 0xdb: {
          size_t w = (tag == 0xc4 || tag == 0xd9) ? 1 : (tag == 0xc5 || tag == 0xda) ? 2 : 4;
          if (!have(1 + w))
            return state::incomplete;
          take_one();
          s = payload(length_at(w), 1 + w);
          break;
        }
        case 0xc7:
        case 0xc8:
        case 0xc9: {
          size_t w = tag == 0xc7 ? 1 : tag == 0xc8 ? 2 : 4;
          if (!have(2 + w))
            return state::incomplete;
          take_one();
          // The decoder copies the type byte with the data.
          s = payload(length_at(w), 2 + w);
          if (s == state::incomplete)
            decode_bytes_ += 1;
          break;
        }
        case 0xd4:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8: {
          if (!have(2))
            return state::incomplete;
          take_one();
          s = payload(uint64_t{1} << (tag - 0xd4), 2);
          if (s == state::incomplete)
            decode_bytes_ += 1;
          break;
        }
        case 0xdc:
        case 0xdd:
        case 0xde:
        case 0xdf: {
          size_t w = (tag == 0xdc || tag == 0xde) ? 2 : 4;
          if (!have(1 + w))
            return state::incomplete;
          take_one();
          uint64_t n = length_at(w);
          if (tag >= 0xde)
            s = open(n * 2, sizeof(msgpack::object_kv), 1 + w);
          else
            s = open(n, sizeof(msgpack::object), 1 + w);
          break;
        }
        default:  // 0xc1 is never used
          return fail(state::malformed,
                      "the bytes are not msgpack (byte 0xc1 at offset " + std::to_string(offset_) + ")");
      }
    }
    if (s != state::incomplete)
      return s;
    close_finished();
  }
}

}  // namespace persona::net
