#include "net/audit_trail.hpp"

#include <cstdio>
#include <ctime>

#include "net/dispatcher.hpp"
#include "net/log.hpp"
#include "net/msgpack_value.hpp"
#include "net/node_keys.hpp"

namespace persona::net {

namespace {

void append_field(std::string& out, std::string_view name, std::string_view text) {
  out += ',';
  append_json_string(out, name);
  out += ':';
  append_json_string(out, text);
}

/// "2026-12-07T23:13:16.123Z".
std::string utc_time(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto secs = system_clock::to_time_t(t);
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count() % 1000;
  if (ms < 0)
    ms += 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[40];
  size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(stamp + n, sizeof stamp - n, ".%03dZ", static_cast<int>(ms));
  return stamp;
}

}  // namespace

std::string format_audit_line(const audit_record& record) {
  std::string out = "{\"time\":";
  append_json_string(out, utc_time(record.time));
  append_field(out, "peer", record.peer);
  append_field(out, "token", record.token);
  append_field(out, "method", record.method);
  for (auto& [label, hash] : record.users)
    append_field(out, label, hash);
  append_field(out, "outcome", record.outcome == error_code::ok ? "ok" : to_string(record.outcome));
  if (record.count)
    out += ",\"count\":" + std::to_string(*record.count);
  out += "}\n";
  return out;
}

std::optional<uint64_t> users_listed(const value& result) {
  if (auto* users = result.find("users"); users && users->is_array())
    return users->as_array().size();
  return std::nullopt;
}

audit_trail::audit_trail(std::unique_ptr<audit_log> log, siphash_key key) : log_(std::move(log)), key_(key) {}

std::string audit_trail::user_hash(std::string_view user) const {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(siphash24(key_, user)));
  return hex;
}

method_reply audit_trail::watch(const method_row& row, const msgpack::object& params,
                                const connection_state& conn, method_reply done) {
  auto kind = audited(row);
  if (kind == audit_kind::none)
    return done;
  audit_record record;
  record.method = row.name;
  record.peer = conn.peer;
  record.token = conn.token_name;
  if (kind == audit_kind::user && params.type == msgpack::type::ARRAY) {
    // The users the call names, as sent (a bad one is left out: the call
    // is refused for it, and the line says so).
    auto& a = params.via.array;
    for (uint32_t i = 0; i < a.size && i < max_params; ++i) {
      auto& spec = row.params.at[i];
      std::string id;
      if (spec.kind == param_kind::user_id && read_id(a.ptr[i], id) == text_read::ok)
        record.users.emplace_back(spec.label, user_hash(id));
    }
  }
  return [this, kind, record = std::move(record), done = std::move(done)](result<value> r) mutable {
    record.outcome = r.ok() ? error_code::ok : r.error().code();
    if (kind != audit_kind::failures || !r.ok()) {
      if (kind == audit_kind::count && r.ok())
        record.count = users_listed(*r);
      record.time = std::chrono::system_clock::now();
      log_->append(format_audit_line(record));
    }
    done(std::move(r));
  };
}

value audit_trail::stats() const {
  auto& c = log_->counters();
  value out{value::map{}};
  out.set("path", value{log_->options().path});
  out.set("lines", value{c.lines.load()});
  out.set("bytes", value{c.bytes.load()});
  out.set("rotations", value{c.rotations.load()});
  out.set("write_failures", value{c.write_failures.load()});
  out.set("lines_dropped", value{c.lines_dropped.load()});
  return out;
}

result<std::unique_ptr<audit_trail>> open_audit_trail(const node_config& cfg) {
  std::string path = cfg.audit_log;
  if (path == "off" || (path == "auto" && cfg.data_dir.empty()))
    return std::unique_ptr<audit_trail>();
  if (path == "auto")
    path = cfg.data_dir + "/audit.log";
  // The node's key (--hash-key-file, or the one it keeps in its data
  // directory), so the audit hashes match across restarts.
  auto node_key = load_node_hash_key(cfg);
  if (!node_key.ok())
    return node_key.error();
  auto key = node_key->derive("audit");
  audit_log_options options;
  options.path = path;
  options.max_bytes = cfg.audit_max_bytes;
  options.keep = cfg.audit_keep;
  options.fsync_interval = std::chrono::milliseconds(cfg.audit_fsync_interval_ms);
  options.max_queue_bytes = cfg.audit_queue_bytes;
  auto log =
      audit_log::open(options, [](const std::string& message) { log_line(log_level::error, message); });
  if (!log.ok())
    return log.error();
  log_line(log_level::info,
           "audit log " + path +
               (cfg.audit_max_bytes ? ", rotated at " + std::to_string(cfg.audit_max_bytes) + " bytes, " +
                                          std::to_string(cfg.audit_keep) + " kept"
                                    : std::string(", never rotated")) +
               ", synced within " + std::to_string(cfg.audit_fsync_interval_ms) + " ms");
  return std::make_unique<audit_trail>(std::move(*log), key);
}

}  // namespace persona::net
