// interaction_file: reads an evaluation dataset from CSV files with a
// header row: interactions (a user, an item and a time column, found by
// name: userId/user/user_id/household_id, movieId/itemId/item/item_id/
// product_id, timestamp/ts/time/transaction_timestamp; seconds or
// milliseconds since the epoch, told apart by size, or a UTC date and time
// "YYYY-MM-DD HH:MM:SS"; an optional rating/value column; rows of a
// quantity column at 0 or a sales_value column at or below 0 are skipped,
// as purchase lines that bought nothing) and optionally items (an id
// column named like the interactions' item column, and categories from
// genres/categories/category/product_category, split at '|'; an optional
// brand column).
// Quoted fields may hold commas. Ids become dense numbers in order of
// first appearance.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/util/status.hpp"
#include "tools/eval/leave_last_out.hpp"

namespace persona::eval {

struct dataset {
  std::vector<std::string> user_names;
  std::vector<std::string> item_names;
  std::unordered_map<std::string, uint32_t> item_ids;
  /// In file order.
  std::vector<interaction> interactions;
  /// Per item id: categories and brand (empty when unknown).
  std::vector<std::vector<std::string>> categories;
  std::vector<std::string> brands;
};

/// Reads `interactions_path` and, when not empty, `items_path`.
result<dataset> read_dataset(const std::string& interactions_path, const std::string& items_path);

}  // namespace persona::eval
