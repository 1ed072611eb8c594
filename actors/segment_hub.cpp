#include "actors/segment_hub.hpp"

namespace persona {

uint64_t segment_hub::subscribe(std::set<std::string> segments, sink to) {
  std::lock_guard<std::mutex> lock(mu_);
  auto id = next_id_++;
  subs_[id] = std::make_shared<subscription>(subscription{std::move(segments), std::move(to)});
  subscriptions_ = subs_.size();
  return id;
}

void segment_hub::unsubscribe(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  subs_.erase(id);
  subscriptions_ = subs_.size();
}

void segment_hub::publish(const std::vector<segment_event>& changes) {
  std::vector<std::shared_ptr<subscription>> targets;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, s] : subs_)
      targets.push_back(s);
  }
  for (auto& s : targets) {
    std::vector<segment_event> mine;
    for (auto& c : changes)
      if (s->segments.count(c.segment))
        mine.push_back(c);
    if (!mine.empty())
      s->to(mine);
  }
}

}  // namespace persona
