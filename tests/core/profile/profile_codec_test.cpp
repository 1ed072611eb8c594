#include <catch2/catch.hpp>
#include <cmath>
#include <initializer_list>
#include <string>

#include "core/profile/profile.hpp"
#include "core/profile/profile_codec.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::test;

namespace {

/// One session viewing the given categories in order, a day after the one before.
void session_viewing(session_summary& s, std::initializer_list<symbol> categories) {
  s.start_session(t0, t0 + days(1));
  for (auto c : categories)
    s.add(event_type::view, c);
}

}  // namespace

TEST_CASE("profile images keep the latest session's summary, images of versions 1 to 3 still decode") {
  symbol_table names;
  auto shoes_sym = names.intern("shoes");
  auto hats_sym = names.intern("hats");
  profile p;
  p.first_seen_ms = t0;
  p.last_seen_ms = t0;
  session_viewing(p.latest_session, {hats_sym});
  session_viewing(p.latest_session, {shoes_sym, hats_sym, shoes_sym});
  p.latest_session.add(event_type::purchase, shoes_sym);
  auto image = encode_profile(p, names);

  // Another shard's table: symbols travel by name.
  symbol_table other;
  other.intern("unrelated");
  profile back;
  REQUIRE(decode_profile(image, other, back));
  auto& ls = back.latest_session;
  CHECK(ls.views() == 3);
  CHECK(ls.purchases() == 1);
  CHECK(other.name(ls.focus()) == "shoes");
  CHECK(ls.focus_share() == Approx(2.0 / 3));
  CHECK(ls.votes_ == 1);
  CHECK(ls.deciding_streak() == 1);
  CHECK(ls.recent_sessions_ == Approx(1.0 + std::exp(-1.0)));
  CHECK(other.name(ls.previous_focus_) == "hats");
  CHECK(ls.searched_ == symbol_table::missing);

  // The category the session's search named, flagged 4, follows the focuses.
  profile searched = p;
  searched.latest_session.add(event_type::search, shoes_sym);
  auto with_search = encode_profile(searched, names);
  REQUIRE(with_search.size() == image.size() + 6);
  REQUIRE(decode_profile(with_search, other, back));
  CHECK(other.name(back.latest_session.searched_) == "shoes");
  CHECK(back.latest_session.searched_focus());
  // Version 3 had no searched category: its flag there is malformed.
  auto v3_flagged = with_search;
  v3_flagged[0] = 3;
  CHECK_FALSE(decode_profile(v3_flagged, other, back));
  // A version 3 image is a version 4 one without it.
  auto v3 = image;
  v3[0] = 3;
  REQUIRE(decode_profile(v3, other, back));
  CHECK(other.name(back.latest_session.focus()) == "shoes");
  CHECK(back.latest_session.searched_ == symbol_table::missing);

  // Version 2 had a click count where the vote is, and no count of recent
  // sessions: the focus leads by its own views.
  std::string v2 = image;
  // The summary's 8 bytes, the f32, the flags, then "shoes" and "hats".
  size_t summary_at = image.size() - (8 + 4 + 1 + 6 + 5);
  REQUIRE(v2[summary_at + 12] == 3);  // both flags
  REQUIRE(v2[summary_at + 13] == 5);  // "shoes"'s length
  v2.erase(summary_at + 8, 4);
  v2[0] = 2;
  profile older;
  REQUIRE(decode_profile(v2, other, older));
  CHECK(other.name(older.latest_session.focus()) == "shoes");
  CHECK(older.latest_session.votes_ == 2);
  CHECK(older.latest_session.recent_sessions_ == 0);
  CHECK(older.latest_session.focus_share() == Approx(2.0 / 3));

  // Version 1 ended before the summary.
  profile empty_session = p;
  empty_session.latest_session = session_summary{};
  auto v4 = encode_profile(empty_session, names);
  auto v1 = v4.substr(0, v4.size() - 13);  // 6 counts, 2 streaks, the f32, the flags byte
  v1[0] = 1;
  profile old;
  REQUIRE(decode_profile(v1, other, old));
  CHECK(old.latest_session.views() == 0);
  CHECK(old.latest_session.focus() == symbol_table::missing);
  CHECK(old.first_seen_ms == t0);

  // A version from the future, or a truncated summary, is refused.
  auto future = image;
  future[0] = static_cast<char>(profile_image_version + 1);
  CHECK_FALSE(decode_profile(future, other, old));
  CHECK_FALSE(decode_profile(image.substr(0, image.size() - 1), other, old));
}
