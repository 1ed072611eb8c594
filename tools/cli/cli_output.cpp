#include "tools/cli/cli_output.hpp"

#include <cstdio>
#include <cstdlib>

namespace persona::cli {

int node_error(const status& st) {
  std::fprintf(stderr, "error: %s: %s\n", to_string(st.code()), st.message().c_str());
  return 1;
}

value comma_list(const std::string& csv) {
  value out{value::array{}};
  size_t start = 0;
  while (start <= csv.size()) {
    auto comma = csv.find(',', start);
    auto item = csv.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty())
      out.as_array().emplace_back(item);
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  return out;
}

std::string flag_or(const std::map<std::string, std::string>& flags, const char* name,
                    const std::string& fallback) {
  auto it = flags.find(name);
  return it == flags.end() ? fallback : it->second;
}

uint64_t flag_number(const std::map<std::string, std::string>& flags, const char* name, uint64_t fallback) {
  auto it = flags.find(name);
  return it == flags.end() ? fallback : std::strtoull(it->second.c_str(), nullptr, 10);
}

}  // namespace persona::cli
