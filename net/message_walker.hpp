// message_walker: reads the headers of one MessagePack message as its bytes
// arrive, without allocating for what they declare, and says when the
// message is complete, how long it is and what decoding it will take. It
// refuses a declared length before anything is reserved for it when the
// bytes that can still arrive cannot hold it (an array element takes at
// least one byte, a map pair two, a str or bin its length; a message is at
// most max_message_bytes), when the decoded message would pass the decode
// budget, or when the nesting is too deep. The frame_decoder runs the
// msgpack unpacker only on a message the walker found complete, so a
// stalled or forged header pins no memory beyond its bytes.
// Owned by one frame_decoder; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace persona::net {

class message_walker {
 public:
  /// What the walk of the bytes so far found.
  enum class state { incomplete, complete, too_large, malformed };

  /// REQUIRES: max_message_bytes > 0.
  message_walker(size_t max_message_bytes, size_t max_decode_bytes, size_t max_elements, size_t max_depth);

  /// Walks on over `data[0, size)`, the bytes of the message received so far
  /// (from its first byte; `size` never shrinks between calls). Stops at the
  /// end of the message: the bytes after it belong to the next.
  state walk(const char* data, size_t size);

  /// Bytes of the message walked so far; its length once complete.
  size_t length() const { return offset_; }
  /// Bytes decoding the message takes (its objects, strings copied, and
  /// the zone's first chunk), as far as walked.
  size_t decode_bytes() const { return decode_bytes_; }
  /// Whether any byte of a message has been walked.
  bool started() const { return offset_ > 0; }
  /// What was wrong, once walk() returned an error.
  const std::string& failure() const { return failure_; }
  /// Forgets the message walked, to start on the next.
  void reset();

 private:
  /// Counts one value that is about to be read, against the container holding it.
  void take_one();
  /// Opens a container of `items` values (a map's pairs count twice).
  state open(uint64_t items, size_t bytes_each, size_t header);
  /// Accepts a str, bin or ext payload of `n` bytes after a header.
  state payload(uint64_t n, size_t header);
  /// Closes the containers whose values have all been read.
  void close_finished();
  state fail(state s, std::string why);

  size_t max_message_bytes_;
  size_t max_decode_bytes_;
  size_t max_elements_;
  size_t max_depth_;
  /// Bytes of the message walked.
  size_t offset_ = 0;
  /// Values each open container still holds, innermost last.
  std::vector<uint64_t> open_;
  /// Sum of open_: the least number of bytes still to come.
  uint64_t owed_ = 0;
  /// Payload bytes (str, bin, ext) still to pass over.
  uint64_t skip_ = 0;
  size_t decode_bytes_ = 0;
  /// Whether the message's outermost value has been read.
  bool top_read_ = false;
  std::string failure_;
};

}  // namespace persona::net
