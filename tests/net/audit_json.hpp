// Test helpers for the audit log: a strict reader of the flat JSON objects
// the audit log writes (string and unsigned number values), and the lines
// of a file.
#pragma once

#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace persona::test {

/// The fields of `line`, a JSON object whose values are strings or
/// unsigned integers (numbers kept as their digits); nullopt when the line
/// is not such an object, or holds anything after it but one '\n'.
inline std::optional<std::map<std::string, std::string>> parse_flat_json(const std::string& line) {
  size_t i = 0;
  auto read_string = [&](std::string& out) -> bool {
    if (i >= line.size() || line[i] != '"')
      return false;
    ++i;
    while (i < line.size() && line[i] != '"') {
      unsigned char c = static_cast<unsigned char>(line[i]);
      if (c < 0x20)
        return false;
      if (c != '\\') {
        out += line[i++];
        continue;
      }
      if (++i >= line.size())
        return false;
      switch (line[i]) {
        case '"':
        case '\\':
        case '/':
          out += line[i];
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          if (i + 4 >= line.size())
            return false;
          out += static_cast<char>(std::stoi(line.substr(i + 1, 4), nullptr, 16));
          i += 4;
          break;
        }
        default:
          return false;
      }
      ++i;
    }
    if (i >= line.size())
      return false;
    ++i;
    return true;
  };
  std::map<std::string, std::string> out;
  if (line.empty() || line[i++] != '{')
    return std::nullopt;
  while (true) {
    std::string key, val;
    if (!read_string(key) || i >= line.size() || line[i++] != ':')
      return std::nullopt;
    if (i < line.size() && line[i] == '"') {
      if (!read_string(val))
        return std::nullopt;
    } else {
      while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])))
        val += line[i++];
      if (val.empty())
        return std::nullopt;
    }
    if (!out.emplace(key, val).second)
      return std::nullopt;
    if (i >= line.size())
      return std::nullopt;
    if (line[i] == ',') {
      ++i;
      continue;
    }
    if (line[i++] != '}')
      return std::nullopt;
    break;
  }
  if (i == line.size() || (i + 1 == line.size() && line[i] == '\n'))
    return out;
  return std::nullopt;
}

/// The lines of the file at `path` (none when it cannot be read).
inline std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    out.push_back(line);
  return out;
}

}  // namespace persona::test
