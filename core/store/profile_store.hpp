// profile_store: all profiles of one shard and the operations on them:
// applying event batches (with duplicate detection), reads, attributes,
// deletes, the portable images used by merges, and query partials. Its
// parts keep what is built on the profiles: live segments
// (live_segments.hpp), clusters (cluster_assignments.hpp) and snapshot
// capture (snapshot_capture.hpp); the store owns one of each and calls
// them as it changes a profile.
//
// The store is the shard's state: the shard actor owns exactly one and is the
// only thread that touches it. Profiles live in a chunked slab (slots never
// move as it grows; freed ones are reused through a free list) indexed by
// id_index; ids and symbols are the store's own.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/churn_model.hpp"
#include "core/model/model_feed.hpp"
#include "core/model/propensity_model.hpp"
#include "core/profile/event.hpp"
#include "core/profile/event_validation.hpp"
#include "core/profile/item_catalog.hpp"
#include "core/profile/profile.hpp"
#include "core/profile/profile_change.hpp"
#include "core/profile/profile_config.hpp"
#include "core/query/field_path.hpp"
#include "core/query/query.hpp"
#include "core/query/user_likeness.hpp"
#include "core/store/cluster_assignments.hpp"
#include "core/store/live_segments.hpp"
#include "core/store/snapshot_capture.hpp"
#include "core/util/chunked_slab.hpp"
#include "core/util/id_index.hpp"
#include "core/util/node_clock.hpp"
#include "core/util/status.hpp"
#include "core/util/symbol_table.hpp"
#include "core/util/value.hpp"

namespace persona {

/// What applying a batch did.
struct batch_outcome {
  uint32_t accepted = 0;
  /// Events of users who withheld profiling: accepted, dropped (consent.hpp).
  uint32_t not_kept = 0;
  /// Rejections found in the shard (duplicates), with the client's indices.
  std::vector<rejection> rejected;
};

/// Figures of one store, for `stats` and benchmarks.
struct store_stats {
  uint64_t users = 0;
  uint64_t events = 0;
  uint64_t profile_bytes = 0;
  uint64_t index_bytes = 0;
  uint64_t symbol_bytes = 0;
};

class profile_store {
 public:
  explicit profile_store(profile_config cfg = {});
  // Segment filters point into the segments' own conditions: not copyable.
  profile_store(const profile_store&) = delete;
  profile_store& operator=(const profile_store&) = delete;
  profile_store(profile_store&&) = default;
  profile_store& operator=(profile_store&&) = default;

  /// Applies `events` in order, filling what they leave out from `catalog`
  /// (may be null). `indices[i]` is the client's index of events[i].
  /// REQUIRES: each event passed validate_event and has its ts.
  batch_outcome apply(const std::vector<event>& events, const std::vector<uint32_t>& indices,
                      const item_catalog* catalog = nullptr) {
    return apply(events, indices, 0, events.size(), catalog);
  }
  /// The same for events[first, first + count) only (a slice of a batch).
  /// REQUIRES: first + count <= events.size().
  batch_outcome apply(const std::vector<event>& events, const std::vector<uint32_t>& indices, size_t first,
                      size_t count, const item_catalog* catalog);

  /// The profile of `user`, or nullptr.
  const profile* find(std::string_view user) const;

  /// The profile map of `user` at `now_ms`, or not_found.
  result<value> render(const std::string& user, int64_t now_ms, const std::vector<std::string>& fields) const;

  /// Sets or deletes attributes of `user`, creating the profile if needed.
  status set_attributes(const std::string& user, const value& attrs);

  /// Sets the consents `flags` names for `user` (consent.hpp), creating
  /// the profile if needed; answers the user's consents now.
  result<value> set_consent(const std::string& user, const value& flags);
  /// The consents `user` withheld (consent_bit); 0 for an unknown user.
  uint8_t consent_withheld(std::string_view user) const {
    auto* p = find(user);
    return p ? p->consent_withheld : 0;
  }
  /// Whether any profile of this store ever withheld profiling: while none
  /// did, ingest need not look users up before logging their events.
  bool any_profiling_withheld() const { return any_profiling_withheld_; }

  /// Everything the store holds on `user` at `now_ms` (export_profile):
  /// {"user", "now", "profile" (every key), "predictions", "hashed": what
  /// is kept only as hashes, counted}; not_found for an unknown user.
  /// Defined in profile_store_access.cpp.
  result<value> access_report(const std::string& user, int64_t now_ms) const;

  /// Removes `user`; false when there was no such profile.
  bool erase(const std::string& user);

