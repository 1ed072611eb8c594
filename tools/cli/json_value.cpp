#include "tools/cli/json_value.hpp"

#include <nlohmann/json.hpp>

namespace persona::cli {

namespace {

value from_json(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return value{};
    case nlohmann::json::value_t::boolean:
      return value{j.get<bool>()};
    case nlohmann::json::value_t::number_integer:
      return value{j.get<int64_t>()};
    case nlohmann::json::value_t::number_unsigned:
      return value{j.get<uint64_t>()};
    case nlohmann::json::value_t::number_float:
      return value{j.get<double>()};
    case nlohmann::json::value_t::string:
      return value{j.get<std::string>()};
    case nlohmann::json::value_t::array: {
      value::array a;
      for (auto& x : j)
        a.push_back(from_json(x));
      return value{std::move(a)};
    }
    case nlohmann::json::value_t::object: {
      value::map m;
      for (auto it = j.begin(); it != j.end(); ++it)
        m.emplace_back(it.key(), from_json(it.value()));
      return value{std::move(m)};
    }
    default:
      return value{};
  }
}

}  // namespace

result<value> parse_json(const std::string& text, const std::string& what) {
  try {
    return from_json(nlohmann::json::parse(text));
  } catch (const nlohmann::json::exception& e) {
    return status{error_code::bad_request, what + " is not valid JSON: " + e.what()};
  }
}

}  // namespace persona::cli
