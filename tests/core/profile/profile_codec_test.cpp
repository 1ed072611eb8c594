#include <catch2/catch.hpp>
#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/profile/consent.hpp"
#include "core/profile/profile.hpp"
#include "core/profile/profile_codec.hpp"
#include "core/util/stable_hash.hpp"
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

TEST_CASE("profile images keep the latest session's summary, images of versions 1 to 4 still decode") {
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
  // A version 4 image is a version 5 one without the consents byte.
  auto v4_image = image.substr(0, image.size() - 1);
  v4_image[0] = 4;
  REQUIRE(decode_profile(v4_image, other, back));
  CHECK(back.consent_withheld == 0);
  CHECK(other.name(back.latest_session.focus()) == "shoes");
  // Version 3 had no searched category: its flag there is malformed.
  auto v3_flagged = with_search.substr(0, with_search.size() - 1);
  v3_flagged[0] = 3;
  CHECK_FALSE(decode_profile(v3_flagged, other, back));
  // A version 3 image is a version 4 one without it.
  auto v3 = v4_image;
  v3[0] = 3;
  REQUIRE(decode_profile(v3, other, back));
  CHECK(other.name(back.latest_session.focus()) == "shoes");
  CHECK(back.latest_session.searched_ == symbol_table::missing);

  // Version 2 had a click count where the vote is, and no count of recent
  // sessions: the focus leads by its own views.
  std::string v2 = v4_image;
  // The summary's 8 bytes, the f32, the flags, then "shoes" and "hats".
  size_t summary_at = v4_image.size() - (8 + 4 + 1 + 6 + 5);
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
  auto v5 = encode_profile(empty_session, names);
  // 6 counts, 2 streaks, the f32, the flags byte; the consents byte.
  auto v1 = v5.substr(0, v5.size() - 14);
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

TEST_CASE("profile images keep the consents withheld, and refuse unknown consent bits") {
  symbol_table names;
  profile p;
  p.first_seen_ms = t0;
  p.last_seen_ms = t0;
  p.consent_withheld = consent_bit::profiling | consent_bit::marketing;
  auto image = encode_profile(p, names);
  CHECK(static_cast<uint8_t>(image[0]) == profile_image_version);
  profile back;
  REQUIRE(decode_profile(image, names, back));
  CHECK(back.consent_withheld == (consent_bit::profiling | consent_bit::marketing));
  image.back() = static_cast<char>(8);
  CHECK_FALSE(decode_profile(image, names, back));
}

namespace {

/// A profile with something in every part an image holds.
profile full_profile(symbol_table& symbols) {
  profile p;
  profile_config cfg;
  auto feed = [&](event e) { apply_to(p, e, symbols, cfg); };
  auto noon = t0 + hours(12);
  auto e = with_brand(with_category(with_price(make_event("u", event_type::view, noon, "i1"), 50), {"shoes"}),
                      "acme");
  e.device = "phone";
  e.mark(event_key::device);
  e.geo = "DE";
  e.mark(event_key::geo);
  feed(e);
  feed(with_category(make_event("u", event_type::add_to_cart, noon + minutes(1), "i2"), {"hats"}));
  feed(with_price(make_event("u", event_type::purchase, noon + minutes(2), "i2"), 30, 2));
  feed(with_price(make_event("u", event_type::purchase, t0 + days(40), "i3"), 12));
  feed(with_price(make_event("u", event_type::refund, t0 + days(41), "i3"), 12));
  feed(make_event("u", event_type::search, t0 + days(41) + 1));
  p.seen_ids.insert(stable_hash("ev-1"), cfg.caps.event_ids);
  p.seen_ids.insert(stable_hash("ev-2"), cfg.caps.event_ids);
  p.attributes.emplace_back(symbols.intern("age"), value{41});
  p.attributes.emplace_back(symbols.intern("plan"), value{"gold"});
  return p;
}

std::vector<std::string> names_of(const affinity_table& t, const symbol_table& symbols) {
  std::vector<std::string> out;
  for (auto& [key, share] : t.shares())
    out.push_back(symbols.name(key));
  return out;
}

}  // namespace

TEST_CASE("a profile image carries every part of a profile, its symbols by name, to another shard") {
  symbol_table here;
  auto p = full_profile(here);
  auto image = encode_profile(p, here);
  CHECK(static_cast<uint8_t>(image[0]) == profile_image_version);

  symbol_table there;
  for (auto name : {"zeta", "hats", "i3"})
    there.intern(name);
  profile back;
  REQUIRE(decode_profile(image, there, back));
  // Encoded again against the other table, the image is the same bytes.
  CHECK(encode_profile(back, there) == image);

  auto now = t0 + days(41) + hours(1);
  CHECK(back.first_seen_ms == p.first_seen_ms);
  CHECK(back.last_seen_ms == p.last_seen_ms);
  CHECK(back.counts == p.counts);
  CHECK(back.windows.count(time_window::d30, event_type::purchase, now) == 1);
  CHECK(back.sessions.count() == p.sessions.count());
  CHECK(back.sessions.avg_duration_s() == p.sessions.avg_duration_s());
  CHECK(names_of(back.category_affinity, there) == names_of(p.category_affinity, here));
  CHECK(names_of(back.brand_affinity, there) == std::vector<std::string>{"acme"});
  CHECK(back.category_affinity.share(there.find("hats")) ==
        Approx(p.category_affinity.share(here.find("hats"))));
  REQUIRE(back.recent.items().size() == 3);
  CHECK(there.name(back.recent.items()[0].item) == "i3");
  CHECK(there.name(back.recent.items()[2].item) == "i1");
  CHECK(back.purchases.monetary() == Approx(p.purchases.monetary()));
  CHECK(back.purchases.purchases() == 2);
  CHECK(back.purchases.refunds() == 1);
  CHECK(*back.purchases.cycle_days() == Approx(*p.purchases.cycle_days()));
  CHECK(*back.purchases.avg_viewed_price() == Approx(50));
  CHECK(back.purchases.distinct_months() == 2);
  CHECK(back.risk.flags(now, back.purchases, profile_config{}.risk) ==
        p.risk.flags(now, p.purchases, profile_config{}.risk));
  CHECK(back.risk.contexts_ == p.risk.contexts_);
  CHECK(back.last_cart_ms == p.last_cart_ms);
  REQUIRE(back.attributes.size() == 2);
  CHECK(there.name(back.attributes[0].first) == "age");
  CHECK(back.attributes[0].second == value{41});
  CHECK(there.name(back.attributes[1].first) == "plan");
  CHECK(back.attributes[1].second == value{"gold"});
  CHECK(back.seen_ids.contains(stable_hash("ev-1")));
  CHECK(back.seen_ids.contains(stable_hash("ev-2")));
  CHECK(back.latest_session.searches() == p.latest_session.searches());
}

TEST_CASE("segments and the cluster stay with the shard: an image leaves them out") {
  symbol_table symbols;
  auto p = full_profile(symbols);
  auto plain = encode_profile(p, symbols);
  p.segments.set(3, true);
  p.segments.set(300, true);
  p.cluster = 2;
  CHECK(encode_profile(p, symbols) == plain);
  profile back;
  REQUIRE(decode_profile(plain, symbols, back));
  CHECK(back.segments.empty());
  CHECK(back.cluster == -1);
}

TEST_CASE("a cut, padded or unsorted image is refused") {
  symbol_table symbols;
  auto image = encode_profile(full_profile(symbols), symbols);
  profile out;
  for (size_t n = 0; n < image.size(); ++n)
    REQUIRE_FALSE(decode_profile(image.substr(0, n), symbols, out));
  CHECK_FALSE(decode_profile(image + '\0', symbols, out));
  auto zero_version = image;
  zero_version[0] = 0;
  CHECK_FALSE(decode_profile(zero_version, symbols, out));

  // Window buckets out of order: the second bucket's window byte set below the first's.
  profile two_windows;
  two_windows.windows.add(event_type::view, t0);
  REQUIRE(two_windows.windows.buckets().size() >= 2);
  auto windows_image = encode_profile(two_windows, symbols);
  REQUIRE(decode_profile(windows_image, symbols, out));
  // Version, times, counts, the bucket count (one byte), then buckets of
  // window, index and counts.
  size_t first_bucket = 1 + 8 + 8 + 4 * event_type_count + 1;
  size_t bucket_bytes = 1 + 4 + 4 * event_type_count;
  REQUIRE(windows_image[first_bucket] == 0);
  REQUIRE(windows_image[first_bucket + bucket_bytes] == 1);
  auto unsorted = windows_image;
  unsorted[first_bucket + bucket_bytes] = 0;
  unsorted[first_bucket + bucket_bytes + 1] = 0;  // an index no larger than the first's
  unsorted[first_bucket + bucket_bytes + 2] = 0;
  unsorted[first_bucket + bucket_bytes + 3] = 0;
  unsorted[first_bucket + bucket_bytes + 4] = 0;
  CHECK_FALSE(decode_profile(unsorted, symbols, out));
}