  /// The portable image of `user` (profile_codec.hpp), or nullopt.
  std::optional<std::string> export_image(const std::string& user) const;

  /// Folds an image into `target` (created if absent) and renders the result.
  /// A nonzero `fold_id` makes the fold happen once: it is remembered among
  /// the target's event ids, and the same fold again changes nothing (a
  /// merge retried after a crash between its two halves).
  result<value> merge_image(const std::string& target, const std::string& image, int64_t now_ms,
                            const std::vector<std::string>& fields, uint64_t fold_id = 0);

  /// Inserts `user`'s profile from its image (recovery), replacing any.
  status restore(const std::string& user, const std::string& image);
  /// Sets the running count of applied events (recovery).
  void set_event_count(uint64_t n) { events_ = n; }

  /// Evaluates a query over every profile of this store.
  result<query_partial> run_query(const query_request& q) const { return run_query(q, 0, slot_count()); }
  /// The same over slots [first_slot, first_slot + count) only (a slice of
  /// a scan; slices merge exactly with query_partial::merge).
  result<query_partial> run_query(const query_request& q, size_t first_slot, size_t count) const;
  /// Slots a scan covers (free ones included).
  size_t slot_count() const { return slab_.size(); }

  /// Its live segments (live_segments.hpp): definitions, sizes, members,
  /// sweeps and membership changes, kept in every profile as it changes.
  live_segments& segments() { return segments_; }
  const live_segments& segments() const { return segments_; }
  /// Its clusters (cluster_assignments.hpp): a training's steps and the
  /// model that sets every profile's cluster.
  cluster_assignments& clusters() { return clusters_; }
  const cluster_assignments& clusters() const { return clusters_; }
  /// Its snapshot capture (snapshot_capture.hpp): the store as of one
  /// moment, encoded in slices while it keeps changing.
  snapshot_capture& capture() { return capture_; }
  const snapshot_capture& capture() const { return capture_; }

  // Recommendations and predictions (docs/recommendations.md).

  /// Where applied events go as item signals and propensity examples
  /// (null: nowhere). The feed must outlive the store's use of it.
  void set_model_feed(model_feed* feed) { feed_ = feed; }
  model_feed* feed() const { return feed_; }
  /// The propensity model reads and queries use for `predict` (null: untrained).
  void set_propensity(std::shared_ptr<const propensity_scorer> m) { propensity_ = std::move(m); }
  /// The churn model and shop gap `predict` reads (null: none learnt yet).
  void set_churn(std::shared_ptr<const churn_scorer> m) { churn_ = std::move(m); }
  /// What the recommenders read of `user` (unknown: an empty taste).
  /// REQUIRES: a model feed is set.
  user_taste taste_of(std::string_view user) const { return feed_->taste(find(user), symbols_); }
  /// Replays the recent items of the profiles in slots [first, first +
  /// count) into the model feed (rebuilding the item model after a
  /// restart). REQUIRES: a model feed is set.
  void replay_histories(size_t first, size_t count) const {
    for (size_t slot = first; slot < first + count && slot < slab_.size(); ++slot)
      if (!slab_[slot].id.empty())
        feed_->replay_history(slab_[slot].data, symbols_);
  }
  /// Appends to `out` the users of slots [first, first + count) whose
  /// newest event is older than `cutoff_ms` (retention; a profile with no
  /// event, attributes only, is never stale).
  void stale_users(int64_t cutoff_ms, size_t first, size_t count, std::vector<std::string>& out) const;
  /// The likeness vector of `user` (similar_users), or not_found.
  result<value> likeness(const std::string& user) const;
  /// Merges the users of slots [first_slot, first_slot + count) most like
  /// the scorer's query into `best` (best first, ties by id, at most k;
  /// never `exclude` or a score of 0): a slice of a similar_users scan.
  /// REQUIRES: `scorer` was built against this store's symbols.
  void similar_users(const likeness_scorer& scorer, size_t k, const std::string& exclude, size_t first_slot,
                     size_t count, std::vector<std::pair<std::string, double>>& best) const;
  /// {"purchase_propensity", "churn_risk", "next_purchase_days"} of `user`
  /// at `now_ms`, or not_found.
  result<value> predict(const std::string& user, int64_t now_ms) const;

  /// The newest event time of any profile, or -1 (the node's "now" after a restart).
  int64_t newest_event_ms() const { return newest_ts_; }

