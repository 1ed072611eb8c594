#include "core/storage/file_env.hpp"

namespace persona {

status writable_file::append(std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    auto n = write_some(p, left);
    if (!n.ok())
      return n.error();
    p += *n;
    left -= *n;
  }
  return {};
}

result<std::string> file_env::read_file(const std::string& path) {
  auto file = open_for_read(path);
  if (!file.ok())
    return file.error();
  std::string out;
  char buf[4096];
  for (;;) {
    auto n = (*file)->read(buf, sizeof buf);
    if (!n.ok())
      return n.error();
    if (*n == 0)
      return out;
    out.append(buf, *n);
  }
}

}  // namespace persona
