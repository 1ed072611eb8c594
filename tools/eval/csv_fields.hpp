// csv_fields: the pieces persona-eval's CSV readers (interaction_file.hpp,
// transaction_file.hpp) share: a line without its '\r', its fields,
// a column found by its header's name, and the days of a civil date.
// Plain functions of their arguments; any thread.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <istream>
#include <string>
#include <vector>

namespace persona::eval {

/// Reads one line into `line`, a trailing '\r' removed; false at the end.
bool read_csv_line(std::istream& in, std::string& line);

/// Splits one CSV line into fields (quotes removed, "" inside quotes is ").
std::vector<std::string> split_csv_line(const std::string& line);

/// The index of the first header named one of `names` (lower case; the
/// header's case does not matter), or -1.
int column_index(const std::vector<std::string>& header, std::initializer_list<const char*> names);

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

}  // namespace persona::eval
