#include "core/util/name_index.hpp"

namespace persona {

name_index::name_index() : chunks_(new std::atomic<std::string*>[chunk_count]) {
  for (uint32_t i = 0; i < chunk_count; ++i)
    chunks_[i].store(nullptr, std::memory_order_relaxed);
}

name_index::~name_index() {
  for (uint32_t i = 0; i < chunk_count; ++i)
    delete[] chunks_[i].load(std::memory_order_relaxed);
}

uint32_t name_index::intern(std::string_view name) {
  std::lock_guard<std::mutex> guard(mu_);
  auto it = ids_.find(std::string(name));
  if (it != ids_.end())
    return it->second;
  uint32_t id = size_.load(std::memory_order_relaxed);
  if (id >= max_names)
    return npos;
  auto& chunk = chunks_[id >> chunk_bits];
  if (!chunk.load(std::memory_order_relaxed))
    chunk.store(new std::string[chunk_mask + 1], std::memory_order_release);
  chunk.load(std::memory_order_relaxed)[id & chunk_mask] = std::string(name);
  ids_.emplace(std::string(name), id);
  // Publishes the name: a reader that sees the new size sees the string.
  size_.store(id + 1, std::memory_order_release);
  return id;
}

uint32_t name_index::find(std::string_view name) const {
  std::lock_guard<std::mutex> guard(mu_);
  auto it = ids_.find(std::string(name));
  return it == ids_.end() ? npos : it->second;
}

}  // namespace persona
