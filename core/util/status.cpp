#include "core/util/status.hpp"

namespace persona {

namespace {

constexpr const char* kNames[] = {
    "ok",         "bad_request", "unknown_method", "unauthenticated", "forbidden", "not_found",
    "overloaded", "unavailable", "timeout",        "too_large",       "internal",
};

}  // namespace

const char* to_string(error_code code) {
  auto index = static_cast<size_t>(code);
  return index < std::size(kNames) ? kNames[index] : "internal";
}

std::optional<error_code> error_code_from_string(const std::string& name) {
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (name == kNames[i])
      return static_cast<error_code>(i);
  return std::nullopt;
}

std::string status::to_string() const {
  if (ok())
    return "ok";
  return std::string(persona::to_string(code_)) + ": " + message_;
}

}  // namespace persona
