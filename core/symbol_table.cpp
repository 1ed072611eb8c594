#include "core/symbol_table.hpp"

namespace persona {

symbol symbol_table::intern(std::string_view s) {
  auto it = ids_.find(s);
  if (it != ids_.end())
    return it->second;
  auto id = static_cast<symbol>(names_.size());
  names_.emplace_back(s);
  ids_.emplace(std::string_view{names_.back()}, id);
  return id;
}

symbol symbol_table::find(std::string_view s) const {
  auto it = ids_.find(s);
  return it == ids_.end() ? missing : it->second;
}

size_t symbol_table::memory_bytes() const {
  size_t bytes = names_.size() * (sizeof(std::string) + sizeof(std::string_view) + sizeof(symbol) + 16);
  for (auto& n : names_)
    if (n.capacity() > 15)
      bytes += n.capacity() + 1;
  return bytes;
}

}  // namespace persona
