// transaction_file: reads a retail transaction table from CSV with a header
// row, columns found by name: the user (household_id/user/user_id/
// customer_id/customerid), the item (product_id/item/item_id/stockcode),
// an optional basket (basket_id/basket/invoice/invoiceno/order_id; without
// it, one user's rows at one time form a basket), the time
// (transaction_timestamp/timestamp/ts/time/invoicedate/date: "YYYY-MM-DD",
// "YYYY-MM-DD HH:MM[:SS]" read as UTC, or seconds or ms since the epoch),
// an optional quantity (default 1) and the amount paid (sales_value/
// amount/total), or a unit price (price/unitprice) times the quantity.
// Rows with a quantity or an amount of 0 or less (returns, corrections)
// are dropped and counted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/util/status.hpp"

namespace persona::eval {

struct transaction {
  uint32_t user = 0;
  std::string item;
  /// The basket's name, unique within its user.
  std::string basket;
  int64_t ts_ms = 0;
  /// Amount paid for the row, and units.
  double amount = 0;
  int64_t quantity = 1;
};

struct transaction_table {
  std::vector<std::string> user_names;
  /// In file order.
  std::vector<transaction> rows;
  /// Rows dropped for a quantity or amount of 0 or less.
  size_t dropped = 0;
};

result<transaction_table> read_transactions(const std::string& path);

/// Milliseconds since the epoch of "YYYY-MM-DD[ HH:MM[:SS]]" (UTC), or of a
/// number of seconds or milliseconds (told apart by size); nullopt if neither.
std::optional<int64_t> parse_time_ms(const std::string& text);

}  // namespace persona::eval
