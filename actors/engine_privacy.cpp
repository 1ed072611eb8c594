// The engine's consent and right-of-access methods (engine.hpp):
// set_consent is a change of the user's shard, ordered like
// set_attributes; export_profile is a point read of that shard.
#include "actors/engine_impl.hpp"
#include "actors/shard_read.hpp"
#include "core/profile/consent.hpp"
#include "core/query/query.hpp"
#include "core/util/user_router.hpp"

namespace persona {

void engine::set_consent(const std::string& client_user, const value& flags, callback done) {
  const std::string user = impl_->ids.user(client_user);
  auto& im = *impl_;
  auto check = [&]() -> status {
    if (auto st = check_user_id("user", user); !st.ok())
      return st;
    return validate_consent(flags);
  };
  if (!im.enter(done, check))
    return;
  im.ask<value>(
      im.query_gateway(), std::move(done),
      [user](value& consent) -> result<value> {
        value out{value::map{}};
        out.set("user", value{user});
        out.set("consent", std::move(consent));
        return out;
      },
      consent_atom::value, user, flags);
}

void engine::export_profile(const std::string& client_user, callback done) {
  const std::string user = impl_->ids.user(client_user);
  auto& im = *impl_;
  if (!im.enter(done, [&] { return check_user_id("user", user); }))
    return;
  shard_read read;
  read.kind = read_kind::access;
  read.user = user;
  read.now_ms = now_ms();
  auto* ip = impl_.get();
  im.read_user(std::move(read),
               [ip, done = std::move(done)](result<value> r) { ip->finish(done, std::move(r)); });
}

}  // namespace persona
