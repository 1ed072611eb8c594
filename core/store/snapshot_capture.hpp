// snapshot_capture: one profile_store as it is at begin(), encoded a slice
// at a time while the store keeps changing (snapshots, docs/durability.md).
// A profile about to change before the scan has reached it is encoded
// first (copy on write), so the capture is exactly the state at begin().
//
// Owned by one store (profile_store::capture()) and, like the store,
// touched only by the shard actor that owns it. It keeps no pointer to the
// store: the operations that read profiles take it as a parameter.
// REQUIRES for each of them: `store.capture()` is this object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace persona {

class profile_store;

/// One captured profile: user id and image (profile_codec.hpp).
using captured_profile = std::pair<std::string, std::string>;

class snapshot_capture {
 public:
  /// Starts a capture of `store`, ending any capture in progress.
  void begin(const profile_store& store);
  /// Appends at least the profiles saved by copy on write and up to
  /// `max_profiles` scanned ones to `out`; true when the capture is complete.
  bool slice(const profile_store& store, size_t max_profiles, std::vector<captured_profile>& out);
  /// Ends a capture (complete or abandoned) and frees its state.
  void end();
  /// Whether a capture is in progress.
  bool active() const { return active_; }
  /// The store's event count when the capture began.
  uint64_t events() const { return events_; }

 private:
  // The store saves a profile before changing or freeing it (before_change).
  friend class profile_store;

  /// Call before changing or freeing an occupied slot: saves its image
  /// first when the capture still needs it.
  void before_change(const profile_store& store, uint32_t slot) {
    if (active_ && slot < pending_.size() && pending_[slot])
      save(store, slot);
  }
  void save(const profile_store& store, uint32_t slot);

  /// Slots occupied at begin() not yet encoded, the scan's next slot, and
  /// images saved by copy on write, not yet handed out.
  bool active_ = false;
  std::vector<bool> pending_;
  size_t next_ = 0;
  std::vector<captured_profile> saved_;
  uint64_t events_ = 0;
};

}  // namespace persona
