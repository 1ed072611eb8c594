// recent_items: the last N distinct items a user touched, newest first, each
// with the time of its newest touch. Touching an item again moves it to the
// front. Part of a profile.
#pragma once

#include <cstdint>
#include <vector>

#include "core/util/symbol_table.hpp"

namespace persona {

class recent_items {
 public:
  struct entry {
    symbol item;
    uint32_t ts_s;  // seconds since the epoch (fits until 2106)
  };

  /// Records a touch of `item` at `ts_ms`; keeps at most `cap` items.
  void add(symbol item, int64_t ts_ms, size_t cap);

  /// Newest first.
  const std::vector<entry>& items() const { return items_; }
  std::vector<entry>& items() { return items_; }
  size_t heap_bytes() const { return items_.capacity() * sizeof(entry); }

 private:
  std::vector<entry> items_;
};

}  // namespace persona
