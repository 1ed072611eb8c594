// Helpers shared by Persona's tests: building events and values tersely.
#pragma once

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/profile/event.hpp"
#include "core/profile/profile.hpp"
#include "core/profile/profile_config.hpp"
#include "core/util/node_clock.hpp"
#include "core/util/symbol_table.hpp"
#include "core/util/value.hpp"

namespace persona::test {

/// A fresh directory under the system's temporary directory, removed with
/// everything in it when the object goes.
class temp_directory {
 public:
  temp_directory() {
    auto pattern = (std::filesystem::temp_directory_path() / "persona-test-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
      throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_directory(const temp_directory&) = delete;
  temp_directory& operator=(const temp_directory&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// 2026-01-01T00:00:00Z, a fixed origin for event times in tests.
constexpr int64_t t0 = 1767225600000;

/// A wall clock a test sets by hand, for node_clock and the engine's
/// `wall_clock` option. Copies share one time; any thread may read it.
class manual_wall_clock {
 public:
  explicit manual_wall_clock(int64_t ms) : ms_(std::make_shared<std::atomic<int64_t>>(ms)) {}
  void set(int64_t ms) { ms_->store(ms); }
  void advance(int64_t ms) { ms_->fetch_add(ms); }
  int64_t ms() const { return ms_->load(); }
  /// A wall source that reads this clock.
  node_clock::wall_source source() const {
    return [ms = ms_] { return ms->load(); };
  }

 private:
  std::shared_ptr<std::atomic<int64_t>> ms_;
};

inline int64_t minutes(double m) {
  return static_cast<int64_t>(m * ms_per_minute);
}
inline int64_t hours(double h) {
  return static_cast<int64_t>(h * ms_per_hour);
}
inline int64_t days(double d) {
  return static_cast<int64_t>(d * ms_per_day);
}

/// An event with user, type, ts and (when given) item marked present.
inline event make_event(const std::string& user, event_type type, int64_t ts, const std::string& item = "") {
  event e;
  e.user = user;
  e.mark(event_key::user);
  e.type = type;
  e.mark(event_key::type);
  e.ts = ts;
  e.mark(event_key::ts);
  if (!item.empty()) {
    e.item = item;
    e.mark(event_key::item);
  }
  if (type == event_type::search) {
    e.query = "shoes";
    e.mark(event_key::query);
  }
  if (type == event_type::rating) {
    e.value = 4;
    e.mark(event_key::value);
  }
  return e;
}

inline event with_price(event e, double price, int64_t quantity = 1) {
  e.price = price;
  e.mark(event_key::price);
  e.quantity = quantity;
  e.mark(event_key::quantity);
  return e;
}

inline event with_category(event e, std::vector<std::string> cats) {
  e.categories = std::move(cats);
  e.mark(event_key::category);
  return e;
}

inline event with_id(event e, const std::string& id) {
  e.id = id;
  e.mark(event_key::id);
  return e;
}

inline event with_brand(event e, const std::string& brand) {
  e.brand = brand;
  e.mark(event_key::brand);
  return e;
}

/// Applies `e` to `p` as a shard without a catalog does: its item,
/// categories and brand interned into `symbols`, its price as the unit price.
inline void apply_to(profile& p, const event& e, symbol_table& symbols, const profile_config& cfg = {}) {
  event_symbols syms;
  if (e.has(event_key::item))
    syms.item = symbols.intern(e.item);
  if (e.has_price())
    syms.price = e.price;
  if (e.has(event_key::brand))
    syms.brand = symbols.intern(e.brand);
  for (auto& c : e.categories)
    if (syms.category_count < syms.categories.size())
      syms.categories[syms.category_count++] = symbols.intern(c);
  apply_event(p, e, syms, cfg);
}

/// A profile that took events of the given types and times, each on item
/// symbol 0 ("i1"), purchases at a price of 10.
inline profile with_events(std::vector<std::pair<event_type, int64_t>> events) {
  profile p;
  profile_config cfg;
  for (auto& [type, ts] : events) {
    auto e = make_event("u", type, ts, "i1");
    if (type == event_type::purchase)
      e = with_price(e, 10);
    event_symbols syms;
    syms.item = 0;
    apply_event(p, e, syms, cfg);
  }
  return p;
}

/// {"field": path, "op": op, "value": v}
inline value field_cond(const std::string& path, const std::string& op, value v = value{}) {
  value c{value::map{}};
  c.set("field", value{path});
  c.set("op", value{op});
  if (!v.is_nil())
    c.set("value", std::move(v));
  return c;
}

/// {key: [conds...]} or {"not": cond}
inline value combine(const std::string& key, std::vector<value> conds) {
  value c{value::map{}};
  if (key == "not")
    c.set(key, std::move(conds.at(0)));
  else
    c.set(key, value{value::array(conds.begin(), conds.end())});
  return c;
}

inline value map_of(std::vector<std::pair<std::string, value>> members) {
  value m{value::map{}};
  for (auto& [k, v] : members)
    m.set(k, std::move(v));
  return m;
}

}  // namespace persona::test
