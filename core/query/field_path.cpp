#include "core/query/field_path.hpp"

#include <algorithm>

#include <vector>

#include "core/model/predictions.hpp"
#include "core/profile/tags.hpp"

namespace persona {

namespace {

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    auto dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos)
      break;
    start = dot + 1;
  }
  return parts;
}

// The rest of a path after `skip` parts, joined by dots (names may contain dots).
std::string tail(const std::vector<std::string>& parts, size_t skip) {
  std::string out;
  for (size_t i = skip; i < parts.size(); ++i) {
    if (i > skip)
      out += '.';
    out += parts[i];
  }
  return out;
}

struct simple_path {
  const char* path;
  field_kind kind;
};

constexpr simple_path kSimple[] = {
    {"user", field_kind::user},
    {"first_seen", field_kind::first_seen},
    {"last_seen", field_kind::last_seen},
    {"sessions.count", field_kind::sessions_count},
    {"sessions.avg_duration_s", field_kind::sessions_avg_duration_s},
    {"sessions.avg_events", field_kind::sessions_avg_events},
    {"recent_items", field_kind::recent_items},
    {"rfm.recency_days", field_kind::rfm_recency_days},
    {"rfm.frequency", field_kind::rfm_frequency},
    {"rfm.monetary", field_kind::rfm_monetary},
    {"rfm.avg_order_value", field_kind::rfm_avg_order_value},
    {"purchase_cycle_days", field_kind::purchase_cycle_days},
    {"price.avg_viewed", field_kind::price_avg_viewed},
    {"price.avg_purchased", field_kind::price_avg_purchased},
    {"risk.score", field_kind::risk_score},
    {"risk.flags", field_kind::risk_flags},
    {"tags", field_kind::tags},
    {"segments", field_kind::segments},
    {"cluster", field_kind::cluster},
    {"predict.purchase_propensity", field_kind::predict_purchase_propensity},
    {"predict.churn_risk", field_kind::predict_churn_risk},
};

status unknown_path(const std::string& path, const char* hint) {
  return {error_code::bad_request, "unknown field path '" + path + "': " + hint};
}

field_value optional_number(const std::optional<double>& d) {
  return d ? field_value::of(*d) : field_value{};
}

}  // namespace

bool field_ref::is_list() const {
  return kind == field_kind::recent_items || kind == field_kind::risk_flags || kind == field_kind::tags ||
         kind == field_kind::segments;
}

result<field_ref> parse_field_path(const std::string& path) {
  field_ref ref;
  ref.path = path;
  for (auto& s : kSimple) {
    if (path == s.path) {
      ref.kind = s.kind;
      return ref;
    }
  }
  auto parts = split(path);
  const std::string& head = parts[0];
  if (head == "counts") {
    auto t = parts.size() == 2 ? event_type_from_string(parts[1]) : std::nullopt;
    if (!t)
      return unknown_path(path, "use counts.TYPE with an event type such as counts.purchase");
    ref.kind = field_kind::count;
    ref.type_index = static_cast<uint8_t>(*t);
    return ref;
  }
  if (head == "windows") {
    if (parts.size() == 3) {
      for (size_t w = 0; w < time_window_count; ++w) {
        if (parts[1] == to_string(static_cast<time_window>(w))) {
          auto t = event_type_from_string(parts[2]);
          if (!t)
            break;
          ref.kind = field_kind::window;
          ref.window_index = static_cast<uint8_t>(w);
          ref.type_index = static_cast<uint8_t>(*t);
          return ref;
        }
      }
    }
    return unknown_path(path,
                        "use windows.WINDOW.TYPE with WINDOW one of 1h, 24h, 7d, 30d, e.g. windows.7d.view");
  }
  if (head == "affinity") {
    if (parts.size() >= 3 && (parts[1] == "category" || parts[1] == "brand")) {
      ref.kind = parts[1] == "category" ? field_kind::category_affinity : field_kind::brand_affinity;
      ref.name = tail(parts, 2);
      return ref;
    }
    return unknown_path(path, "use affinity.category.NAME or affinity.brand.NAME");
  }
  if (head == "attributes") {
    if (parts.size() >= 2 && !parts[1].empty()) {
      ref.kind = field_kind::attribute;
      ref.name = tail(parts, 1);
      return ref;
    }
    return unknown_path(path, "use attributes.NAME");
  }
  return unknown_path(path,
                      "see the profile map in the protocol: e.g. rfm.monetary, counts.purchase, "
                      "windows.7d.view, affinity.category.NAME, attributes.NAME, risk.score");
}

