#include "core/util/symbol_table.hpp"

#include "core/util/stable_hash.hpp"

namespace persona {

uint64_t symbol_table::hash(std::string_view s) {
  return stable_hash(s);
}

symbol symbol_table::intern(std::string_view s, uint64_t h) {
  auto found = ids_.find(s, h, [this](uint32_t id) { return std::string_view{names_[id]}; });
  if (found != id_index::npos)
    return found;
  auto id = static_cast<symbol>(names_.size());
  names_.emplace_back(s);
  ids_.insert(h, id);
  return id;
}

symbol symbol_table::find(std::string_view s) const {
  auto found = ids_.find(s, stable_hash(s), [this](uint32_t id) { return std::string_view{names_[id]}; });
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
