#include "actors/shard_actor.hpp"

#include "actors/error_conversion.hpp"
#include "actors/message_types.hpp"
#include "actors/shard_read.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(persona::shard_read)

namespace persona {

namespace {

/// State of one shard actor; touched only by that actor.
struct shard_state {
  uint32_t index = 0;
  profile_store store;
  std::shared_ptr<const item_catalog_holder> items;
  static inline const char* name = "persona.shard";
};

template <class T>
caf::result<T> reply(result<T>&& r) {
  if (!r.ok())
    return to_caf_error(r.error());
  return std::move(*r);
}

caf::behavior shard_behavior(caf::stateful_actor<shard_state>* self, uint32_t index, profile_config cfg,
                             std::shared_ptr<const item_catalog_holder> items) {
  self->state.index = index;
  self->state.items = std::move(items);
  self->state.store = profile_store(std::move(cfg));
  return {
      [=](ingest_atom, const shard_batch& batch) {
        auto& st = self->state;
        auto catalog = st.items ? st.items->current() : nullptr;
        return st.store.apply(batch.events, batch.indices, catalog.get());
      },
      [=](profile_atom, const std::string& user, int64_t now_ms, const std::vector<std::string>& fields) {
        return reply(self->state.store.render(user, now_ms, fields));
      },
      [=](shard_read& r) { r.answer->deliver(self->state.store.render(r.user, r.now_ms, r.fields)); },
      [=](attrs_atom, const std::string& user, const value& attrs) -> caf::result<std::string> {
        auto st = self->state.store.set_attributes(user, attrs);
        if (!st.ok())
          return to_caf_error(st);
        return user;
      },
      [=](erase_atom, const std::string& user) { return self->state.store.erase(user); },
      [=](export_atom, const std::string& user) -> caf::result<std::string> {
        auto image = self->state.store.export_image(user);
        if (!image)
          return to_caf_error({error_code::not_found, "no profile for user '" + user + "'"});
        return std::move(*image);
      },
      [=](fold_atom, const std::string& target, const std::string& image, int64_t now_ms,
          const std::vector<std::string>& fields) {
        return reply(self->state.store.merge_image(target, image, now_ms, fields));
      },
      [=](query_atom, const query_request& q) { return reply(self->state.store.run_query(q)); },
      [=](stats_atom) {
        auto s = self->state.store.stats();
        shard_stats out;
        out.shard = self->state.index;
        out.users = s.users;
        out.events = s.events;
        out.mailbox = self->mailbox().size();
        out.profile_bytes = s.profile_bytes;
        out.index_bytes = s.index_bytes;
        out.symbol_bytes = s.symbol_bytes;
        return out;
      },
  };
}

}  // namespace

void post_read(const caf::actor& shard, shard_read read) {
  caf::anon_send<caf::message_priority::high>(shard, std::move(read));
}

caf::actor spawn_shard(caf::actor_system& sys, uint32_t index, const profile_config& cfg,
                       std::shared_ptr<const item_catalog_holder> items) {
  return sys.spawn(shard_behavior, index, cfg, std::move(items));
}

}  // namespace persona
