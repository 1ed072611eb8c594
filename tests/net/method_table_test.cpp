// The method table against docs/protocol.md and against itself: the doc's
// method list is the table, every row can be served, and the
// unknown-method error names every row.
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "net/method_table.hpp"
#include "net/node_config.hpp"
#include "node_fixture.hpp"
#include "test_util.hpp"

using namespace persona;
using namespace persona::net;
using namespace persona::test;

namespace {

/// One line of the "Methods served" table of docs/protocol.md.
struct documented_method {
  std::string name, role, ordered, notification, params;
};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(' ');
  auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string unquote(const std::string& s) {
  return s.size() >= 2 && s.front() == '`' && s.back() == '`' ? s.substr(1, s.size() - 2) : s;
}

/// The rows of the table under "## Methods served" in docs/protocol.md.
std::vector<documented_method> documented_methods() {
  std::ifstream in(std::string(PERSONA_SOURCE_DIR) + "/docs/protocol.md");
  REQUIRE(in.good());
  std::vector<documented_method> out;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      if (in_section)
        break;
      in_section = line == "## Methods served";
      continue;
    }
    if (!in_section || line.rfind("| `", 0) != 0)
      continue;
    std::vector<std::string> cells;
    std::stringstream cols(line.substr(1));
    std::string cell;
    while (std::getline(cols, cell, '|'))
      cells.push_back(trim(cell));
    REQUIRE(cells.size() >= 5);
    out.push_back({unquote(cells[0]), cells[1], cells[2], cells[3], unquote(cells[4])});
  }
  return out;
}

/// How docs/protocol.md writes a row's columns.
std::string role_column(const method_row& row) {
  return row.role == 0 ? "none" : role_names(row.role).front();
}
std::string ordered_column(const method_row& row) {
  switch (row.order) {
    case ordering::none:
      return "-";
    case ordering::batch:
      return "batch";
    case ordering::write:
      return "write";
  }
  return "?";
}
std::string params_column(const method_row& row) {
  return row.params.max == 0 ? "[]" : row.params.shape;
}

}  // namespace

TEST_CASE("docs/protocol.md lists the methods of the table, in its order, with their roles and params") {
  auto documented = documented_methods();
  auto& rows = method_rows();
  REQUIRE(documented.size() == rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    auto& row = rows[i];
    auto& doc = documented[i];
    CAPTURE(i, doc.name);
    CHECK(doc.name == std::string(row.name));
    CHECK(doc.role == role_column(row));
    CHECK(doc.ordered == ordered_column(row));
    CHECK(doc.notification == (row.notification ? "yes" : "-"));
    CHECK(doc.params == params_column(row));
  }
}

TEST_CASE("every row has a handler and a params check that can be read, under a name of its own") {
  std::set<std::string> names;
  for (auto& row : method_rows()) {
    CAPTURE(std::string(row.name));
    CHECK(row.handle != nullptr);
    CHECK(well_formed(row.params));
    CHECK((row.role == 0 || role_names(row.role).size() == 1));
    CHECK(names.insert(std::string(row.name)).second);
    CHECK(find_method(row.name) == &row);
  }
  CHECK(find_method("fly") == nullptr);
  CHECK(find_method("") == nullptr);
}

TEST_CASE("a params declaration with a gap, a required param past min or no shape is not well formed") {
  CHECK(well_formed(params_spec{}));
  CHECK(well_formed(params_spec{
      1, 2, "[user, options]", {{param_kind::user_id, "user"}, {param_kind::options, "options"}}}));
  CHECK_FALSE(well_formed(params_spec{2, 1, "[user]", {}}));
  CHECK_FALSE(well_formed(params_spec{1, 1, "", {{param_kind::user_id, "user"}}}));
  CHECK_FALSE(well_formed(params_spec{0, 1, "[user]", {{param_kind::user_id, "user"}}}));
  CHECK_FALSE(well_formed(
      params_spec{0, 1, "[options]", {{param_kind::options, "options"}, {param_kind::count, "k"}}}));
  CHECK_FALSE(
      well_formed(params_spec{1, 3, "[a, b, c]", {{param_kind::any, "a"}, {}, {param_kind::count, "k"}}}));
  CHECK_FALSE(well_formed(params_spec{1, 2, "[a, b]", {{param_kind::any, ""}}}));
}

TEST_CASE("the unknown-method error lists every row, in order") {
  std::string listed;
  for (auto& row : method_rows())
    listed += (listed.empty() ? "" : ", ") + std::string(row.name);
  CHECK(unknown_method_message("fly") == "no method 'fly'; methods: " + listed);

  test_node node;
  auto c = node.connect();
  auto r = c->call_sync("fly", args({}));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == error_code::unknown_method);
  CHECK(r.error().message() == unknown_method_message("fly"));
}
