#include "net/node_config.hpp"

#include <fstream>
#include <sstream>

#include "core/os/secret_file.hpp"
#include "net/node_settings.hpp"

namespace persona::net {

namespace {

status bad(const std::string& what) {
  return {error_code::bad_request, what};
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

uint8_t parse_roles(const std::string& list) {
  uint8_t bits = 0;
  std::stringstream in(list);
  std::string r;
  while (std::getline(in, r, ',')) {
    r = trim(r);
    if (r == "ingest")
      bits |= role_ingest;
    else if (r == "query")
      bits |= role_query;
    else if (r == "admin")
      bits |= all_roles;
    else
      return 0;
  }
  return bits;
}

std::vector<std::string> role_names(uint8_t bits) {
  std::vector<std::string> out;
  if (bits & role_ingest)
    out.push_back("ingest");
  if (bits & role_query)
    out.push_back("query");
  if (bits & role_admin)
    out.push_back("admin");
  return out;
}

node_config::node_config() {
  for (auto& s : node_settings())
    if (!std::holds_alternative<std::monostate>(s.fallback))
      s.store(*this, s.fallback);
}

result<node_config> node_config::parse(int argc, char** argv, bool& help) {
  node_config c;
  help = false;
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config_file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      return c;
    }
    // An on/off setting given bare (`--insecure`) means on.
    if (arg.rfind("--", 0) == 0 && arg.find('=') == std::string::npos)
      if (auto* setting = find_setting(arg.substr(2)); setting && setting->kind == setting_kind::on_off)
        arg += "=on";
    if (arg.rfind("--", 0) != 0 || arg.find('=') == std::string::npos)
      return bad("unexpected argument '" + arg + "': settings are --name=value; personad --help lists them");
    auto eq = arg.find('=');
    auto name = arg.substr(2, eq - 2);
    auto val = arg.substr(eq + 1);
    if (name == "config")
      config_file = val;
    else
      flags.emplace_back(name, val);
  }
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in)
      return bad("cannot read the config file '" + config_file + "'");
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      line = trim(line);
      if (line.empty() || line[0] == '#')
        continue;
      auto eq = line.find('=');
      if (eq == std::string::npos)
        return bad(config_file + ":" + std::to_string(number) + ": expected 'name = value'");
      auto st = apply_setting(c, trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
      if (!st.ok())
        return bad(config_file + ":" + std::to_string(number) + ": " + st.message());
    }
  }
  for (auto& [name, val] : flags) {
    auto st = apply_setting(c, name, val);
    if (!st.ok())
      return st;
  }
  if (c.tokens.size() < c.command_line_tokens)
    return bad("--token gives the same token twice; give each token once");
  if (!c.token_file.empty()) {
    auto text = read_secret_file(c.token_file, token_store::min_token_bytes);
    if (!text.ok())
      return bad("--token-file: " + text.error().message());
    if (auto st = c.tokens.add_file_text(c.token_file, *text); !st.ok())
      return st;
  }
  return c;
}

std::string node_config::help_text() {
  std::string out =
      "usage: personad [--name=value ...] [--config=FILE]\n\n"
      "A Persona node: live user profiles over MessagePack-RPC (TCP).\n"
      "A config file holds 'name = value' lines ('#' starts a comment); flags override it.\n\n"
      "settings (default in brackets):\n";
  for (auto& s : node_settings()) {
    std::string left = std::string("  --") + s.name + "=";
    out += left;
    out.append(left.size() < 34 ? 34 - left.size() : 1, ' ');
    out += std::string(s.help) + " [" + setting_text(s.fallback) + "]\n";
  }
  out +=
      "\nSIGINT or SIGTERM stops the node gracefully: it stops accepting, answers what is in flight, and "
      "exits 0.\n";
  return out;
}

}  // namespace persona::net
