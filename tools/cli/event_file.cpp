#include "tools/cli/event_file.hpp"

#include <cstdlib>
#include <memory>

#include "tools/cli/json_value.hpp"

namespace persona::cli {

namespace {

bool is_number(const std::string& s, bool& integral) {
  if (s.empty())
    return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  if (*end != '\0')
    return false;
  integral = s.find_first_of(".eE") == std::string::npos;
  return true;
}

}  // namespace

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(cur));
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  fields.push_back(std::move(cur));
  return fields;
}

result<std::unique_ptr<event_file>> event_file::open(const std::string& path) {
  auto f = std::make_unique<event_file>();
  f->in_.open(path, std::ios::binary | std::ios::ate);
  if (!f->in_)
    return status{error_code::not_found, "cannot open '" + path + "'"};
  f->size_ = static_cast<uint64_t>(f->in_.tellg());
  f->in_.seekg(0);
  f->csv_ = path.size() > 4 && path.compare(path.size() - 4, 4, ".csv") == 0;
  if (f->csv_) {
    std::string header;
    if (!std::getline(f->in_, header))
      return status{error_code::bad_request, path + " is empty: a CSV file needs a header row"};
    f->bytes_read_ += header.size() + 1;
    f->line_ = 1;
    f->header_ = split_csv(header);
  }
  return f;
}

result<value> event_file::parse_csv_line(const std::string& text) {
  auto fields = split_csv(text);
  if (fields.size() != header_.size())
    return status{error_code::bad_request, "line " + std::to_string(line_) + " has " +
                                               std::to_string(fields.size()) + " fields, the header " +
                                               std::to_string(header_.size())};
  value m{value::map{}};
  for (size_t i = 0; i < fields.size(); ++i) {
    const auto& key = header_[i];
    const auto& cell = fields[i];
    if (cell.empty())
      continue;
    bool integral = false;
    bool numeric_key = key == "ts" || key == "price" || key == "quantity" || key == "value";
    if (numeric_key && is_number(cell, integral))
      m.set(key, integral ? value{static_cast<int64_t>(std::strtoll(cell.c_str(), nullptr, 10))}
                          : value{std::strtod(cell.c_str(), nullptr)});
    else
      m.set(key, value{cell});
  }
  return m;
}

result<bool> event_file::read(size_t n, std::vector<value>& out) {
  std::string text;
  size_t got = 0;
  while (got < n && std::getline(in_, text)) {
    ++line_;
    bytes_read_ += text.size() + 1;
    if (text.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    auto v = csv_ ? parse_csv_line(text) : parse_json(text, "line " + std::to_string(line_));
    if (!v.ok())
      return v.error();
    out.push_back(std::move(*v));
    ++got;
  }
  return static_cast<bool>(in_);
}

}  // namespace persona::cli
