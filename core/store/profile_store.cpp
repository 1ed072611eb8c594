#include "core/store/profile_store.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "core/model/predictions.hpp"
#include "core/profile/attributes.hpp"
#include "core/profile/consent.hpp"
#include "core/profile/event_limits.hpp"
#include "core/profile/profile_codec.hpp"
#include "core/query/aggregate.hpp"
#include "core/query/condition.hpp"
#include "core/query/profile_view.hpp"
#include "core/util/prefetch.hpp"
#include "core/util/stable_hash.hpp"
#include "core/util/table_hash.hpp"

namespace persona {

profile_store::profile_store(profile_config cfg) : cfg_(cfg) {}

uint32_t profile_store::slot_of(std::string_view user, uint64_t h) const {
  return index_.find(user, h, [this](uint32_t slot) { return std::string_view{slab_[slot].id}; });
}

size_t profile_store::slot_heap_bytes(uint32_t slot) const {
  const auto& e = slab_[slot];
  return e.data.memory_bytes() - sizeof(profile) + (e.id.capacity() > 15 ? e.id.capacity() + 1 : 0);
}

uint32_t profile_store::obtain(const std::string& user, uint64_t h, bool& created) {
  auto slot = slot_of(user, h);
  created = slot == id_index::npos;
  if (!created)
    return slot;
  slot = create(user, h);
  heap_bytes_ += slot_heap_bytes(slot);
  return slot;
}

uint32_t profile_store::create(const std::string& user, uint64_t h) {
  uint32_t slot = 0;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
    slab_[slot].data = profile{};
    slab_[slot].id = user;
  } else {
    slot = static_cast<uint32_t>(slab_.size());
    slab_.push_back(slab_entry{user, profile{}});
  }
  index_.insert(h, slot);
  return slot;
}

const profile_store::cached_item& profile_store::catalog_entry(symbol item, const item_catalog& catalog) {
  if (item_cache_.size() <= item)
    item_cache_.resize(std::max<size_t>(item + 1, item_cache_.size() * 2));
  cached_item& c = item_cache_[item];
  if (c.version == catalog.version())
    return c;
  c = cached_item{};
  c.version = catalog.version();
  c.price = std::nan("");
  if (auto* info = catalog.find(symbols_.name(item))) {
    for (auto& cat : info->categories)
      c.categories.push_back(symbols_.intern(cat));
    if (!info->brand.empty())
      c.brand = symbols_.intern(info->brand);
    c.price = info->price;
  }
  // Interning may have grown the table; the entry itself did not move.
  return item_cache_[item];
}

event_symbols profile_store::intern(const event& e, uint64_t item_hash, const item_catalog* catalog) {
  event_symbols s;
  if (!e.item.empty())
    s.item = symbols_.intern(e.item, item_hash);
  s.price = e.has_price() ? e.price : std::nan("");
  const cached_item* known = nullptr;
  if (catalog && catalog->size() > 0 && s.item != symbol_table::missing &&
      (e.categories.empty() || e.brand.empty() || !e.has_price()))
    known = &catalog_entry(s.item, *catalog);
  if (!e.brand.empty())
    s.brand = symbols_.intern(e.brand);
  else if (known)
    s.brand = known->brand;
  if (!e.categories.empty()) {
    s.category_count = std::min(e.categories.size(), s.categories.size());
    for (size_t i = 0; i < s.category_count; ++i)
      s.categories[i] = symbols_.intern(e.categories[i]);
  } else if (known) {
    s.category_count = std::min(known->categories.size(), s.categories.size());
    for (size_t i = 0; i < s.category_count; ++i)
      s.categories[i] = known->categories[i];
  }
  if (std::isnan(s.price) && known)
    s.price = known->price;
  if (e.type == event_type::search && !e.query.empty())
    s.query = symbols_.find(e.query);
  return s;
}

