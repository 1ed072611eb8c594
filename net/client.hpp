// client: an asynchronous, pipelined MessagePack-RPC client for Persona,
// used by persona-cli, the tests and the load tools. Calls may be issued
// from any thread and any number may be in flight; each reply is matched by
// msgid and handed to its callback on the client's own I/O thread (keep
// callbacks short). A call writes its request from the calling thread when
// the connection is idle (no wake-up of the I/O thread), else queues it;
// requests from one thread go out in call order. If the connection drops,
// every pending call fails with `unavailable`, and so does any later call.
// Over TLS (connect with client_tls_options) the node's certificate must be
// signed by the CA given and name the host connected to; every write then
// goes through the I/O thread (an SSL stream is not written from two threads).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/util/status.hpp"
#include "core/util/value.hpp"
#include "net/tls_context.hpp"

namespace persona::net {

class client {
 public:
  using callback = std::function<void(result<value>)>;
  /// Receives a notification the node sends (method, params array).
  using notification_handler = std::function<void(const std::string& method, value& params)>;

  client();
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Connects (blocking, bounded by `timeout`), with TLS when `tls` names a CA.
  status connect(const std::string& host, uint16_t port,
                 std::chrono::milliseconds timeout = std::chrono::seconds(5),
                 const client_tls_options& tls = {});

  /// Sends a request; `done` gets the result or the node's error.
  void call(const std::string& method, const value& params, callback done);
  /// Same, with params already encoded as a msgpack array (for load tools).
  void call_encoded(const std::string& method, const std::string& params_msgpack, callback done);
  /// Sends a notification (nothing is answered).
  void notify(const std::string& method, const value& params);

  /// Blocking call. REQUIRES: not called from a callback.
  result<value> call_sync(const std::string& method, const value& params,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

  /// Handles notifications from the node (segment_event after subscribe);
  /// called on the client's I/O thread. Set it before subscribing.
  void on_notification(notification_handler handler);

  /// Asks the kernel for `slice` as the time slice of the client's I/O
  /// thread (core/os/thread_slice.hpp).
  void request_io_time_slice(std::chrono::microseconds slice);

  /// Closes the connection; pending calls fail with `unavailable`.
  void close();

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

/// The token a client presents in hello: `flag_token` when given, else the
/// contents of `token_file` (refused unless mode 0600 or 0400), else the
/// environment variable PERSONA_TOKEN, else empty (no hello token).
result<std::string> client_token(const std::string& flag_token, const std::string& token_file);

}  // namespace persona::net
