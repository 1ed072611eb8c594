// affinity_table: exponentially time-decayed interest scores over symbols
// (categories or brands), top-K bounded.
//
// An interaction of weight w at time t contributes w * 2^-((now - t) / h) at
// time `now`, h being the half-life. Scores are stored valued at one
// reference time and decayed in closed form, so the order in which events
// arrive does not change the result; an update touches one entry. When the
// table is full, a new symbol replaces the weakest entry only if its weight
// is larger than that entry's decayed score. Part of a profile.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/util/symbol_table.hpp"

namespace persona {

class affinity_table {
 public:
  /// Adds an interaction of `weight` with `key` at `ts_ms`.
  /// REQUIRES: half_life_ms > 0, cap > 0, weight >= 0.
  void add(symbol key, double weight, int64_t ts_ms, int64_t half_life_ms, size_t cap);

  /// The decayed (unnormalised) score of `key` at `now_ms`; 0 when absent.
  double raw_score(symbol key, int64_t now_ms, int64_t half_life_ms) const;

  /// Every kept entry with its share of the total decayed score (in [0, 1],
  /// summing to 1), highest first; ties broken by symbol.
  std::vector<std::pair<symbol, double>> shares() const;

  /// The share of `key`, or a negative number when the table does not hold it.
  double share(symbol key) const;
  /// The stored score of `key` (negative when absent), and the total of
  /// all stored scores: share = score / total, for readers that ask
  /// several keys of one table.
  double score(symbol key) const;
  double total() const;

  /// Folds `other` into this table; `remap` turns other's symbols into ours.
  template <class Remap>
  void merge(const affinity_table& other, Remap remap, int64_t half_life_ms, size_t cap) {
    for (auto& e : other.entries_)
      add(remap(e.key), e.score, other.ref_ms_, half_life_ms, cap);
  }

  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  size_t heap_bytes() const { return entries_.capacity() * sizeof(entry); }

  struct entry {
    symbol key;
    float score;  // valued at reference_ms()
  };
  const std::vector<entry>& entries() const { return entries_; }
  int64_t reference_ms() const { return ref_ms_; }
  /// Restores a table from its parts (for decoding).
  void restore(std::vector<entry> entries, int64_t ref_ms) {
    entries_ = std::move(entries);
    ref_ms_ = ref_ms;
  }

 private:
  std::vector<entry> entries_;
  int64_t ref_ms_ = 0;
};

/// 2^(-dt / half_life): the factor by which a score decays over dt.
double decay_factor(int64_t dt_ms, int64_t half_life_ms);

}  // namespace persona