namespace {

/// Heap bytes of the parts of `p` that applying `e` can grow; the rest
/// (attributes, and the cold parts an event of another kind leaves alone)
/// need not be read to keep the running total.
size_t heap_an_event_moves(const profile& p, const event& e) {
  size_t bytes = p.windows.heap_bytes() + p.category_affinity.heap_bytes() + p.brand_affinity.heap_bytes() +
                 p.recent.heap_bytes() + p.risk.heap_bytes();
  if (e.type == event_type::purchase)
    bytes += p.purchases.heap_bytes();
  if (!e.id.empty() || (e.present & dedupe_by_content_bit))
    bytes += p.seen_ids.heap_bytes();
  return bytes;
}

/// The catalog's price of `item` (NaN: no catalog, no such item, or no price).
double catalog_price(const item_catalog* catalog, const std::string& item) {
  const item_info* info = catalog && !item.empty() ? catalog->find(item) : nullptr;
  return info ? info->price : std::nan("");
}

}  // namespace

void profile_store::settle(touched_slot& t) {
  if (t.slot != id_index::npos) {
    if (clusters_.model())
      clusters_.assign(*this, t.slot, now_ms());
    segments_.evaluate(*this, t.slot, live_segments::reevaluate::changed, t.change, now_ms());
  }
  t = touched_slot{};
}

batch_outcome profile_store::apply(const std::vector<event>& batch, const std::vector<uint32_t>& indices,
                                   size_t first, size_t count, const item_catalog* catalog) {
  const event* events = batch.data() + first;
  batch_outcome out;
  touched_slot pending;
  // Bring the batch's memory in before touching it, in passes that each
  // start many independent loads at once: the users' index slots, then their
  // profiles, then the profiles' heap blocks; and the items' symbol slots,
  // then their names and cached catalog entries, then those entries'
  // category lists. A shard's part of a batch (a few hundred profiles)
  // fits in the core's cache; random profiles one at a time would each
  // wait for memory.
  auto& hashes = hash_scratch_;  // reused: a batch arrives in many slices
  auto& item_hashes = item_hash_scratch_;
  hashes.resize(count);
  item_hashes.resize(count);
  for (size_t i = 0; i < count; ++i) {
    hashes[i] = table_hash(events[i].user);
    index_.prefetch(hashes[i]);
    item_hashes[i] = events[i].item.empty() ? 0 : symbol_table::hash(events[i].item);
    symbols_.prefetch(item_hashes[i]);
  }
  auto& slots = slot_scratch_;
  auto& items = item_guess_scratch_;
  slots.resize(count);
  items.resize(count);
  for (size_t i = 0; i < count; ++i) {
    slots[i] = index_.candidate(hashes[i]);
    prefetch_profile(slots[i], events[i].type);
    items[i] = item_hashes[i] == 0 ? symbol_table::missing : symbols_.prefetch_name(item_hashes[i]);
    prefetch_catalog_entry(items[i]);
  }
  for (size_t i = 0; i < count; ++i) {
    prefetch_profile_heap(slots[i]);
    prefetch_catalog_categories(items[i]);
  }
  auto index_of = [&indices, first](size_t i) {
    return first + i < indices.size() ? indices[first + i] : static_cast<uint32_t>(first + i);
  };
  for (size_t i = 0; i < count; ++i) {
    const event& e = events[i];
    // A purchase or refund needs a price, its own or the catalog's as this
    // shard knows it here, in its order of changes (so a replay agrees).
    if (needs_price(e.type) && !e.has_price() && std::isnan(catalog_price(catalog, e.item))) {
      auto r = missing_price(e);
      r.index = index_of(i);
      out.rejected.push_back(std::move(r));
      continue;
    }
    bool created = false;
    auto slot = obtain(e.user, hashes[i], created);
    if (slab_[slot].data.consent_withheld & consent_bit::profiling) {
      ++out.not_kept;  // the user refused profiling: accepted, not kept
      continue;
    }
    capture_.before_change(*this, slot);
    profile& p = slab_[slot].data;
    size_t heap_before = heap_an_event_moves(p, e);
    bool by_content = e.id.empty() && (e.present & dedupe_by_content_bit);
    if (!e.id.empty() || by_content) {
      auto id_hash = by_content ? content_key(e) : stable_hash(e.id);
      if (p.seen_ids.contains(id_hash)) {
        out.rejected.push_back(
            {index_of(i), "duplicate",
             by_content ? "an event with the same type, item and ts was already applied to user '" + e.user +
                              "' (--dedupe-without-id); it changed nothing"
                        : "event id '" + e.id + "' was already applied to user '" + e.user +
                              "'; it changed nothing"});
        continue;
      }
      p.seen_ids.insert(id_hash, cfg_.caps.event_ids);
    }
    auto syms = intern(e, item_hashes[i], catalog);
    apply_event(p, e, syms, cfg_);
    newest_ts_ = std::max(newest_ts_, e.ts);
    if (feed_)
      feed_->observe(slot, p, e, syms, symbols_);
    heap_bytes_ += heap_an_event_moves(p, e) - heap_before;
    if (!segments_.empty() || clusters_.model()) {
      // A run of one profile's consecutive events (a session's burst) is
      // evaluated once, when the next event is another profile's; a
      // profile touched again later is simply evaluated again.
      if (slot != pending.slot)
        settle(pending);
      pending.slot = slot;
      // A new profile was in no segment: every one must look at it.
      pending.change |=
          created ? profile_change::everything() : profile_change{1u << static_cast<unsigned>(e.type), 0, 0};
      for (size_t c = 0; c < syms.category_count; ++c)
        pending.change.categories |= symbol_bit(syms.categories[c]);
      if (syms.brand != symbol_table::missing)
        pending.change.brands |= symbol_bit(syms.brand);
    }
    ++out.accepted;
    ++events_;
  }
  settle(pending);
  // Once a slice: every shard raising the node's clock per event would
  // fight over its cache line.
  if (clock_)
    clock_->observe(newest_ts_);
  if (feed_)
    feed_->advance(newest_ts_, static_cast<uint32_t>(slab_.size()), [this](uint32_t slot) -> const profile* {
      return slot < slab_.size() && !slab_[slot].id.empty() ? &slab_[slot].data : nullptr;
    });
  return out;
}

