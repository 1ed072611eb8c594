#include "tools/loadgen/event_stream.hpp"

#include <algorithm>

namespace persona::loadgen {

std::pair<const uint32_t*, size_t> event_stream::batch_events(size_t lane, size_t b) const {
  auto& l = lanes[lane];
  size_t first = b * batch_size;
  size_t n = std::min<size_t>(batch_size, l.events.size() - first);
  return {l.events.data() + first, n};
}

size_t event_stream::batch_count() const {
  size_t n = 0;
  for (auto& l : lanes)
    n += l.batches.size();
  return n;
}

event_stream generate_stream(shop_simulation& sim, uint64_t count, uint32_t lanes, uint32_t batch,
                             const batch_encoder& encode,
                             const std::function<void(uint64_t, uint64_t)>& progress) {
  event_stream out;
  out.batch_size = std::max(1u, batch);
  out.lanes.resize(std::max(1u, lanes));
  out.events.reserve(count);
  const uint64_t step = std::max<uint64_t>(1, count / 20);
  for (uint64_t i = 0; i < count; ++i) {
    out.events.push_back(sim.next());
    out.lanes[lane_of(out.events.back().user, lanes)].events.push_back(static_cast<uint32_t>(i));
    if (progress && (i + 1) % step == 0)
      progress(i + 1, count * 2);
  }
  uint64_t encoded = 0;
  for (auto& lane : out.lanes) {
    for (size_t first = 0; first < lane.events.size(); first += out.batch_size) {
      size_t n = std::min<size_t>(out.batch_size, lane.events.size() - first);
      lane.batches.push_back(encode(out.events, lane.events.data() + first, n));
      encoded += n;
      if (progress && encoded / step != (encoded - n) / step)
        progress(count + encoded, count * 2);
    }
  }
  return out;
}

}  // namespace persona::loadgen
