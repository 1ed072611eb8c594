#include "tools/eval/interaction_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "tools/eval/csv_fields.hpp"

namespace persona::eval {

namespace {

/// Timestamps below this are seconds (it is 5138 AD in seconds).
constexpr double max_seconds = 1e11;

/// Seconds since the epoch of a UTC date and time "YYYY-MM-DD HH:MM:SS"
/// (or with a 'T'), or -1 when `text` is not one.
double date_time_seconds(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char sep = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &sec) != 7 ||
      (sep != ' ' && sep != 'T') || mo < 1 || mo > 12 || d < 1 || d > 31)
    return -1;
  auto days = static_cast<double>(days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)));
  return days * 86400 + h * 3600 + mi * 60 + sec;
}

status bad_file(const std::string& path, const std::string& what) {
  return {error_code::bad_request, path + ": " + what};
}

}  // namespace

result<dataset> read_dataset(const std::string& interactions_path, const std::string& items_path) {
  dataset d;
  std::ifstream in(interactions_path);
  if (!in)
    return bad_file(interactions_path, "cannot be opened; pass the path of a CSV file of interactions");
  std::string line;
  if (!read_csv_line(in, line))
    return bad_file(interactions_path, "is empty; it needs a header row and one interaction per row");
  auto header = split_csv_line(line);
  int user_col = column_index(header, {"userid", "user", "user_id", "household_id"});
  int item_col = column_index(header, {"movieid", "itemid", "item", "item_id", "product_id"});
  int time_col = column_index(header, {"timestamp", "ts", "time", "transaction_timestamp"});
  int value_col = column_index(header, {"rating", "value"});
  // Purchase lines: those of quantity 0 or no amount paid are not interactions.
  int quantity_col = column_index(header, {"quantity"});
  int sales_col = column_index(header, {"sales_value"});
  if (user_col < 0 || item_col < 0 || time_col < 0)
    return bad_file(interactions_path,
                    "the header must name a user column (userId, user, user_id), an item column (movieId, "
                    "itemId, item, item_id, product_id) and a time column (timestamp, ts, time); it is: " +
                        line);
  std::unordered_map<std::string, uint32_t> users;
  size_t row = 1;
  while (read_csv_line(in, line)) {
    ++row;
    if (line.empty())
      continue;
    auto f = split_csv_line(line);
    size_t need = static_cast<size_t>(std::max({user_col, item_col, time_col, value_col})) + 1;
    if (f.size() < need)
      return bad_file(interactions_path, "row " + std::to_string(row) + " has " + std::to_string(f.size()) +
                                             " fields, the header " + std::to_string(header.size()));
    auto number = [&](int col) {
      return col >= 0 && static_cast<size_t>(col) < f.size()
                 ? std::strtod(f[static_cast<size_t>(col)].c_str(), nullptr)
                 : 1.0;
    };
    if (number(quantity_col) == 0 || number(sales_col) <= 0)
      continue;
    auto& time = f[static_cast<size_t>(time_col)];
    char* end = nullptr;
    double ts = std::strtod(time.c_str(), &end);
    if (end == time.c_str() || *end != '\0')
      ts = date_time_seconds(time);
    if (!std::isfinite(ts) || ts < 0)
      return bad_file(interactions_path, "row " + std::to_string(row) + ": the time '" + time +
                                             "' is not a number of seconds or ms, nor a UTC date and time "
                                             "YYYY-MM-DD HH:MM:SS");
    auto& user = f[static_cast<size_t>(user_col)];
    auto& item = f[static_cast<size_t>(item_col)];
    if (user.empty() || item.empty())
      return bad_file(interactions_path, "row " + std::to_string(row) + " has an empty user or item");
    auto [u, new_user] = users.emplace(user, static_cast<uint32_t>(d.user_names.size()));
    if (new_user)
      d.user_names.push_back(user);
    auto [i, new_item] = d.item_ids.emplace(item, static_cast<uint32_t>(d.item_names.size()));
    if (new_item)
      d.item_names.push_back(item);
    int64_t ms = ts < max_seconds ? static_cast<int64_t>(ts * 1000) : static_cast<int64_t>(ts);
    double v =
        value_col >= 0 ? std::strtod(f[static_cast<size_t>(value_col)].c_str(), nullptr) : std::nan("");
    d.interactions.push_back({u->second, i->second, ms, v});
  }
  if (d.interactions.empty())
    return bad_file(interactions_path, "has no interactions below its header");
  d.categories.resize(d.item_names.size());
  d.brands.resize(d.item_names.size());
  if (items_path.empty())
    return d;
  std::ifstream items(items_path);
  if (!items)
    return bad_file(items_path,
                    "cannot be opened; pass the path of a CSV file of items, or leave --items out");
  if (!read_csv_line(items, line))
    return bad_file(items_path, "is empty");
  header = split_csv_line(line);
  int id_col = column_index(header, {"movieid", "itemid", "item", "item_id", "product_id", "id"});
  int cat_col = column_index(header, {"genres", "categories", "category", "product_category"});
  int brand_col = column_index(header, {"brand"});
  if (id_col < 0)
    return bad_file(items_path,
                    "the header must name an item id column (movieId, itemId, item, item_id, id)");
  while (read_csv_line(items, line)) {
    auto f = split_csv_line(line);
    if (static_cast<int>(f.size()) <= std::max({id_col, cat_col, brand_col}))
      continue;
    auto it = d.item_ids.find(f[static_cast<size_t>(id_col)]);
    if (it == d.item_ids.end())
      continue;  // an item nobody interacted with
    if (cat_col >= 0) {
      auto& text = f[static_cast<size_t>(cat_col)];
      size_t from = 0;
      while (from <= text.size()) {
        auto bar = text.find('|', from);
        auto name = text.substr(from, bar == std::string::npos ? std::string::npos : bar - from);
        if (!name.empty() && name != "(no genres listed)" && d.categories[it->second].size() < 16)
          d.categories[it->second].push_back(name);
        if (bar == std::string::npos)
          break;
        from = bar + 1;
      }
    }
    if (brand_col >= 0)
      d.brands[it->second] = f[static_cast<size_t>(brand_col)];
  }
  return d;
}

}  // namespace persona::eval
