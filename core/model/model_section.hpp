// model_section: one learnt model's part of the item model file. The item
// model builder saves its state as sections (the names behind its ids, the
// item statistics, the factors, the propensity model, the signals still
// waiting to be learnt), each encoded alone (state_codec.hpp), so that a
// model added later adds a kind of section, and a reader skips the kinds
// it does not know. core/storage/model_file.hpp frames and checks them on
// disk (docs/formats.md, "Item model file"). Plain data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace persona {

enum class section_kind : uint8_t {
  /// The item, category and brand names of the ids below, in id order.
  names = 1,
  /// Popularity, co-occurrence counters, item metadata and counts.
  items = 2,
  /// The factorization and its replay ring.
  factors = 3,
  /// The propensity model and its kept examples.
  propensity = 4,
  /// Signals counted for popularity and not yet learnt from.
  waiting = 5,
  /// The neighbour lists of the last version (items not touched since it
  /// keep theirs, as the node served them).
  neighbours = 6,
  /// The churn model's learnt state (churn_model.hpp).
  churn = 7,
};

struct model_section {
  section_kind kind{};
  std::string bytes;
};

/// The section of `kind` in `sections`, or null.
inline const model_section* find_section(const std::vector<model_section>& sections, section_kind kind) {
  for (auto& s : sections)
    if (s.kind == kind)
      return &s;
  return nullptr;
}

}  // namespace persona
