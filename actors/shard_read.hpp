// shard_read: a point read (get_profile, recommend, predict, the likeness
// vector behind similar_users) handed from a plain thread straight
// to the user's shard, which answers by calling the caller's callback from
// inside its handler: one mailbox hop instead of a request through a gateway
// and back. It travels at high priority, so it overtakes queued ingest
// batches. Local-only (it carries a std::function); the coordinator's
// request path serves reads that cross nodes.
#pragma once

#include <atomic>
#include <caf/fwd.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/model/recommender.hpp"
#include "core/util/status.hpp"
#include "core/util/value.hpp"

namespace persona {

/// Delivers one answer to a callback, exactly once: if the read is dropped
/// unanswered (its shard stopped), the destructor answers `unavailable`.
class answer_once {
 public:
  using callback = std::function<void(result<value>)>;
  answer_once(callback cb, std::string shard_name) : cb_(std::move(cb)), shard_name_(std::move(shard_name)) {}
  ~answer_once() {
    if (!done_.exchange(true))
      cb_(status{error_code::unavailable,
                 shard_name_ + " stopped before answering; retry, and check the node's log"});
  }
  answer_once(const answer_once&) = delete;
  answer_once& operator=(const answer_once&) = delete;

  void deliver(result<value> r) {
    if (!done_.exchange(true))
      cb_(std::move(r));
  }

 private:
  callback cb_;
  std::string shard_name_;
  std::atomic<bool> done_{false};
};

/// What a point read asks of the user's profile.
enum class read_kind : uint8_t {
  /// The profile map (get_profile), limited to `fields` when given.
  profile,
  /// recommend, with `recommend`.
  recommend,
  /// predict.
  predict,
  /// The user's likeness vector (similar_users).
  likeness,
  /// Everything held on the user (export_profile).
  access,
};

struct shard_read {
  std::string user;
  int64_t now_ms = 0;
  std::vector<std::string> fields;
  std::shared_ptr<answer_once> answer;
  read_kind kind = read_kind::profile;
  recommend_request recommend;
};

/// Enqueues `read` to `shard` from any thread, ahead of its normal messages.
void post_read(const caf::actor& shard, shard_read read);

}  // namespace persona
