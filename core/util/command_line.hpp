// command_line: the `--name=value` flags of Persona's small example and
// benchmark programs. A program first checks its arguments against the
// flags it takes (unknown_flag); a number that is not one ends the program
// with a message naming the flag. Header-only; no state.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace persona {

/// What is wrong with the first argument that is neither `--name=value`
/// for a name in `valued` nor `--name` for one in `bare` (names separated
/// by spaces); empty when every argument is one of them.
inline std::string unknown_flag(int argc, char** argv, const char* valued, const char* bare) {
  auto listed = [](const std::string& names, const std::string& name) {
    return (" " + names + " ").find(" " + name + " ") != std::string::npos;
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool known = false;
    if (arg.rfind("--", 0) == 0) {
      auto eq = arg.find('=');
      known = eq == std::string::npos ? listed(bare, arg.substr(2)) : listed(valued, arg.substr(2, eq - 2));
    }
    if (!known)
      return "unknown argument '" + arg + "'; see --help for the flags this program takes";
  }
  return {};
}

/// Ends the program: `--name` was given `text`, which is not a `what`.
[[noreturn]] inline void bad_flag_value(const char* name, const char* text, const char* what) {
  std::fprintf(stderr, "--%s wants %s, got '%s'\n", name, what, text);
  std::exit(2);
}

/// The text after the last `--name=`, or null when there is none.
inline const char* last_flag(int argc, char** argv, const char* name) {
  std::string prefix = std::string("--") + name + "=";
  const char* found = nullptr;
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], prefix.c_str(), prefix.size()) == 0)
      found = argv[i] + prefix.size();
  return found;
}

/// The unsigned value of the last `--name=N`, or `fallback` when absent.
/// Ends the program when N is not a whole number.
inline uint64_t flag_value(int argc, char** argv, const char* name, uint64_t fallback) {
  const char* text = last_flag(argc, argv, name);
  if (!text)
    return fallback;
  char* end = nullptr;
  errno = 0;
  uint64_t n = std::strtoull(text, &end, 10);
  if (*text < '0' || *text > '9' || *end != '\0' || errno == ERANGE)
    bad_flag_value(name, text, "a whole number");
  return n;
}

/// The value of the last `--name=X`, or `fallback` when absent. Ends the
/// program when X is not a finite number.
inline double flag_real(int argc, char** argv, const char* name, double fallback) {
  const char* text = last_flag(argc, argv, name);
  if (!text)
    return fallback;
  char* end = nullptr;
  errno = 0;
  double x = std::strtod(text, &end);
  if (end == text || *end != '\0' || errno == ERANGE || x != x)
    bad_flag_value(name, text, "a number");
  return x;
}

/// The text of the last `--name=text`, or `fallback` when absent.
inline std::string flag_text(int argc, char** argv, const char* name, const std::string& fallback) {
  const char* text = last_flag(argc, argv, name);
  return text ? std::string(text) : fallback;
}

/// True when the exact argument `name` (e.g. "--help") was given.
inline bool has_flag(int argc, char** argv, const char* name) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], name) == 0)
      return true;
  return false;
}

}  // namespace persona
