// redis_connection: a minimal blocking RESP2 client for the Redis baseline:
// writes pre-encoded commands (so a pipeline is just several writes) and
// reads replies one at a time. One thread per connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/util/status.hpp"

namespace persona::loadgen {

/// One RESP reply: an error, a status or bulk string, an integer, or an array.
struct redis_reply {
  enum class kind { status, error, integer, bulk, nil, array } type = kind::nil;
  std::string text;
  int64_t integer = 0;
  std::vector<redis_reply> elements;
};

/// `args` as one RESP command (an array of bulk strings).
std::string encode_redis_command(const std::vector<std::string>& args);

class redis_connection {
 public:
  redis_connection();
  ~redis_connection();

  status connect(const std::string& host, uint16_t port);
  /// Writes bytes holding one or more encoded commands.
  status write(const std::string& bytes);
  /// Reads the next reply.
  result<redis_reply> read();
  /// Sends one command and reads its reply; an error reply becomes a status.
  result<redis_reply> call(const std::vector<std::string>& args);

 private:
  /// Reads up to the next CRLF; the line without it.
  result<std::string> read_line();
  result<std::string> read_exactly(size_t n);
  /// Reads what the socket has into the buffer (dropping consumed bytes).
  status fill();

  struct socket;
  std::unique_ptr<socket> socket_;
  std::string buffer_;
  size_t pos_ = 0;
};

}  // namespace persona::loadgen