void profile_store::prefetch_profile(uint32_t slot, event_type type) const {
  if (slot == id_index::npos)
    return;
  // The id and the profile's hot fields; the rest (purchase details,
  // attributes) only for the events that read it: purchases and refunds
  // update the purchase totals, which live segments on spend then read.
  static const size_t hot = offsetof(slab_entry, data) + profile::hot_bytes();
  static const size_t purchase_details = offsetof(slab_entry, data) + offsetof(profile, seen_ids);
  size_t bytes = type == event_type::purchase || type == event_type::refund ? purchase_details : hot;
  prefetch_bytes(&slab_[slot], bytes);
}

void profile_store::prefetch_profile_heap(uint32_t slot) const {
  if (slot == id_index::npos)
    return;
  const profile& p = slab_[slot].data;
  prefetch_elements(p.windows.buckets());
  prefetch_elements(p.category_affinity.entries());
  prefetch_elements(p.brand_affinity.entries());
  prefetch_elements(p.recent.items());
  prefetch_elements(p.seen_ids.ids());
  if (auto* block = p.segments.heap_block())
    prefetch_line(block);
}

void profile_store::prefetch_catalog_entry(symbol item) const {
  if (item < item_cache_.size())
    prefetch_line(&item_cache_[item]);
}

void profile_store::prefetch_catalog_categories(symbol item) const {
  if (item < item_cache_.size() && !item_cache_[item].categories.empty())
    prefetch_line(item_cache_[item].categories.data());
}

const profile* profile_store::find(std::string_view user) const {
  auto slot = slot_of(user, table_hash(user));
  return slot == id_index::npos ? nullptr : &slab_[slot].data;
}

