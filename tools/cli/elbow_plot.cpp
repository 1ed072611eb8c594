#include "tools/cli/elbow_plot.hpp"

#include <algorithm>
#include <cstdio>

namespace persona::cli {

namespace {

std::string fmt(const char* pattern, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, pattern, a);
  return buf;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string elbow_svg(const std::vector<std::pair<int, double>>& points, const std::string& title) {
  const double width = 640, height = 400, left = 80, right = 20, top = 40, bottom = 50;
  double plot_w = width - left - right, plot_h = height - top - bottom;
  int k_min = points.empty() ? 1 : points.front().first, k_max = k_min;
  double y_max = 0;
  for (auto& [k, y] : points) {
    k_min = std::min(k_min, k);
    k_max = std::max(k_max, k);
    y_max = std::max(y_max, y);
  }
  if (k_max == k_min)
    k_max = k_min + 1;
  if (y_max <= 0)
    y_max = 1;
  auto x_of = [&](double k) { return left + (k - k_min) / (k_max - k_min) * plot_w; };
  auto y_of = [&](double y) { return top + plot_h - y / y_max * plot_h; };
  std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"400\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  svg += "<text x=\"320\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" + escape(title) + "</text>\n";
  // Axes.
  svg += "<line x1=\"" + fmt("%.1f", left) + "\" y1=\"" + fmt("%.1f", top + plot_h) + "\" x2=\"" +
         fmt("%.1f", left + plot_w) + "\" y2=\"" + fmt("%.1f", top + plot_h) + "\" stroke=\"black\"/>\n";
  svg += "<line x1=\"" + fmt("%.1f", left) + "\" y1=\"" + fmt("%.1f", top) + "\" x2=\"" + fmt("%.1f", left) +
         "\" y2=\"" + fmt("%.1f", top + plot_h) + "\" stroke=\"black\"/>\n";
  for (int k = k_min; k <= k_max; ++k)
    svg += "<text x=\"" + fmt("%.1f", x_of(k)) + "\" y=\"" + fmt("%.1f", top + plot_h + 18) +
           "\" text-anchor=\"middle\">" + std::to_string(k) + "</text>\n";
  for (int i = 0; i <= 4; ++i) {
    double y = y_max * i / 4;
    svg += "<text x=\"" + fmt("%.1f", left - 8) + "\" y=\"" + fmt("%.1f", y_of(y) + 4) +
           "\" text-anchor=\"end\">" + fmt("%.4g", y) + "</text>\n";
    svg += "<line x1=\"" + fmt("%.1f", left) + "\" y1=\"" + fmt("%.1f", y_of(y)) + "\" x2=\"" +
           fmt("%.1f", left + plot_w) + "\" y2=\"" + fmt("%.1f", y_of(y)) + "\" stroke=\"#ddd\"/>\n";
  }
  svg +=
      "<text x=\"320\" y=\"" + fmt("%.1f", height - 10) + "\" text-anchor=\"middle\">k (clusters)</text>\n";
  svg += "<text x=\"18\" y=\"" + fmt("%.1f", top + plot_h / 2) +
         "\" text-anchor=\"middle\" transform=\"rotate(-90 18 " + fmt("%.1f", top + plot_h / 2) +
         ")\">inertia (standardized units)</text>\n";
  std::string line;
  for (auto& [k, y] : points)
    line += fmt("%.1f", x_of(k)) + "," + fmt("%.1f", y_of(y)) + " ";
  svg += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"" + line + "\"/>\n";
  for (auto& [k, y] : points)
    svg += "<circle cx=\"" + fmt("%.1f", x_of(k)) + "\" cy=\"" + fmt("%.1f", y_of(y)) +
           "\" r=\"4\" fill=\"#1f77b4\"/>\n";
  svg += "</svg>\n";
  return svg;
}

}  // namespace persona::cli
