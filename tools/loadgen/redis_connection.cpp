#include "tools/loadgen/redis_connection.hpp"

#include <boost/asio.hpp>

namespace persona::loadgen {

namespace asio = boost::asio;

struct redis_connection::socket {
  asio::io_context io;
  asio::ip::tcp::socket s{io};
};

std::string encode_redis_command(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (auto& a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out += a;
    out += "\r\n";
  }
  return out;
}

redis_connection::redis_connection() : socket_(std::make_unique<socket>()) {}
redis_connection::~redis_connection() = default;

status redis_connection::connect(const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(socket_->io);
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (!ec)
    asio::connect(socket_->s, endpoints, ec);
  if (ec)
    return {error_code::unavailable, "cannot connect to Redis at " + host + ":" + std::to_string(port) +
                                         ": " + ec.message() + "; is redis-server running there?"};
  socket_->s.set_option(asio::ip::tcp::no_delay(true));
  return {};
}

status redis_connection::write(const std::string& bytes) {
  boost::system::error_code ec;
  asio::write(socket_->s, asio::buffer(bytes), ec);
  if (ec)
    return {error_code::unavailable, "writing to Redis: " + ec.message()};
  return {};
}

result<std::string> redis_connection::read_line() {
  for (;;) {
    auto end = buffer_.find("\r\n", pos_);
    if (end != std::string::npos) {
      std::string line = buffer_.substr(pos_, end - pos_);
      pos_ = end + 2;
      return line;
    }
    if (auto st = fill(); !st.ok())
      return st;
  }
}

status redis_connection::fill() {
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  char chunk[65536];
  boost::system::error_code ec;
  size_t n = socket_->s.read_some(asio::buffer(chunk), ec);
  if (ec)
    return {error_code::unavailable, "reading from Redis: " + ec.message()};
  buffer_.append(chunk, n);
  return {};
}

result<std::string> redis_connection::read_exactly(size_t n) {
  while (buffer_.size() - pos_ < n + 2)
    if (auto st = fill(); !st.ok())
      return st;
  std::string out = buffer_.substr(pos_, n);
  pos_ += n + 2;
  return out;
}

result<redis_reply> redis_connection::read() {
  auto line = read_line();
  if (!line.ok())
    return line.error();
  if (line->empty())
    return status{error_code::internal, "Redis sent an empty reply line"};
  redis_reply r;
  std::string rest = line->substr(1);
  switch ((*line)[0]) {
    case '+':
      r.type = redis_reply::kind::status;
      r.text = rest;
      return r;
    case '-':
      r.type = redis_reply::kind::error;
      r.text = rest;
      return r;
    case ':':
      r.type = redis_reply::kind::integer;
      r.integer = std::stoll(rest);
      return r;
    case '$': {
      long long n = std::stoll(rest);
      if (n < 0)
        return r;  // nil
      auto body = read_exactly(static_cast<size_t>(n));
      if (!body.ok())
        return body.error();
      r.type = redis_reply::kind::bulk;
      r.text = std::move(*body);
      return r;
    }
    case '*': {
      long long n = std::stoll(rest);
      if (n < 0)
        return r;
      r.type = redis_reply::kind::array;
      for (long long i = 0; i < n; ++i) {
        auto e = read();
        if (!e.ok())
          return e.error();
        r.elements.push_back(std::move(*e));
      }
      return r;
    }
  }
  return status{error_code::internal, "Redis sent a reply of unknown type '" + line->substr(0, 1) + "'"};
}

result<redis_reply> redis_connection::call(const std::vector<std::string>& args) {
  if (auto st = write(encode_redis_command(args)); !st.ok())
    return st;
  auto r = read();
  if (r.ok() && r->type == redis_reply::kind::error)
    return status{error_code::internal, "Redis answered " + args[0] + " with: " + r->text};
  return r;
}

}  // namespace persona::loadgen