result<value> profile_store::render(const std::string& user, int64_t now_ms,
                                    const std::vector<std::string>& fields) const {
  auto* p = find(user);
  if (!p)
    return status{error_code::not_found, "no profile for user '" + user + "'"};
  return render_profile(*p, user, context(now_ms), fields);
}

status profile_store::set_attributes(const std::string& user, const value& attrs) {
  auto st = validate_attributes(attrs, cfg_.caps.attributes);
  if (!st.ok())
    return st;
  auto h = table_hash(user);
  auto slot = slot_of(user, h);
  if (slot == id_index::npos) {
    profile fresh;
    st = apply_attributes(fresh, attrs, symbols_, cfg_.caps.attributes);
    if (!st.ok())
      return st;
    slot = create(user, h);
    slab_[slot].data = std::move(fresh);
    heap_bytes_ += slot_heap_bytes(slot);
    settle_whole(slot, now_ms());
    return {};
  }
  capture_.before_change(*this, slot);
  size_t before = slot_heap_bytes(slot);
  st = apply_attributes(slab_[slot].data, attrs, symbols_, cfg_.caps.attributes);
  heap_bytes_ += slot_heap_bytes(slot) - before;
  settle_whole(slot, now_ms());
  return st;
}

result<value> profile_store::predict(const std::string& user, int64_t now_ms) const {
  auto* p = find(user);
  if (!p)
    return status{error_code::not_found, "no profile for user '" + user + "'"};
  value out{value::map{}};
  out.set("purchase_propensity",
          propensity_ ? value{purchase_propensity(*p, now_ms, *propensity_)} : value{});
  out.set("churn_risk", value{churn_risk(*p, now_ms, cfg_, churn_.get())});
  out.set("churn_learnt", value{churn_ && churn_->learnt()});
  auto next = next_purchase_days(*p, now_ms, churn_.get());
  out.set("next_purchase_days", next ? value{*next} : value{});
  return out;
}

bool profile_store::erase(const std::string& user) {
  auto h = table_hash(user);
  auto slot = slot_of(user, h);
  if (slot == id_index::npos)
    return false;
  capture_.before_change(*this, slot);
  segments_.leave(*this, slot);
  if (feed_)
    feed_->forget(slot);
  heap_bytes_ -= slot_heap_bytes(slot);
  index_.erase(h, slot);
  slab_[slot].data = profile{};  // release the profile's memory now
  slab_[slot].id.clear();
  slab_[slot].id.shrink_to_fit();
  free_.push_back(slot);
  return true;
}

void profile_store::stale_users(int64_t cutoff_ms, size_t first, size_t count,
                                std::vector<std::string>& out) const {
  for (size_t slot = first; slot < first + count && slot < slab_.size(); ++slot) {
    auto& e = slab_[slot];
    if (!e.id.empty() && e.data.last_seen_ms >= 0 && e.data.last_seen_ms < cutoff_ms)
      out.push_back(e.id);
  }
}

std::optional<std::string> profile_store::export_image(const std::string& user) const {
  auto* p = find(user);
  if (!p)
    return std::nullopt;
  return encode_profile(*p, symbols_);
}

result<value> profile_store::merge_image(const std::string& target, const std::string& image, int64_t now_ms,
                                         const std::vector<std::string>& fields, uint64_t fold_id) {
  // Decode into a scratch table first: a bad image must change nothing.
  symbol_table scratch;
  profile source;
  if (!decode_profile(image, scratch, source))
    return status{error_code::internal, "a profile image for a merge into '" + target + "' was malformed"};
  bool created = false;
  auto slot = obtain(target, table_hash(target), created);
  capture_.before_change(*this, slot);
  if (fold_id != 0) {
    auto& seen = slab_[slot].data.seen_ids;
    if (seen.contains(fold_id))
      return render(target, now_ms, fields);
    seen.insert(fold_id, cfg_.caps.event_ids);
  }
  size_t before = slot_heap_bytes(slot);
  merge_profile(
      slab_[slot].data, source, [&](symbol s) { return symbols_.intern(scratch.name(s)); }, cfg_);
  heap_bytes_ += slot_heap_bytes(slot) - before;
  settle_whole(slot, std::max(now_ms, newest_ts_));
  return render(target, now_ms, fields);
}

