// rpc_codec: the MessagePack-RPC envelope (docs/protocol.md, "Transport and
// framing"): recognising the three message shapes and packing requests,
// responses and notifications. A method name may come as a str or a bin.
// No I/O; any thread.
#pragma once

#include <cstdint>
#include <msgpack.hpp>
#include <optional>
#include <string>

#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona::net {

/// One message received, viewed inside its msgpack object (which must
/// outlive it).
struct rpc_message {
  enum class kind { request, response, notification } type = kind::request;
  uint32_t msgid = 0;
  /// The method name, sent as a str or as a bin holding UTF-8.
  std::string method;
  /// The method name was a bin that is not UTF-8 (`method` is then empty).
  bool method_not_utf8 = false;
  /// The params array (request, notification) or the result (response).
  const msgpack::object* params = nullptr;
  /// The error (response only).
  const msgpack::object* error = nullptr;
};

/// Recognises a message. On a shape that is none of the three, returns the
/// reason, and sets `msgid` when it could be read.
std::optional<std::string> parse_message(const msgpack::object& o, rpc_message& out,
                                         std::optional<uint32_t>& msgid);

/// [1, msgid, error, result] for a result or an error.
std::string encode_response(uint32_t msgid, const result<value>& r);
/// [0, msgid, method, params].
std::string encode_request(uint32_t msgid, const std::string& method, const value& params);
/// [0, msgid, method, <params_bytes>] where params_bytes is an encoded array.
std::string encode_request_raw(uint32_t msgid, const std::string& method, const std::string& params_bytes);
/// [2, method, params].
std::string encode_notification(const std::string& method, const value& params);

/// The protocol's {"code", "message"} map of an error status.
value error_value(const status& st);

/// Reads an error map back into a status (clients).
status status_from_error(const msgpack::object& error);

}  // namespace persona::net
