#include "core/query/profile_view.hpp"

#include <algorithm>

#include "core/model/predictions.hpp"
#include "core/profile/consent.hpp"
#include "core/profile/tags.hpp"

namespace persona {

namespace {

value optional_number(const std::optional<double>& d) {
  return d ? value{*d} : value{};
}

value render_counts(const std::array<uint32_t, event_type_count>& counts) {
  value out{value::map{}};
  for (size_t t = 0; t < event_type_count; ++t)
    out.set(to_string(static_cast<event_type>(t)), value{static_cast<uint64_t>(counts[t])});
  return out;
}

value render_windows(const profile& p, int64_t now_ms) {
  value out{value::map{}};
  for (size_t w = 0; w < time_window_count; ++w) {
    std::array<uint32_t, event_type_count> counts{};
    for (size_t t = 0; t < event_type_count; ++t)
      counts[t] = p.windows.count(static_cast<time_window>(w), static_cast<event_type>(t), now_ms);
    out.set(to_string(static_cast<time_window>(w)), render_counts(counts));
  }
  return out;
}

value render_affinity(const affinity_table& table, const symbol_table& symbols) {
  value out{value::map{}};
  for (auto& [key, share] : table.shares())
    out.set(symbols.name(key), value{share});
  return out;
}

value render_key(const std::string& key, const profile& p, std::string_view user, const read_context& ctx) {
  const auto& s = ctx.symbols;
  if (key == "user")
    return value{std::string(user)};
  // A profile created by set_attributes alone has seen no event yet.
  if (key == "first_seen")
    return p.first_seen_ms < 0 ? value{} : value{p.first_seen_ms};
  if (key == "last_seen")
    return p.last_seen_ms < 0 ? value{} : value{p.last_seen_ms};
  if (key == "attributes") {
    value out{value::map{}};
    for (auto& [k, v] : p.attributes)
      out.set(s.name(k), v);
    return out;
  }
  if (key == "counts")
    return render_counts(p.counts);
  if (key == "windows")
    return render_windows(p, ctx.now_ms);
  if (key == "sessions") {
    value out{value::map{}};
    out.set("count", value{static_cast<uint64_t>(p.sessions.count())});
    out.set("avg_duration_s", value{p.sessions.avg_duration_s()});
    out.set("avg_events", value{p.sessions.avg_events()});
    return out;
  }
  if (key == "affinity") {
    value out{value::map{}};
    out.set("category", render_affinity(p.category_affinity, s));
    out.set("brand", render_affinity(p.brand_affinity, s));
    return out;
  }
  if (key == "recent_items") {
    value::array items;
    for (auto& e : p.recent.items())
      items.emplace_back(s.name(e.item));
    return value{std::move(items)};
  }
  if (key == "rfm") {
    value out{value::map{}};
    out.set("recency_days", optional_number(p.purchases.recency_days(ctx.now_ms)));
    out.set("frequency", value{static_cast<uint64_t>(p.purchases.purchases())});
    out.set("monetary", value{p.purchases.monetary()});
    out.set("avg_order_value", optional_number(p.purchases.avg_order_value()));
    return out;
  }
  if (key == "purchase_cycle_days")
    return optional_number(p.purchases.cycle_days());
  if (key == "price") {
    value out{value::map{}};
    out.set("avg_viewed", optional_number(p.purchases.avg_viewed_price()));
    out.set("avg_purchased", optional_number(p.purchases.avg_purchased_price()));
    return out;
  }
  if (key == "risk") {
    auto flags = p.risk.flags(ctx.now_ms, p.purchases, ctx.cfg.risk);
    value::array names;
    for (size_t i = 0; i < risk_flag_count; ++i)
      if (flags & (1u << i))
        names.emplace_back(to_string(static_cast<risk_flag>(i)));
    value out{value::map{}};
    out.set("score", value{risk_signals::score(flags, ctx.cfg.risk)});
    out.set("flags", value{std::move(names)});
    return out;
  }
  if (key == "tags") {
    auto tags = compute_tags(p, ctx.now_ms, ctx.cfg);
    value::array names;
    for (size_t i = 0; i < tag_count; ++i)
      if (tags & (1u << i))
        names.emplace_back(to_string(static_cast<tag>(i)));
    return value{std::move(names)};
  }
  if (key == "segments") {
    value::array names;
    if (ctx.segments)
      for (auto id : p.segments)
        if (id < ctx.segments->names.size())
          names.emplace_back(ctx.segments->names[id]);
    return value{std::move(names)};
  }
  if (key == "cluster")
    return p.cluster < 0 ? value{} : value{static_cast<int64_t>(p.cluster)};
  if (key == "consent")
    return consent_value(p.consent_withheld);
  if (key == "predict") {
    value out{value::map{}};
    out.set("purchase_propensity",
            ctx.propensity ? value{purchase_propensity(p, ctx.now_ms, *ctx.propensity)} : value{});
    out.set("churn_risk", value{churn_risk(p, ctx.now_ms, ctx.cfg, ctx.churn)});
    return out;
  }
  return value{};
}

}  // namespace

const std::vector<std::string>& profile_keys() {
  static const std::vector<std::string> keys = {"user",
                                                "first_seen",
                                                "last_seen",
                                                "attributes",
                                                "counts",
                                                "windows",
                                                "sessions",
                                                "affinity",
                                                "recent_items",
                                                "rfm",
                                                "purchase_cycle_days",
                                                "price",
                                                "risk",
                                                "tags",
                                                "segments",
                                                "cluster",
                                                "predict",
                                                "consent"};
  return keys;
}

bool is_profile_key(const std::string& key) {
  auto& keys = profile_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

value render_profile(const profile& p, std::string_view user, const read_context& ctx,
                     const std::vector<std::string>& fields) {
  value out{value::map{}};
  for (auto& key : profile_keys()) {
    if (!fields.empty() && std::find(fields.begin(), fields.end(), key) == fields.end())
      continue;
    out.set(key, render_key(key, p, user, ctx));
  }
  return out;
}

}  // namespace persona
