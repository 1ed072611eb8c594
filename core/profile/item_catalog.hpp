// item_catalog: what the shop told us about its items (categories, brand,
// price, tags), used to enrich events that leave those out.
//
// A catalog is an immutable version: upserts build a new version that shares
// every untouched partition with the old one, so readers on any thread hold a
// std::shared_ptr<const item_catalog> and never lock, and an upsert of a few
// items costs a few partitions, not the whole catalog.
#pragma once

#include <array>
#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/profile/event.hpp"
#include "core/profile/event_validation.hpp"
#include "core/util/table_hash.hpp"
#include "core/util/value.hpp"

namespace persona {

struct item_info {
  std::vector<std::string> categories;
  std::string brand;
  double price = std::nan("");
  std::vector<std::string> tags;
};

/// One entry of an upsert_items call.
struct item_record {
  std::string item;
  item_info info;
};

/// Parses one upsert_items entry; on failure the rejection's code names the
/// broken key ("bad_item", "bad_category", "bad_brand", "bad_price", "bad_tags").
std::optional<rejection> parse_item_record(const value& v, item_record& out);

class item_catalog {
 public:
  /// A new version with `items` inserted or replaced, numbered one more
  /// than this one, or `version` when given (recovery restores numbers).
  std::shared_ptr<const item_catalog> with(const std::vector<item_record>& items) const {
    return with(items, version_ + 1);
  }
  std::shared_ptr<const item_catalog> with(const std::vector<item_record>& items, uint64_t version) const;

  /// Every item, in no particular order.
  std::vector<item_record> records() const;

  /// The item, or nullptr.
  const item_info* find(const std::string& item) const;

  size_t size() const { return size_; }

  /// Grows by one with every upsert; shards use it to refresh their caches.
  uint64_t version() const { return version_; }

 private:
  static constexpr size_t partition_count = 64;
  using partition = std::unordered_map<std::string, item_info, table_hasher>;
  std::array<std::shared_ptr<const partition>, partition_count> parts_;
  size_t size_ = 0;
  uint64_t version_ = 0;
};

/// The current catalog version of a node, shared by the engine facade (which
/// replaces it on upsert) and the node's shards (which read it per batch).
/// Thread-safe.
class item_catalog_holder {
 public:
  item_catalog_holder() : current_(std::make_shared<const item_catalog>()) {}

  std::shared_ptr<const item_catalog> current() const { return std::atomic_load(&current_); }

  /// Applies an upsert and publishes the new version, which it returns.
  std::shared_ptr<const item_catalog> upsert(const std::vector<item_record>& items);

  /// Publishes `catalog` as the current version (after recovery).
  void reset(std::shared_ptr<const item_catalog> catalog);

 private:
  std::mutex writer_;
  std::shared_ptr<const item_catalog> current_;
};

}  // namespace persona
