#include "core/profile/profile_codec.hpp"

#include <initializer_list>

#include "core/profile/consent.hpp"
#include "core/util/byte_codec.hpp"

namespace persona {

namespace {

void put_symbol(byte_writer& w, const symbol_table& s, symbol id) {
  w.put_string(s.name(id));
}

bool get_symbol(byte_reader& r, symbol_table& s, symbol& id) {
  std::string name;
  if (!r.get_string(name))
    return false;
  id = s.intern(name);
  return true;
}

template <class T>
bool get_count(byte_reader& r, T& n, size_t limit) {
  uint64_t x = 0;
  // Every element takes at least one byte: more than remain is corruption.
  if (!r.get_varint(x) || x > limit || x > r.remaining())
    return false;
  n = static_cast<T>(x);
  return true;
}

void put_affinity(byte_writer& w, const symbol_table& s, const affinity_table& t) {
  w.put_i64(t.reference_ms());
  w.put_varint(t.entries().size());
  for (auto& e : t.entries()) {
    put_symbol(w, s, e.key);
    w.put_f32(e.score);
  }
}

bool get_affinity(byte_reader& r, symbol_table& s, affinity_table& t) {
  int64_t ref = 0;
  size_t n = 0;
  if (!r.get_i64(ref) || !get_count(r, n, 4096))
    return false;
  std::vector<affinity_table::entry> entries(n);
  for (auto& e : entries)
    if (!get_symbol(r, s, e.key) || !r.get_f32(e.score))
      return false;
  t.restore(std::move(entries), ref);
  return true;
}

/// The latest session's summary (field 12): its counts, the recent
/// sessions (version 3 on), then the focus, the previous focus and the
/// searched category (version 4 on) where the flags byte says they follow.
void put_session_summary(byte_writer& w, const symbol_table& s, const session_summary& ls) {
  for (uint8_t n : {ls.views_, ls.votes_, ls.carts_, ls.searches_, ls.purchases_, ls.focus_views_, ls.streak_,
                    ls.previous_streak_})
    w.put_u8(n);
  w.put_f32(ls.recent_sessions_);
  bool has_focus = ls.focus_ != symbol_table::missing;
  bool has_previous = ls.previous_focus_ != symbol_table::missing;
  bool has_searched = ls.searched_ != symbol_table::missing;
  w.put_u8(static_cast<uint8_t>((has_focus ? 1 : 0) | (has_previous ? 2 : 0) | (has_searched ? 4 : 0)));
  if (has_focus)
    put_symbol(w, s, ls.focus_);
  if (has_previous)
    put_symbol(w, s, ls.previous_focus_);
  if (has_searched)
    put_symbol(w, s, ls.searched_);
}

bool get_session_summary(byte_reader& r, symbol_table& s, uint8_t version, session_summary& ls) {
  for (uint8_t* n : {&ls.views_, &ls.votes_, &ls.carts_, &ls.searches_, &ls.purchases_, &ls.focus_views_,
                     &ls.streak_, &ls.previous_streak_})
    if (!r.get_u8(*n))
      return false;
  if (version == 2) {
    // Version 2 counted clicks where the vote is, and kept no count of
    // recent sessions: the focus leads by its own views, and the count
    // starts afresh.
    ls.votes_ = ls.focus_views_;
  } else if (!r.get_f32(ls.recent_sessions_)) {
    return false;
  }
  uint8_t flags = 0;
  if (!r.get_u8(flags))
    return false;
  if ((flags & 4) && version < 4)
    return false;
  if ((flags & 1) && !get_symbol(r, s, ls.focus_))
    return false;
  if ((flags & 2) && !get_symbol(r, s, ls.previous_focus_))
    return false;
  return !(flags & 4) || get_symbol(r, s, ls.searched_);
}

}  // namespace

std::string encode_profile(const profile& p, const symbol_table& s) {
  byte_writer w;
  w.put_u8(profile_image_version);
  w.put_i64(p.first_seen_ms);
  w.put_i64(p.last_seen_ms);
  for (auto c : p.counts)
    w.put_u32(c);
  w.put_varint(p.windows.buckets().size());
  for (auto& b : p.windows.buckets()) {
    w.put_u8(b.window);
    w.put_u32(b.index);
    for (auto c : b.counts)
      w.put_u32(c);
  }
  auto& ss = p.sessions;
  w.put_u64(ss.current_id_hash);
  w.put_i64(ss.start_ms);
  w.put_i64(ss.last_ms);
  w.put_u32(ss.count_);
  w.put_u32(ss.events_);
  w.put_i64(ss.closed_duration_ms);
  put_affinity(w, s, p.category_affinity);
  put_affinity(w, s, p.brand_affinity);
  w.put_varint(p.recent.items().size());
  for (auto& e : p.recent.items()) {
    put_symbol(w, s, e.item);
    w.put_u32(e.ts_s);
  }
  auto& ps = p.purchases;
  w.put_u32(ps.purchases_);
  w.put_u32(ps.refunds_);
  w.put_f64(ps.gross_);
  w.put_f64(ps.refunded_);
  w.put_i64(ps.last_purchase_ms_);
  w.put_i64(ps.first_occasion_ms_);
  w.put_i64(ps.last_occasion_ms_);
  w.put_u32(ps.occasions_);
  w.put_f64(ps.viewed_price_sum_);
  w.put_u32(ps.viewed_price_n_);
  w.put_f64(ps.purchased_price_sum_);
  w.put_u32(ps.purchased_price_n_);
  w.put_varint(ps.months_.size());
  for (auto m : ps.months_)
    w.put_u32(m);
  auto& rs = p.risk;
  w.put_u32(rs.amounts_n_);
  w.put_f64(rs.amount_mean_);
  w.put_f64(rs.amount_m2_);
  w.put_u32(rs.night_purchases_);
  w.put_i64(rs.unusual_amount_ms_);
  w.put_i64(rs.burst_ms_);
  w.put_i64(rs.new_device_ms_);
  w.put_i64(rs.new_geo_ms_);
  w.put_i64(rs.burst_window_start_ms_);
  w.put_u32(rs.burst_count_);
  w.put_varint(rs.contexts_.size());
  for (auto c : rs.contexts_)
    w.put_u64(c);
  w.put_i64(p.last_cart_ms);
  w.put_varint(p.attributes.size());
  for (auto& [k, v] : p.attributes) {
    put_symbol(w, s, k);
    w.put_string(encode_value(v));
  }
  w.put_varint(p.seen_ids.ids().size());
  for (auto id : p.seen_ids.ids())
    w.put_u64(id);
  put_session_summary(w, s, p.latest_session);
  w.put_u8(p.consent_withheld);
  return w.take();
}

bool decode_profile(const std::string& bytes, symbol_table& s, profile& p) {
  byte_reader r(bytes);
  uint8_t version = 0;
  if (!r.get_u8(version) || version < 1 || version > profile_image_version)
    return false;
  p = profile{};
  if (!r.get_i64(p.first_seen_ms) || !r.get_i64(p.last_seen_ms))
    return false;
  for (auto& c : p.counts)
    if (!r.get_u32(c))
      return false;
  {
    size_t n = 0;
    if (!get_count(r, n, 4096))
      return false;
    std::vector<window_counters::bucket> buckets(n);
    for (size_t i = 0; i < n; ++i) {
      auto& b = buckets[i];
      if (!r.get_u8(b.window) || b.window >= time_window_count || !r.get_u32(b.index))
        return false;
      if (i > 0 && (buckets[i - 1].window > b.window ||
                    (buckets[i - 1].window == b.window && buckets[i - 1].index >= b.index)))
        return false;  // buckets must be sorted by (window, index)
      for (auto& c : b.counts) {
        uint32_t x = 0;
        if (!r.get_u32(x))
          return false;
        c = static_cast<uint16_t>(x > UINT16_MAX ? UINT16_MAX : x);
      }
    }
    p.windows.restore(std::move(buckets));
  }
  auto& ss = p.sessions;
  if (!r.get_u64(ss.current_id_hash) || !r.get_i64(ss.start_ms) || !r.get_i64(ss.last_ms) ||
      !r.get_u32(ss.count_) || !r.get_u32(ss.events_) || !r.get_i64(ss.closed_duration_ms))
    return false;
  if (!get_affinity(r, s, p.category_affinity) || !get_affinity(r, s, p.brand_affinity))
    return false;
  size_t n = 0;
  if (!get_count(r, n, 4096))
    return false;
  p.recent.items().resize(n);
  for (auto& e : p.recent.items())
    if (!get_symbol(r, s, e.item) || !r.get_u32(e.ts_s))
      return false;
  auto& ps = p.purchases;
  if (!r.get_u32(ps.purchases_) || !r.get_u32(ps.refunds_) || !r.get_f64(ps.gross_) ||
      !r.get_f64(ps.refunded_) || !r.get_i64(ps.last_purchase_ms_) || !r.get_i64(ps.first_occasion_ms_) ||
      !r.get_i64(ps.last_occasion_ms_) || !r.get_u32(ps.occasions_) || !r.get_f64(ps.viewed_price_sum_) ||
      !r.get_u32(ps.viewed_price_n_) || !r.get_f64(ps.purchased_price_sum_) ||
      !r.get_u32(ps.purchased_price_n_) || !get_count(r, n, 4096))
    return false;
  ps.months_.resize(n);
  for (auto& m : ps.months_) {
    uint32_t x = 0;
    if (!r.get_u32(x))
      return false;
    m = static_cast<uint16_t>(x);
  }
  auto& rs = p.risk;
  if (!r.get_u32(rs.amounts_n_) || !r.get_f64(rs.amount_mean_) || !r.get_f64(rs.amount_m2_) ||
      !r.get_u32(rs.night_purchases_) || !r.get_i64(rs.unusual_amount_ms_) || !r.get_i64(rs.burst_ms_) ||
      !r.get_i64(rs.new_device_ms_) || !r.get_i64(rs.new_geo_ms_) || !r.get_i64(rs.burst_window_start_ms_) ||
      !r.get_u32(rs.burst_count_) || !get_count(r, n, 4096))
    return false;
  rs.contexts_.resize(n);
  for (auto& c : rs.contexts_)
    if (!r.get_u64(c))
      return false;
  if (!r.get_i64(p.last_cart_ms) || !get_count(r, n, 4096))
    return false;
  p.attributes.resize(n);
  for (auto& [k, v] : p.attributes) {
    std::string encoded;
    if (!get_symbol(r, s, k) || !r.get_string(encoded) || !decode_value(encoded, v))
      return false;
  }
  if (!get_count(r, n, 65536))
    return false;
  p.seen_ids.ids().resize(n);
  for (auto& id : p.seen_ids.ids())
    if (!r.get_u64(id))
      return false;
  if (version >= 2 && !get_session_summary(r, s, version, p.latest_session))
    return false;
  if (version >= 5 && (!r.get_u8(p.consent_withheld) || (p.consent_withheld & ~consent_bit::all) != 0))
    return false;
  return r.remaining() == 0;
}

}  // namespace persona
