// start_checks: what a node's settings must hold before it serves: TLS
// settings that fit together, and no open door on a reachable address (a
// node bound to a non-loopback address needs TLS and authentication, by
// tokens or client certificates, unless --insecure says otherwise). Pure
// functions of a node_config; personad runs them once at start.
#pragma once

#include <string>

#include "core/util/status.hpp"
#include "net/node_config.hpp"

namespace persona::net {

/// Whether `bind` is a loopback address (127.0.0.0/8, ::1, or a name for
/// them), reachable from this machine only.
bool is_loopback_bind(const std::string& bind);

/// Checks the node's settings before it serves. Fails (bad_request) with
/// what to add when TLS settings do not fit together, or when the node is
/// bound to a non-loopback address without TLS or without authentication
/// and --insecure is off. On success, `warning` says what is exposed (only
/// with --insecure), or is empty.
status check_start_settings(const node_config& cfg, std::string& warning);

}  // namespace persona::net
