// symbol_table: interns strings (item ids, categories, brands, attribute
// names, devices) as dense 32-bit symbols, so profiles store 4 bytes where a
// string would cost 32 or more. Owned by one shard; not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "core/util/id_index.hpp"
#include "core/util/prefetch.hpp"

namespace persona {

using symbol = uint32_t;

class symbol_table {
 public:
  /// The symbol of `s`, interning it on first use.
  symbol intern(std::string_view s) { return intern(s, hash(s)); }
  /// The same, with `h` == hash(s) computed earlier (for prefetching).
  symbol intern(std::string_view s, uint64_t h);
  static uint64_t hash(std::string_view s);
  /// Cache hints for a coming intern(s, h): the index slot of `h`, then
  /// (once that slot is in) the name it points at. prefetch_name returns
  /// its guess of the symbol (`missing` for none), for the caller's own
  /// per-symbol data; a guess, never an answer.
  void prefetch(uint64_t h) const { ids_.prefetch(h); }
  symbol prefetch_name(uint64_t h) const {
    auto id = ids_.candidate(h);
    if (id == id_index::npos || id >= names_.size())
      return missing;
    prefetch_line(&names_[id]);
    return id;
  }

  /// The symbol of `s` if it was interned, else nullopt-like `missing`.
  static constexpr symbol missing = UINT32_MAX;
  symbol find(std::string_view s) const;

  /// REQUIRES: `id` was returned by intern().
  const std::string& name(symbol id) const { return names_[id]; }

  size_t size() const { return names_.size(); }
  /// Bytes held by the table, for memory accounting.
  size_t memory_bytes() const;

 private:
  std::deque<std::string> names_;
  id_index ids_;
};

}  // namespace persona
