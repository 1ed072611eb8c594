// node_settings: the table of personad's settings, one row per flag: its
// name, kind, default, limits, help line and the node_config field it sets.
// node_config's defaults, the parsing and checking of flags and config file
// lines, `personad --help` and the test that docs/operations.md lists every
// setting with its default all read this table. A default is written in its
// row, or, where the engine has the same setting, in engine_options (or the
// memory reserve's options), which the row reads.
//
// The table is built on first use and never changes: any thread may read it.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/util/status.hpp"

namespace persona::net {

struct node_config;

/// What a setting's value is: how it is parsed and what its unit is.
enum class setting_kind : uint8_t {
  /// A whole number of things (shards, connections, events).
  count,
  /// A whole number of bytes or megabytes, as the name says.
  size,
  /// A whole number of the time unit the name ends in (ms, s, us).
  duration,
  /// `on` or `off`.
  on_off,
  /// One word of `choices`.
  choice,
  /// A number from 0 to 1.
  share,
  /// Any text, the empty one included.
  text,
  /// A directory; empty is allowed and has a meaning.
  path,
  /// TOKEN:ROLES; each use adds one, there is no default.
  token_list,
};

/// A setting's value once parsed: a whole number (count, size, duration),
/// a bool (on_off), a number (share), a word or text (choice, text, path,
/// token_list), or nothing (a token list's default).
using setting_value = std::variant<std::monostate, uint64_t, bool, double, std::string>;

/// The whole numbers a setting takes: `min` to `max`, and 0 as well when
/// `zero_allowed` (0 then means "none" or "the default"). `rule` is what an
/// error says a value under `min` must be; null: "at least MIN".
struct number_limits {
  uint64_t min = 0;
  uint64_t max = 0;
  bool zero_allowed = false;
  const char* rule = nullptr;
};

/// One row of the table.
struct node_setting {
  /// The flag without its dashes, and the name in a config file.
  const char* name;
  /// How the value is parsed, and its unit.
  setting_kind kind;
  /// The value a node has when the setting is not given.
  setting_value fallback;
  /// count, size, duration: the values taken.
  number_limits limits;
  /// on_off, choice: the words taken, in the order the error message lists them.
  std::vector<std::string> choices;
  /// One line for `personad --help`.
  const char* help;
  /// Writes a value this row parsed into its node_config field.
  void (*store)(node_config& config, const setting_value& value);
};

/// Every setting, in the order `personad --help` lists them.
const std::vector<node_setting>& node_settings();

/// The row named `name`, or null.
const node_setting* find_setting(const std::string& name);

/// `text` parsed as `setting`'s kind and checked against its limits; a
/// bad_request naming the flag and what it takes otherwise.
result<setting_value> parse_setting(const node_setting& setting, const std::string& text);

/// Parses `text` for the setting `name` and stores it in `config`; a
/// bad_request for an unknown name or a bad value.
status apply_setting(node_config& config, const std::string& name, const std::string& text);

/// `value` as it would be written on the command line; "(none)" for a
/// token list's default. `--help` and docs/operations.md show defaults so.
std::string setting_text(const setting_value& value);

}  // namespace persona::net
