#include "core/query/user_likeness.hpp"

#include <cmath>

namespace persona {

user_likeness likeness_of(const profile& p, const symbol_table& symbols) {
  user_likeness out;
  for (auto& [s, share] : p.category_affinity.shares())
    out.categories.emplace_back(symbols.name(s), share);
  for (auto& [s, share] : p.brand_affinity.shares())
    out.brands.emplace_back(symbols.name(s), share);
  for (auto& r : p.recent.items())
    out.items.push_back(symbols.name(r.item));
  return out;
}

value to_value(const user_likeness& l) {
  value categories{value::map{}}, brands{value::map{}};
  for (auto& [name, share] : l.categories)
    categories.set(name, value{share});
  for (auto& [name, share] : l.brands)
    brands.set(name, value{share});
  value::array items;
  for (auto& name : l.items)
    items.emplace_back(name);
  value out{value::map{}};
  out.set("categories", std::move(categories));
  out.set("brands", std::move(brands));
  out.set("items", value{std::move(items)});
  return out;
}

namespace {

bool shares_from(const value* v, std::vector<std::pair<std::string, double>>& out) {
  if (!v || !v->is_map())
    return false;
  for (auto& [name, share] : v->as_map()) {
    if (!share.is_number())
      return false;
    out.emplace_back(name, share.as_double());
  }
  return true;
}

}  // namespace

bool from_value(const value& v, user_likeness& out) {
  if (!v.is_map() || !shares_from(v.find("categories"), out.categories) ||
      !shares_from(v.find("brands"), out.brands))
    return false;
  auto* items = v.find("items");
  if (!items || !items->is_array())
    return false;
  for (auto& item : items->as_array()) {
    if (!item.is_string())
      return false;
    out.items.push_back(item.as_string());
  }
  return true;
}

likeness_scorer::likeness_scorer(const user_likeness& q, const symbol_table& symbols) {
  size_t n = symbols.size();
  category_.assign(n, 0.0f);
  brand_.assign(n, 0.0f);
  item_.assign(n, 0.0f);
  double sq = 0;
  for (auto& [name, share] : q.categories) {
    sq += share * share;
    if (auto s = symbols.find(name); s != symbol_table::missing) {
      category_[s] = static_cast<float>(share);
      empty_ = false;
    }
  }
  for (auto& [name, share] : q.brands) {
    sq += share * share;
    if (auto s = symbols.find(name); s != symbol_table::missing) {
      brand_[s] = static_cast<float>(share);
      empty_ = false;
    }
  }
  double item_weight = q.items.empty() ? 0.0 : 1.0 / static_cast<double>(q.items.size());
  for (auto& name : q.items) {
    sq += item_weight * item_weight;
    if (auto s = symbols.find(name); s != symbol_table::missing) {
      item_[s] = static_cast<float>(item_weight);
      empty_ = false;
    }
  }
  norm_ = std::sqrt(sq);
}

double likeness_scorer::score(const profile& p) const {
  if (empty_ || norm_ == 0)
    return 0;
  double dot = 0, sq = 0;
  auto part = [&](const affinity_table& t, const std::vector<float>& q) {
    double total = t.total();
    if (total <= 0)
      return;
    for (auto& e : t.entries()) {
      double share = e.score / total;
      sq += share * share;
      if (e.key < q.size())
        dot += share * q[e.key];
    }
  };
  part(p.category_affinity, category_);
  part(p.brand_affinity, brand_);
  auto& items = p.recent.items();
  if (!items.empty()) {
    double w = 1.0 / static_cast<double>(items.size());
    for (auto& r : items) {
      sq += w * w;
      if (r.item < item_.size())
        dot += w * item_[r.item];
    }
  }
  if (sq == 0 || dot == 0)
    return 0;
  return dot / (norm_ * std::sqrt(sq));
}

}  // namespace persona