  /// The node's clock (node_clock.hpp): apply() raises it with the events
  /// it accepts, and now_ms() reads it. Null: the store's own newest event
  /// time is its "now". The clock must outlive the store's use of it.
  void set_clock(node_clock* clock) { clock_ = clock; }
  /// The "now" reads, tags, windows, segments and clusters of this store
  /// are evaluated at: the node's, or without a clock the newest event time.
  int64_t now_ms() const { return clock_ ? clock_->now_with(newest_ts_) : newest_ts_; }

  /// Figures in constant time: memory is kept as a running total.
  store_stats stats() const;
  /// profile_bytes recounted by walking every profile (for tests).
  uint64_t recount_profile_bytes() const;
  size_t size() const { return index_.size(); }
  const profile_config& config() const { return cfg_; }
  const symbol_table& symbols() const { return symbols_; }

 private:
  // The parts read and change the slab of the store they are handed.
  friend class live_segments;
  friend class cluster_assignments;
  friend class snapshot_capture;

  uint32_t slot_of(std::string_view user, uint64_t h) const;
  /// Cache hints for apply(): the profile in `slot` (a guess from
  /// id_index::candidate; npos for none), then its heap blocks.
  void prefetch_profile(uint32_t slot, event_type type) const;
  void prefetch_profile_heap(uint32_t slot) const;
  /// Cache hints for catalog_entry(): the cached entry of the item guessed
  /// to be `item`, then (once it is in) its category list.
  void prefetch_catalog_entry(symbol item) const;
  void prefetch_catalog_categories(symbol item) const;
  /// The slot of `user`, created when absent (`created` says so).
  uint32_t obtain(const std::string& user, uint64_t h, bool& created);
  /// A new slot for `user`. REQUIRES: absent.
  uint32_t create(const std::string& user, uint64_t h);
  /// `item_hash`: symbol_table::hash(e.item), computed while prefetching.
  event_symbols intern(const event& e, uint64_t item_hash, const item_catalog* catalog);
  /// Heap bytes of one slot (profile and id), for the running total.
  size_t slot_heap_bytes(uint32_t slot) const;
  /// The clusters and segments of a profile that attributes, a merge or a
  /// new model changed as a whole, at `now_ms`.
  void settle_whole(uint32_t slot, int64_t now_ms) {
    clusters_.assign(*this, slot, now_ms);
    segments_.evaluate(*this, slot, live_segments::reevaluate::all, profile_change::everything(), now_ms);
  }
  read_context context(int64_t now_ms) const {
    read_context ctx{now_ms, symbols_, cfg_, &segments_.directory()};
    ctx.propensity = propensity_.get();
    ctx.churn = churn_.get();
    return ctx;
  }

  /// What the catalog says of one item, as this store's symbols.
  struct cached_item {
    uint64_t version = UINT64_MAX;
    std::vector<symbol> categories;
    symbol brand = symbol_table::missing;
    double price = 0;
  };
  const cached_item& catalog_entry(symbol item, const item_catalog& catalog);

  profile_config cfg_;
  symbol_table symbols_;
  id_index index_;
  /// A user's id next to its profile: a lookup's id comparison touches the
  /// cache line the update needs next.
  struct slab_entry {
    /// Empty for a free slot (user ids are never empty).
    std::string id;
    profile data;
  };
  chunked_slab<slab_entry> slab_;
  std::vector<uint32_t> free_;
  /// Indexed by item symbol; refreshed when the catalog version changes.
  std::vector<cached_item> item_cache_;
  uint64_t events_ = 0;
  int64_t newest_ts_ = -1;
  bool any_profiling_withheld_ = false;
  node_clock* clock_ = nullptr;
  /// Sum of slot_heap_bytes over all slots.
  uint64_t heap_bytes_ = 0;
  /// apply()'s user and item hashes and guessed slots, kept to spare
  /// allocations per slice.
  std::vector<uint64_t> hash_scratch_, item_hash_scratch_;
  std::vector<uint32_t> slot_scratch_, item_guess_scratch_;
  /// The parts kept beside the slab; each reaches the slab through the
  /// store it is handed (no part holds a pointer to the store).
  live_segments segments_;
  cluster_assignments clusters_;
  snapshot_capture capture_;
  model_feed* feed_ = nullptr;
  std::shared_ptr<const propensity_scorer> propensity_;
  std::shared_ptr<const churn_scorer> churn_;
  /// A profile apply() changed and has not yet re-evaluated, and what
  /// its events changed.
  struct touched_slot {
    uint32_t slot = id_index::npos;
    profile_change change;
  };
  /// Assigns the cluster and re-evaluates the segments of `t` (if any),
  /// then empties it.
  void settle(touched_slot& t);
};

}  // namespace persona
