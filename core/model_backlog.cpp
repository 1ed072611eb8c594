#include "core/model_backlog.hpp"

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

}  // namespace persona
