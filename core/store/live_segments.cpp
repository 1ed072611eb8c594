#include "core/store/live_segments.hpp"

#include <algorithm>

#include "core/profile/consent.hpp"
#include "core/store/profile_store.hpp"

namespace persona {

void live_segments::evaluate(profile_store& store, uint32_t slot, reevaluate which,
                             const profile_change& change, int64_t now_ms) {
  if (order_.empty())
    return;
  auto& entry = store.slab_[slot];
  // The candidates among ids below 64, from the masks: falling segments
  // the profile is in, rising ones it is not in.
  uint64_t members = entry.data.segments.inline_bits();
  uint64_t candidates = narrow_ids_;
  bool by_event = which == reevaluate::changed && change.types < (1u << event_type_count);
  if (by_event) {
    candidates = 0;
    for (uint32_t types = change.types; types != 0; types &= types - 1) {
      auto t = static_cast<size_t>(__builtin_ctz(types));
      candidates |= (members & may_fall_[t]) | (~members & may_rise_[t]);
    }
  } else if (which == reevaluate::time_only) {
    candidates = (members & time_fall_) | (~members & time_rise_);
  }
  if (candidates == 0 && narrow_ascending_ids_)
    return;
  auto ctx = store.context(now_ms);
  auto visit = [&](segment_id id, const condition& c) {
    bool member = entry.data.segments.contains(id);
    // The masks decide for ids below 64, except the categories and brands
    // of keyed conditions; larger ids ask the condition itself.
    bool masked = id < segment_set::inline_ids && !(by_event && ((keyed_ >> id) & 1u));
    if (!masked) {
      bool can_turn = which == reevaluate::all ||
                      (which == reevaluate::time_only ? (member ? c.time_can_fall() : c.time_can_rise())
                                                      : (member ? c.can_fall(change) : c.can_rise(change)));
      if (!can_turn)
        return;
    }
    if (c.matches(entry.data, entry.id, ctx) != member)
      set_membership(store, slot, id, !member, now_ms);
  };
  if (narrow_ascending_ids_) {
    // Definition order is id order: visit just the candidate bits.
    for (; candidates != 0; candidates &= candidates - 1) {
      auto id = static_cast<segment_id>(__builtin_ctzll(candidates));
      visit(id, *narrow_conditions_[id]);
    }
    return;
  }
  for (auto id : order_)
    if (id >= segment_set::inline_ids || ((candidates >> id) & 1u))
      visit(id, live_[id]->compiled);
}

void live_segments::refresh_filters() {
  may_rise_ = {};
  may_fall_ = {};
  narrow_conditions_ = {};
  narrow_ids_ = 0;
  keyed_ = 0;
  time_rise_ = time_fall_ = 0;
  narrow_ascending_ids_ = std::is_sorted(order_.begin(), order_.end());
  for (auto id : order_) {
    if (id >= segment_set::inline_ids) {
      narrow_ascending_ids_ = false;
      continue;
    }
    auto& c = live_[id]->compiled;
    narrow_conditions_[id] = &c;
    narrow_ids_ |= uint64_t{1} << id;
    if (c.keyed())
      keyed_ |= uint64_t{1} << id;
    if (c.time_can_rise())
      time_rise_ |= uint64_t{1} << id;
    if (c.time_can_fall())
      time_fall_ |= uint64_t{1} << id;
    for (size_t t = 0; t < event_type_count; ++t) {
      if (c.rise_types() & (1u << t))
        may_rise_[t] |= uint64_t{1} << id;
      if (c.fall_types() & (1u << t))
        may_fall_[t] |= uint64_t{1} << id;
    }
  }
}

void live_segments::set_membership(profile_store& store, uint32_t slot, segment_id id, bool in,
                                   int64_t now_ms) {
  auto& entry = store.slab_[slot];
  size_t heap_before = entry.data.segments.heap_bytes();
  if (!entry.data.segments.set(id, in))
    return;
  store.heap_bytes_ += entry.data.segments.heap_bytes() - heap_before;
  if (in)
    ++live_[id]->size;
  else
    --live_[id]->size;
  if (collect_changes_)
    changes_.push_back(segment_change{id, entry.id, in, now_ms});
}

void live_segments::leave(profile_store& store, uint32_t slot) {
  auto& entry = store.slab_[slot];
  for (auto id : entry.data.segments) {
    if (id < live_.size() && live_[id])
      --live_[id]->size;
    if (collect_changes_)
      changes_.push_back(segment_change{id, entry.id, false, store.now_ms()});
  }
  store.heap_bytes_ -= entry.data.segments.heap_bytes();
  entry.data.segments.clear();
}

result<uint64_t> live_segments::define(profile_store& store, const std::string& name, const value& where,
                                       int64_t now_ms) {
  auto id = declare(store, name, where);
  if (!id.ok())
    return id.error();
  evaluate(store, *id, now_ms, 0, store.slab_.size());
  return live_[*id]->size;
}

result<segment_id> live_segments::declare(profile_store& store, const std::string& name, const value& where) {
  auto existing = directory_.find(name);
  // Only segments defined before this one may be referred to.
  segment_directory earlier;
  earlier.names.resize(directory_.names.size());
  for (auto id : order_) {
    if (existing && id == *existing)
      break;
    earlier.names[id] = directory_.names[id];
  }
  auto compiled = condition::compile_interning(where, store.symbols_, &earlier);
  if (!compiled.ok()) {
    for (auto id : order_)
      if (compiled.error().message().find("unknown segment '" + directory_.names[id] + "'") !=
          std::string::npos)
        return status{error_code::bad_request,
                      compiled.error().message() + " (it is defined after '" + name +
                          "'; a segment may refer only to segments defined before it)"};
    return compiled.error();
  }
  segment_id id;
  if (existing) {
    id = *existing;
    live_[id]->where = where;
    live_[id]->compiled = std::move(*compiled);
  } else {
    auto free = std::find_if(live_.begin(), live_.end(), [](auto& s) { return !s.has_value(); });
    if (free == live_.end()) {
      if (live_.size() > UINT16_MAX)
        return status{error_code::bad_request, "too many segments: drop one first"};
      live_.emplace_back();
      directory_.names.emplace_back();
      free = live_.end() - 1;
    }
    id = static_cast<segment_id>(free - live_.begin());
    live_[id] = live_segment{where, std::move(*compiled), 0};
    directory_.names[id] = name;
    order_.push_back(id);
  }
  refresh_filters();
  return id;
}

void live_segments::evaluate(profile_store& store, segment_id id, int64_t now_ms, size_t first,
                             size_t count) {
  if (id >= live_.size() || !live_[id])
    return;
  auto& seg = *live_[id];
  auto ctx = store.context(now_ms);
  auto& slab = store.slab_;
  size_t end = std::min(slab.size(), first + std::min(count, slab.size()));
  for (size_t i = first; i < end; ++i) {
    auto& entry = slab[i];
    if (!entry.id.empty())
      set_membership(store, static_cast<uint32_t>(i), id, seg.compiled.matches(entry.data, entry.id, ctx),
                     now_ms);
  }
}

result<bool> live_segments::drop(profile_store& store, const std::string& name) {
  auto id = directory_.find(name);
  if (!id)
    return false;
  for (auto other : order_) {
    if (other == *id)
      continue;
    auto refs = live_[other]->compiled.referenced_segments();
    if (std::find(refs.begin(), refs.end(), *id) != refs.end())
      return status{error_code::bad_request, "segment '" + directory_.names[other] + "' refers to '" + name +
                                                 "': drop or redefine it first"};
  }
  auto& slab = store.slab_;
  for (size_t i = 0; i < slab.size(); ++i)
    slab[i].data.segments.set(*id, false);
  live_[*id].reset();
  directory_.names[*id].clear();
  order_.erase(std::find(order_.begin(), order_.end(), *id));
  refresh_filters();
  return true;
}

std::vector<std::pair<std::string, value>> live_segments::definitions() const {
  std::vector<std::pair<std::string, value>> out;
  for (auto id : order_)
    out.emplace_back(directory_.names[id], live_[id]->where);
  return out;
}

const value* live_segments::where(segment_id id) const {
  return id < live_.size() && live_[id] ? &live_[id]->where : nullptr;
}

uint64_t live_segments::size(segment_id id) const {
  return id < live_.size() && live_[id] ? live_[id]->size : 0;
}

std::vector<std::string> live_segments::members(const profile_store& store, segment_id id, size_t& next_slot,
                                                size_t limit) const {
  std::vector<std::string> out;
  auto& slab = store.slab_;
  while (next_slot < slab.size() && out.size() < limit) {
    auto& entry = slab[next_slot++];
    // A user who withheld marketing is a member (sizes count them) but is
    // never listed.
    if (!entry.id.empty() && entry.data.segments.contains(id) &&
        !(entry.data.consent_withheld & consent_bit::marketing))
      out.push_back(entry.id);
  }
  return out;
}

bool live_segments::has_time_dependent() const {
  for (auto id : order_)
    if (live_[id]->compiled.time_can_rise() || live_[id]->compiled.time_can_fall())
      return true;
  return false;
}

void live_segments::sweep(profile_store& store, int64_t now_ms, size_t first, size_t count) {
  size_t end = std::min(store.slab_.size(), first + count);
  for (size_t i = first; i < end; ++i)
    if (!store.slab_[i].id.empty())
      evaluate(store, static_cast<uint32_t>(i), reevaluate::time_only, {}, now_ms);
}

}  // namespace persona
