#include "base/metrics.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace zerofs::metrics {

namespace {

std::string FormatValue(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{}", v);
}

std::string EscapeHelp(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Collector output, grouped by family so each gets one HELP/TYPE header.
class CollectingSink : public Sink {
 public:
  struct Family {
    std::string help;
    const char* type;
    std::vector<std::pair<std::string, double>> samples;  // rendered labels, value
  };
  void Gauge(std::string_view name, std::string_view help, const Labels& labels,
             double value) override {
    Add(name, help, "gauge", labels, value);
  }
  void CounterValue(std::string_view name, std::string_view help, const Labels& labels,
                    double value) override {
    Add(name, help, "counter", labels, value);
  }
  std::map<std::string, Family> families;

 private:
  void Add(std::string_view name, std::string_view help, const char* type, const Labels& labels,
           double value) {
    Family& f = families[std::string(name)];
    if (f.help.empty()) f.help = help;
    f.type = type;
    f.samples.emplace_back(RenderLabels(labels), value);
  }
};

}  // namespace

void Histogram::Observe(double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // also NaN
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) i++;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_nanos_.fetch_add(static_cast<uint64_t>(std::min(seconds, 1e9) * 1e9),
                       std::memory_order_relaxed);
}

std::array<uint64_t, Histogram::kBounds.size() + 1> Histogram::buckets() const {
  std::array<uint64_t, kBounds.size() + 1> out{};
  for (size_t i = 0; i < out.size(); i++) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

double Histogram::sum() const {
  return static_cast<double>(sum_nanos_.load(std::memory_order_relaxed)) / 1e9;
}

std::string RenderLabels(const Labels& labels) {
  if (labels.empty()) return {};
  std::string out = "{";
  for (const auto& [k, v] : labels) {
    if (out.size() > 1) out += ',';
    out += k;
    out += "=\"";
    for (char c : v) {
      if (c == '\\' || c == '"') {
        out += '\\';
        out += c;
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += '}';
  return out;
}

Registry& Registry::Global() {
  static Registry* registry = new Registry();  // never destroyed: used until exit
  return *registry;
}

Registry::Family* Registry::FamilyFor(std::string_view name, std::string_view help, Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{type, std::string(help), {}, {}}).first;
  }
  if (it->second.type != type) {
    std::fprintf(stderr, "metrics: %.*s registered with two types\n", static_cast<int>(name.size()),
                 name.data());
    std::abort();
  }
  return &it->second;
}

Counter* Registry::GetCounter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = FamilyFor(name, help, Type::kCounter)->counters[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return slot.get();
}

Histogram* Registry::GetHistogram(std::string_view name, std::string_view help,
                                  const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = FamilyFor(name, help, Type::kHistogram)->histograms[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Histogram>();
  return slot.get();
}

uint64_t Registry::AddCollector(Collector collector) {
  std::lock_guard<std::mutex> lock(collectors_mu_);
  const uint64_t id = next_collector_++;
  collectors_.emplace(id, std::move(collector));
  return id;
}

void Registry::RemoveCollector(uint64_t id) {
  std::lock_guard<std::mutex> lock(collectors_mu_);
  collectors_.erase(id);
}

std::string Registry::Render() const {
  std::string out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, f] : families_) {
      out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(f.help), name,
                         f.type == Type::kCounter ? "counter" : "histogram");
      for (const auto& [labels, c] : f.counters) {
        out += fmt::format("{}{} {}\n", name, labels, c->value());
      }
      for (const auto& [labels, h] : f.histograms) {
        // Rebuild the label set with `le` appended: strip the braces.
        const std::string inner = labels.empty() ? "" : labels.substr(1, labels.size() - 2);
        const std::string sep = inner.empty() ? "" : ",";
        const auto counts = h->buckets();
        uint64_t cumulative = 0;
        for (size_t i = 0; i < counts.size(); i++) {
          cumulative += counts[i];
          const std::string le =
              i < Histogram::kBounds.size() ? FormatValue(Histogram::kBounds[i]) : "+Inf";
          out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, inner, sep, le, cumulative);
        }
        out += fmt::format("{}_sum{} {}\n", name, labels, FormatValue(h->sum()));
        out += fmt::format("{}_count{} {}\n", name, labels, cumulative);
      }
    }
  }
  CollectingSink sink;
  {
    std::lock_guard<std::mutex> lock(collectors_mu_);
    for (const auto& [id, collect] : collectors_) collect(&sink);
  }
  for (const auto& [name, f] : sink.families) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(f.help), name, f.type);
    for (const auto& [labels, v] : f.samples)
      out += fmt::format("{}{} {}\n", name, labels, FormatValue(v));
  }
  return out;
}

}  // namespace zerofs::metrics
