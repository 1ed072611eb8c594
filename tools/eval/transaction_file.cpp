#include "tools/eval/transaction_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unordered_map>

#include "tools/eval/csv_fields.hpp"

namespace persona::eval {

namespace {

bool parse_number(const std::string& text, double& out) {
  if (text.empty())
    return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return *end == '\0' && std::isfinite(out);
}

}  // namespace

std::optional<int64_t> parse_time_ms(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &used) == 3 && used == 10) {
    if (text.size() > 10 && std::sscanf(text.c_str() + 10, " %2d:%2d:%2d", &h, &mi, &s) < 2)
      return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
      return std::nullopt;
    int64_t day = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return ((day * 24 + h) * 60 + mi) * 60000 + int64_t{s} * 1000;
  }
  double n = 0;
  if (!parse_number(text, n) || n < 0)
    return std::nullopt;
  // Below 1e11 it is seconds (5138 AD in seconds).
  return static_cast<int64_t>(n < 1e11 ? n * 1000 : n);
}

result<transaction_table> read_transactions(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return status{error_code::bad_request, path + ": cannot be read"};
  std::string line;
  if (!read_csv_line(in, line))
    return status{error_code::bad_request, path + ": empty, a header row is needed"};
  auto header = split_csv_line(line);
  int user = column_index(header, {"household_id", "user", "user_id", "userid", "customer_id", "customerid"});
  int item = column_index(header, {"product_id", "item", "item_id", "itemid", "stockcode"});
  int basket = column_index(header, {"basket_id", "basket", "invoice", "invoiceno", "order_id"});
  int time =
      column_index(header, {"transaction_timestamp", "timestamp", "ts", "time", "invoicedate", "date"});
  int quantity = column_index(header, {"quantity"});
  int amount = column_index(header, {"sales_value", "amount", "total"});
  int price = column_index(header, {"price", "unitprice", "unit_price"});
  if (user < 0 || item < 0 || time < 0 || (amount < 0 && price < 0))
    return status{error_code::bad_request,
                  path + ": needs user, item, time and amount (or price) columns (see persona-eval --help)"};
  transaction_table out;
  std::unordered_map<std::string, uint32_t> users;
  size_t row = 1;
  while (read_csv_line(in, line)) {
    ++row;
    if (line.empty())
      continue;
    auto f = split_csv_line(line);
    int widest = std::max({user, item, basket, time, quantity, amount, price});
    if (static_cast<int>(f.size()) <= widest)
      return status{error_code::bad_request, path + ":" + std::to_string(row) + ": too few fields"};
    transaction t;
    auto ts = parse_time_ms(f[static_cast<size_t>(time)]);
    if (!ts)
      return status{error_code::bad_request, path + ":" + std::to_string(row) + ": unreadable time '" +
                                                 f[static_cast<size_t>(time)] + "'"};
    t.ts_ms = *ts;
    double q = 1, paid = 0;
    if (quantity >= 0 && !parse_number(f[static_cast<size_t>(quantity)], q))
      q = 0;
    if (amount >= 0) {
      if (!parse_number(f[static_cast<size_t>(amount)], paid))
        paid = 0;
    } else if (parse_number(f[static_cast<size_t>(price)], paid)) {
      paid *= q;
    }
    if (q <= 0 || paid <= 0) {
      ++out.dropped;
      continue;
    }
    t.quantity = std::max<int64_t>(1, std::llround(q));
    t.amount = paid;
    t.item = f[static_cast<size_t>(item)];
    t.basket = basket >= 0 ? f[static_cast<size_t>(basket)] : std::to_string(t.ts_ms);
    auto [it, added] =
        users.emplace(f[static_cast<size_t>(user)], static_cast<uint32_t>(out.user_names.size()));
    if (added)
      out.user_names.push_back(it->first);
    t.user = it->second;
    out.rows.push_back(std::move(t));
  }
  return out;
}

}  // namespace persona::eval
