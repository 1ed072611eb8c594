#include "actors/error_conversion.hpp"

#include <caf/atom.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace persona {

namespace {

constexpr auto category = caf::atom("persona");

}  // namespace

caf::error to_caf_error(const status& st) {
  return caf::error(static_cast<uint8_t>(st.code()), category, caf::make_message(st.message()));
}

status from_caf_error(const caf::error& err, const std::string& who, long long timeout_ms) {
  if (err.category() == category) {
    std::string message;
    if (err.context().match_elements<std::string>())
      message = err.context().get_as<std::string>(0);
    return {static_cast<error_code>(err.code()), message};
  }
  if (err.category() == caf::atom("system")) {
    switch (static_cast<caf::sec>(err.code())) {
      case caf::sec::request_timeout:
        return {error_code::timeout, who + " did not answer within " + std::to_string(timeout_ms) +
                                         " ms; it may be overloaded: retry later"};
      case caf::sec::request_receiver_down:
        return {error_code::unavailable, who + " is down; the node must be restarted to recover it"};
      default:
        break;
    }
  }
  return {error_code::internal, who + " failed: " + caf::to_string(err)};
}

}  // namespace persona
