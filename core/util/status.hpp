// status: the typed error protocol of Persona's core.
//
// Every fallible core operation returns a `status` or a `result<T>`. The codes
// are the wire protocol's error codes (see docs/protocol.md); actors turn them
// into caf::error and the network layer into `{code, message}` maps. Core
// never throws as a way to report an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace persona {

/// The error codes of the wire protocol. Pick the code by what the caller
/// should do next, not by where the failure happened.
enum class error_code : uint8_t {
  ok = 0,
  /// A parameter is missing, of the wrong type, or out of range. The message
  /// names the parameter.
  bad_request,
  /// No such method.
  unknown_method,
  /// The connection has not presented a valid token.
  unauthenticated,
  /// The token's role does not allow the method.
  forbidden,
  /// No such user, item or segment.
  not_found,
  /// Too much work in flight; the caller should retry later.
  overloaded,
  /// A shard or node needed for the answer is down; the message names it.
  unavailable,
  /// The answer did not come in time.
  timeout,
  /// A message exceeded the configured size limit.
  too_large,
  /// A bug: logged, and the engine keeps serving.
  internal,
};

/// The protocol's name of `code`, e.g. "bad_request".
const char* to_string(error_code code);

/// Parses a protocol name back into a code; nullopt for unknown names.
std::optional<error_code> error_code_from_string(const std::string& name);

/// The outcome of an operation: ok, or a code with a message that tells the
/// user what went wrong and what to do.
class status {
 public:
  status() = default;
  status(error_code code, std::string message) : code_(code), message_(std::move(message)) {}

  static status ok_status() { return {}; }

  bool ok() const { return code_ == error_code::ok; }
  error_code code() const { return code_; }
  const std::string& message() const { return message_; }

  /// "code: message", for logs.
  std::string to_string() const;

 private:
  error_code code_ = error_code::ok;
  std::string message_;
};

/// A value of type T or the status that explains why there is none.
template <class T>
class result {
 public:
  result(T value) : value_(std::move(value)) {}
  result(status error) : status_(std::move(error)) {}

  bool ok() const { return value_.has_value(); }
  const status& error() const { return status_; }

  /// REQUIRES: ok().
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  status status_;
};

}  // namespace persona
