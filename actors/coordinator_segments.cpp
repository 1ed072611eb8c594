// coordinator_segments: the coordinator's live-segment handlers: a
// definition or drop fanned out to every shard, the list with sizes summed,
// and members paged shard by shard (docs/segments.md).
#include <algorithm>
#include <map>
#include <memory>

#include "actors/coordinator_state.hpp"
#include "actors/error_conversion.hpp"
#include "actors/fan_out.hpp"
#include "actors/message_types.hpp"

namespace persona {

namespace {

/// A page of a segment's members being gathered shard by shard.
struct members_page {
  self_ptr self;
  std::string name;
  uint64_t limit;
  value::array users;
  caf::typed_response_promise<value> promise;
};

/// Asks shard `shard` for members from `slot` on, then the next shards,
/// until the page is full or the last shard is done; the answer's cursor
/// says where the next page starts ("shard:slot"), nil after the last.
void ask_members(std::shared_ptr<members_page> page, size_t shard, uint64_t slot) {
  auto self = page->self;
  auto& st = self->state;
  if (shard >= st.shards.size() || page->users.size() >= page->limit) {
    value out{value::map{}};
    out.set("users", value{std::move(page->users)});
    out.set("cursor",
            shard >= st.shards.size() ? value{} : value{std::to_string(shard) + ":" + std::to_string(slot)});
    page->promise.deliver(std::move(out));
    return;
  }
  auto timeout = st.timeout;
  auto who = st.shard_name(shard);
  self->request(st.shards[shard], timeout, segmembers_atom::value, page->name, slot,
                page->limit - page->users.size())
      .then(
          [page, shard](value& part) {
            for (auto& u : part.find("users")->as_array())
              page->users.push_back(u);
            auto* next = part.find("next");
            if (next && !next->is_nil())
              ask_members(page, shard, static_cast<uint64_t>(next->as_int()));
            else
              ask_members(page, shard + 1, 0);
          },
          [page, who, timeout](caf::error& err) {
            page->promise.deliver(to_caf_error(from_caf_error(err, who, timeout.count())));
          });
}

}  // namespace

caf::result<uint64_t> define_segment(self_ptr self, const std::string& name, const value& where) {
  auto rp = self->make_response_promise<uint64_t>();
  fan_out<uint64_t>(
      self, self->state.shards, self->state.timeout, [self](size_t i) { return self->state.shard_name(i); },
      [rp](std::vector<uint64_t>& sizes, std::optional<status> err) mutable {
        if (err) {
          rp.deliver(to_caf_error(*err));
          return;
        }
        uint64_t total = 0;
        for (auto n : sizes)
          total += n;
        rp.deliver(total);
      },
      segdef_atom::value, name, where);
  return rp;
}

caf::result<bool> drop_segment(self_ptr self, const std::string& name) {
  auto rp = self->make_response_promise<bool>();
  fan_out<bool>(
      self, self->state.shards, self->state.timeout, [self](size_t i) { return self->state.shard_name(i); },
      [rp](std::vector<bool>& dropped, std::optional<status> err) mutable {
        if (err) {
          rp.deliver(to_caf_error(*err));
          return;
        }
        rp.deliver(std::any_of(dropped.begin(), dropped.end(), [](bool b) { return b; }));
      },
      segdrop_atom::value, name);
  return rp;
}

caf::result<value> list_segments(self_ptr self) {
  auto rp = self->make_response_promise<value>();
  fan_out<value>(
      self, self->state.shards, self->state.timeout, [self](size_t i) { return self->state.shard_name(i); },
      [rp](std::vector<value>& parts, std::optional<status> err) mutable {
        if (err) {
          rp.deliver(to_caf_error(*err));
          return;
        }
        // name -> [where, size summed over shards]
        std::map<std::string, std::pair<value, uint64_t>> merged;
        for (auto& part : parts)
          for (auto& [name, entry] : part.as_map()) {
            auto& m = merged[name];
            m.first = entry.as_array()[0];
            m.second += static_cast<uint64_t>(entry.as_array()[1].as_int());
          }
        value::array out;
        for (auto& [name, m] : merged) {
          value e{value::map{}};
          e.set("name", value{name});
          e.set("where", m.first);
          e.set("size", value{m.second});
          out.push_back(std::move(e));
        }
        rp.deliver(value{std::move(out)});
      },
      seglist_atom::value);
  return rp;
}

caf::result<value> segment_members(self_ptr self, const std::string& name, uint64_t shard, uint64_t slot,
                                   uint64_t limit) {
  auto page = std::make_shared<members_page>(
      members_page{self, name, limit, {}, self->make_response_promise<value>()});
  auto promise = page->promise;
  ask_members(std::move(page), shard, slot);
  return promise;
}

}  // namespace persona
