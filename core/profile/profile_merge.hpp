// merge_profile: the template body of profile.hpp's merge_profile, kept apart
// so profile.hpp stays a list of fields. Included by profile.hpp only.
#pragma once

#include <algorithm>

namespace persona {

template <class Remap>
void merge_profile(profile& target, const profile& source, Remap remap, const profile_config& cfg) {
  if (source.first_seen_ms >= 0)
    target.first_seen_ms = target.first_seen_ms < 0 ? source.first_seen_ms
                                                    : std::min(target.first_seen_ms, source.first_seen_ms);
  target.last_seen_ms = std::max(target.last_seen_ms, source.last_seen_ms);
  for (size_t i = 0; i < event_type_count; ++i)
    target.counts[i] += source.counts[i];
  target.windows.merge(source.windows);
  // The latest session is whichever of the two users' ended last.
  bool source_later = source.sessions.count() > 0 &&
                      (target.sessions.count() == 0 || source.sessions.last_ms > target.sessions.last_ms);
  // Both users' recent sessions count, faded to the start of the session
  // the merged profile keeps as current (the target's: sessions.merge).
  double recent = target.latest_session.recent_sessions_;
  if (target.sessions.count() > 0 && source.sessions.count() > 0)
    recent += fade_recent_sessions(source.latest_session.recent_sessions_,
                                   target.sessions.start_ms - source.sessions.start_ms);
  if (source_later) {
    target.latest_session = source.latest_session;
    auto& ls = target.latest_session;
    if (ls.focus_ != symbol_table::missing)
      ls.focus_ = remap(ls.focus_);
    if (ls.previous_focus_ != symbol_table::missing)
      ls.previous_focus_ = remap(ls.previous_focus_);
    if (ls.searched_ != symbol_table::missing)
      ls.searched_ = remap(ls.searched_);
  }
  if (target.sessions.count() > 0)
    target.latest_session.recent_sessions_ = static_cast<float>(recent);
  target.sessions.merge(source.sessions);
  target.category_affinity.merge(source.category_affinity, remap, cfg.affinity_half_life_ms,
                                 cfg.caps.affinity_entries);
  target.brand_affinity.merge(source.brand_affinity, remap, cfg.affinity_half_life_ms,
                              cfg.caps.affinity_entries);
  // Recent items: interleave by time, newest first.
  for (auto it = source.recent.items().rbegin(); it != source.recent.items().rend(); ++it)
    target.recent.add(remap(it->item), static_cast<int64_t>(it->ts_s) * 1000, cfg.caps.recent_items);
  target.purchases.merge(source.purchases, cfg.caps.purchase_months);
  target.risk.merge(source.risk, cfg.caps.known_contexts);
  target.last_cart_ms = std::max(target.last_cart_ms, source.last_cart_ms);
  // Attributes: the target's win; the source fills in what the target lacks.
  for (auto& [key, val] : source.attributes) {
    symbol k = remap(key);
    bool known = std::any_of(target.attributes.begin(), target.attributes.end(),
                             [&](auto& a) { return a.first == k; });
    if (!known && target.attributes.size() < cfg.caps.attributes)
      target.attributes.emplace_back(k, val);
  }
  for (auto id : source.seen_ids.ids())
    if (!target.seen_ids.contains(id))
      target.seen_ids.insert(id, cfg.caps.event_ids);
}

}  // namespace persona
