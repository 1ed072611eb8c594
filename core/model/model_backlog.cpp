#include "core/model/model_backlog.hpp"

namespace persona {

bool model_backlog::admit(model_batch& batch) {
  uint64_t n = batch.signals.size();
  if (n > 0 && !batch.replayed && max_signals_ > 0 && waiting() >= max_signals_) {
    dropped_.fetch_add(n, std::memory_order_relaxed);
    // The memory goes too: the batch is sent for its examples only.
    std::vector<item_signal>().swap(batch.signals);
    n = 0;
  }
  waiting_.fetch_add(n, std::memory_order_relaxed);
  return !batch.signals.empty() || !batch.examples.empty();
}

std::string model_backlog::drop_warning(int64_t now_ns, int64_t interval_ns) {
  uint64_t total = dropped();
  if (total == warned_dropped_ || (warned_ && now_ns - warned_ns_ < interval_ns))
    return {};
  uint64_t since = total - warned_dropped_;
  std::string when =
      warned_ ? " in the last " + std::to_string((now_ns - warned_ns_) / 1000000000) + " s" : "";
  warned_dropped_ = total;
  warned_ns_ = now_ns;
  warned_ = true;
  return "item model: " + std::to_string(since) + " item signals dropped" + when + ", as " +
         std::to_string(max_signals_) +
         " were waiting for it (it learns in the cores' idle time and is behind the stream); "
         "recommendations follow the share it keeps up with. Give the node an idle core (fewer "
         "--shards, or less load) or raise --model-max-waiting-signals (64 bytes a signal); "
         "stats item_model.dropped_signals counts them";
}

}  // namespace persona
