// command_line: the `--name=value` flags of Persona's small example and
// benchmark programs. Header-only; no state.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace persona {

/// The unsigned value of the last `--name=N`, or `fallback` when absent.
inline uint64_t flag_value(int argc, char** argv, const char* name, uint64_t fallback) {
  std::string prefix = std::string("--") + name + "=";
  uint64_t found = fallback;
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0)
      found = std::strtoull(argv[i] + prefix.size(), nullptr, 10);
  return found;
}

/// The text of the last `--name=text`, or `fallback` when absent.
inline std::string flag_text(int argc, char** argv, const char* name, const std::string& fallback) {
  std::string prefix = std::string("--") + name + "=";
  std::string found = fallback;
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0)
      found = argv[i] + prefix.size();
  return found;
}

/// True when the exact argument `name` (e.g. "--help") was given.
inline bool has_flag(int argc, char** argv, const char* name) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], name) == 0)
      return true;
  return false;
}

}  // namespace persona
