// profile_store_access: the right of access, everything one store holds on
// a user in one answer (export_profile).
#include "core/store/profile_store.hpp"

#include "core/query/profile_view.hpp"

namespace persona {

result<value> profile_store::access_report(const std::string& user, int64_t now_ms) const {
  auto* p = find(user);
  if (!p)
    return status{error_code::not_found, "no profile for user '" + user + "'"};
  value out{value::map{}};
  out.set("user", value{user});
  out.set("now", value{now_ms});
  out.set("profile", render_profile(*p, user, context(now_ms), {}));
  auto predictions = predict(user, now_ms);
  out.set("predictions", predictions.ok() ? std::move(*predictions) : value{});
  // Kept, but only as one-way hashes: counted, since they cannot be shown.
  value hashed{value::map{}};
  hashed.set("event_ids", value{static_cast<uint64_t>(p->seen_ids.ids().size())});
  hashed.set("devices_and_geos", value{static_cast<uint64_t>(p->risk.context_count())});
  hashed.set("current_session", value{p->sessions.current_id_hash != 0});
  out.set("hashed", std::move(hashed));
  return out;
}

}  // namespace persona