result<value> profile_store::set_consent(const std::string& user, const value& flags) {
  if (auto st = validate_consent(flags); !st.ok())
    return st;
  auto h = table_hash(user);
  auto slot = slot_of(user, h);
  if (slot == id_index::npos) {
    slot = create(user, h);
    heap_bytes_ += slot_heap_bytes(slot);
    settle_whole(slot, now_ms());
  } else {
    capture_.before_change(*this, slot);
  }
  auto& p = slab_[slot].data;
  p.consent_withheld = apply_consent(p.consent_withheld, flags);
  any_profiling_withheld_ |= (p.consent_withheld & consent_bit::profiling) != 0;
  return consent_value(p.consent_withheld);
}

status profile_store::restore(const std::string& user, const std::string& image) {
  profile p;
  if (!decode_profile(image, symbols_, p))
    return {error_code::internal, "the stored image of user '" + user + "' is malformed"};
  auto h = table_hash(user);
  auto slot = slot_of(user, h);
  if (slot == id_index::npos)
    slot = create(user, h);
  else
    heap_bytes_ -= slot_heap_bytes(slot);
  newest_ts_ = std::max(newest_ts_, p.last_seen_ms);
  any_profiling_withheld_ |= (p.consent_withheld & consent_bit::profiling) != 0;
  slab_[slot].data = std::move(p);
  heap_bytes_ += slot_heap_bytes(slot);
  return {};
}

result<query_partial> profile_store::run_query(const query_request& q, size_t first_slot,
                                               size_t count) const {
  auto cond = condition::compile(q.where, &symbols_, &segments_.directory());
  if (!cond.ok())
    return cond.error();
  std::vector<field_ref> agg_fields;
  for (auto& a : q.aggregates) {
    auto ref = parse_field_path(a.field);
    if (!ref.ok())
      return ref.error();
    bind_field(*ref, symbols_);
    agg_fields.push_back(std::move(*ref));
  }
  query_partial out;
  out.aggregates.resize(q.aggregates.size());
  auto ctx = context(q.now_ms);
  size_t end = std::min(slab_.size(), first_slot + std::min(count, slab_.size()));
  for (size_t i = first_slot; i < end; ++i) {
    if (slab_[i].id.empty())  // a free slot
      continue;
    const profile& p = slab_[i].data;
    std::string_view user{slab_[i].id};
    if (!cond->matches(p, user, ctx))
      continue;
    ++out.count;
    if (out.users.size() < q.limit)
      out.users.push_back(q.fields.empty() ? value{slab_[i].id} : render_profile(p, user, ctx, q.fields));
    for (size_t a = 0; a < agg_fields.size(); ++a) {
      auto f = read_field(p, user, agg_fields[a], ctx);
      if (f.type == field_value::kind::number)
        out.aggregates[a].add(f.number, q.aggregates[a]);
    }
  }
  return out;
}

store_stats profile_store::stats() const {
  store_stats s;
  s.users = index_.size();
  s.events = events_;
  s.profile_bytes = slab_.capacity() * sizeof(slab_entry) + heap_bytes_;
  s.index_bytes = index_.memory_bytes();
  s.symbol_bytes = symbols_.memory_bytes();
  return s;
}

uint64_t profile_store::recount_profile_bytes() const {
  uint64_t heap = 0;
  for (size_t i = 0; i < slab_.size(); ++i)
    heap += slot_heap_bytes(static_cast<uint32_t>(i));
  return slab_.capacity() * sizeof(slab_entry) + heap;
}

}  // namespace persona
