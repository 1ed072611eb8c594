// elbow_plot: an SVG line chart of k-means inertia against k, the picture a
// marketer reads to choose k (the bend of the "elbow"). Pure function.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace persona::cli {

/// An SVG document plotting (k, inertia) points with axes and labels.
std::string elbow_svg(const std::vector<std::pair<int, double>>& points, const std::string& title);

}  // namespace persona::cli
