#include "core/symbol_table.hpp"

namespace persona {

namespace {

uint64_t hash_of(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

symbol symbol_table::intern(std::string_view s) {
  auto h = hash_of(s);
  auto found = ids_.find(s, h, [this](uint32_t id) { return std::string_view{names_[id]}; });
  if (found != id_index::npos)
    return found;
  auto id = static_cast<symbol>(names_.size());
  names_.emplace_back(s);
  ids_.insert(h, id);
  return id;
}

symbol symbol_table::find(std::string_view s) const {
  auto found = ids_.find(s, hash_of(s), [this](uint32_t id) { return std::string_view{names_[id]}; });
  return found == id_index::npos ? missing : found;
}

size_t symbol_table::memory_bytes() const {
  size_t bytes = names_.size() * sizeof(std::string) + ids_.memory_bytes();
  for (auto& n : names_)
    if (n.capacity() > 15)
      bytes += n.capacity() + 1;
  return bytes;
}

}  // namespace persona