void bind_field(field_ref& ref, const symbol_table& symbols) {
  if (!ref.name.empty())
    ref.bound = symbols.find(ref.name);
}

field_value read_field(const profile& p, std::string_view user, const field_ref& ref,
                       const read_context& ctx) {
  switch (ref.kind) {
    case field_kind::user:
      return field_value::of_text(user);
    case field_kind::first_seen:
      return p.first_seen_ms < 0 ? field_value{} : field_value::of(static_cast<double>(p.first_seen_ms));
    case field_kind::last_seen:
      return p.last_seen_ms < 0 ? field_value{} : field_value::of(static_cast<double>(p.last_seen_ms));
    case field_kind::attribute: {
      if (ref.bound == symbol_table::missing)
        return {};
      for (auto& [key, val] : p.attributes) {
        if (key != ref.bound)
          continue;
        if (val.is_number())
          return field_value::of(val.as_double());
        if (val.is_string())
          return field_value::of_text(val.as_string());
        if (val.is_bool())
          return field_value::of_bool(val.as_bool());
        return {};
      }
      return {};
    }
    case field_kind::count:
      return field_value::of(p.counts[ref.type_index]);
    case field_kind::window:
      return field_value::of(p.windows.count(static_cast<time_window>(ref.window_index),
                                             static_cast<event_type>(ref.type_index), ctx.now_ms));
    case field_kind::sessions_count:
      return field_value::of(p.sessions.count());
    case field_kind::sessions_avg_duration_s:
      return field_value::of(p.sessions.avg_duration_s());
    case field_kind::sessions_avg_events:
      return field_value::of(p.sessions.avg_events());
    case field_kind::category_affinity:
    case field_kind::brand_affinity: {
      if (ref.bound == symbol_table::missing)
        return {};
      auto& table = ref.kind == field_kind::category_affinity ? p.category_affinity : p.brand_affinity;
      double mine = table.score(ref.bound);
      if (mine < 0)
        return {};
      if (ctx.total_of != &table) {
        ctx.total = table.total();
        ctx.total_of = &table;
      }
      return field_value::of(ctx.total > 0 ? mine / ctx.total : 0.0);
    }
    case field_kind::rfm_recency_days:
      return optional_number(p.purchases.recency_days(ctx.now_ms));
    case field_kind::rfm_frequency:
      return field_value::of(p.purchases.purchases());
    case field_kind::rfm_monetary:
      return field_value::of(p.purchases.monetary());
    case field_kind::rfm_avg_order_value:
      return optional_number(p.purchases.avg_order_value());
    case field_kind::purchase_cycle_days:
      return optional_number(p.purchases.cycle_days());
    case field_kind::price_avg_viewed:
      return optional_number(p.purchases.avg_viewed_price());
    case field_kind::price_avg_purchased:
      return optional_number(p.purchases.avg_purchased_price());
    case field_kind::risk_score:
      return field_value::of(risk_score(p, ctx.now_ms, ctx.cfg));
    case field_kind::cluster:
      return p.cluster < 0 ? field_value{} : field_value::of(p.cluster);
    case field_kind::predict_purchase_propensity:
      if (!ctx.propensity)
        return {};
      return field_value::of(purchase_propensity(p, ctx.now_ms, *ctx.propensity));
    case field_kind::predict_churn_risk:
      return field_value::of(churn_risk(p, ctx.now_ms, ctx.cfg, ctx.churn));
    case field_kind::recent_items:
    case field_kind::risk_flags:
    case field_kind::tags:
    case field_kind::segments:
      return {};
  }
  return {};
}

bool list_contains(const profile& p, const field_ref& ref, std::string_view item, const read_context& ctx) {
  switch (ref.kind) {
    case field_kind::recent_items: {
      auto s = ctx.symbols.find(item);
      if (s == symbol_table::missing)
        return false;
      for (auto& e : p.recent.items())
        if (e.item == s)
          return true;
      return false;
    }
    case field_kind::tags: {
      auto t = tag_from_string(std::string(item));
      return t && tag_holds(p, *t, ctx.now_ms, ctx.cfg);
    }
    case field_kind::risk_flags: {
      auto flags = p.risk.flags(ctx.now_ms, p.purchases, ctx.cfg.risk);
      for (size_t i = 0; i < risk_flag_count; ++i)
        if ((flags & (1u << i)) && item == to_string(static_cast<risk_flag>(i)))
          return true;
      return false;
    }
    case field_kind::segments: {
      auto id = ctx.segments ? ctx.segments->find(item) : std::nullopt;
      return id && p.segments.contains(*id);
    }
    default:
      return false;
  }
}

}  // namespace persona
