// Deterministic "realistic" file contents for benchmarks: text- and log-like
// bytes (timestamps, levels, component names, word salad, ids, numbers, some
// JSON) that compress about 2-3x with zstd level 3 in 32 KiB extents, unlike
// zeros (which compress absurdly well) or random bytes (not at all).
//
// The same seed always yields the same bytes on every machine, so benchmark
// runs compare like with like. Header-only; no dependencies.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <string>
#include <string_view>

namespace zerofs::bench {

class DataGen {
 public:
  explicit DataGen(uint64_t seed = 1) : state_(seed) {}

  // Fills dst[0, n) with the next n bytes of the stream.
  void Fill(char* dst, size_t n) {
    size_t done = 0;
    while (done < n) {
      if (pos_ == pending_.size()) {
        pending_.clear();
        pos_ = 0;
        AppendLine(&pending_);
      }
      size_t take = std::min(n - done, pending_.size() - pos_);
      pending_.copy(dst + done, take, pos_);
      pos_ += take;
      done += take;
    }
  }

  std::string Make(size_t n) {
    std::string s(n, '\0');
    Fill(s.data(), n);
    return s;
  }

 private:
  // splitmix64: tiny, fast, and well distributed.
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }

  template <size_t N>
  std::string_view Pick(const std::string_view (&options)[N]) {
    // Skewed towards the first entries, like real vocabularies.
    size_t a = Below(N), b = Below(N);
    return options[a < b ? a : b];
  }

  void AppendNumber(std::string* out, uint64_t v) { out->append(std::to_string(v)); }

  void AppendHex(std::string* out, int digits) {
    static constexpr char kHex[] = "0123456789abcdef";
    uint64_t r = Next();
    for (int i = 0; i < digits; i++, r >>= 4) out->push_back(kHex[r & 15]);
  }

  void AppendTimestamp(std::string* out) {
    clock_ms_ += Below(40);
    uint64_t s = clock_ms_ / 1000;
    char buf[40];
    std::snprintf(buf, sizeof(buf), "2025-03-%02u %02u:%02u:%02u.%03u ",
                  static_cast<unsigned>(1 + (s / 86400) % 28),
                  static_cast<unsigned>((s / 3600) % 24), static_cast<unsigned>((s / 60) % 60),
                  static_cast<unsigned>(s % 60), static_cast<unsigned>(clock_ms_ % 1000));
    out->append(buf);
  }

  // Word salad over a 1024-word vocabulary: a few real words plus pseudo-words
  // built from syllables (identifiers, names), chosen uniformly.
  void AppendWords(std::string* out, size_t count) {
    static constexpr std::string_view kSyllables[] = {
        "ka",  "ro",  "mi", "ten", "sa",  "lu", "ver", "do",  "ne",  "pa", "chi",
        "gor", "an",  "si", "tor", "bel", "qu", "ex",  "fi",  "mon", "ra", "zu",
        "ti",  "lek", "or", "en",  "is",  "ul", "vo",  "ham", "pri", "sto"};
    constexpr size_t kS = std::size(kSyllables);
    for (size_t i = 0; i < count; i++) {
      if (i) out->push_back(' ');
      // 10 bits select a word: two or three syllables, deterministically.
      uint32_t w = static_cast<uint32_t>(Below(1024));
      out->append(kSyllables[w % kS]);
      out->append(kSyllables[(w / kS) % kS]);
      if (w % 3 == 0) out->append(kSyllables[(w * 7 + 3) % kS]);
    }
  }

  void AppendLine(std::string* out) {
    static constexpr std::string_view kLevels[] = {"INFO ", "DEBUG", "WARN ", "ERROR", "TRACE"};
    static constexpr std::string_view kComponents[] = {
        "http.server", "storage.engine", "cache.disk", "auth",    "scheduler",
        "gc",          "nfs.rpc",        "db.pool",    "metrics", "replication"};
    static constexpr std::string_view kPaths[] = {
        "/api/v1/items",  "/api/v1/users", "/static/app.js", "/healthz",
        "/api/v2/search", "/login",        "/api/v1/orders", "/metrics"};
    switch (Below(8)) {
      case 0: {  // JSON event
        out->append("{\"ts\":");
        AppendNumber(out, 1740000000000ull + (clock_ms_ += Below(40)));
        out->append(",\"event\":\"");
        AppendWords(out, 1);
        out->append("\",\"user_id\":");
        AppendNumber(out, Below(100000));
        out->append(",\"trace\":\"");
        AppendHex(out, 16);
        out->append("\",\"ok\":");
        out->append(Below(10) ? "true" : "false");
        out->append("}\n");
        break;
      }
      case 1:
      case 2: {  // access log
        AppendTimestamp(out);
        out->append("INFO  [http.server] ");
        out->append(Below(4) ? "GET " : "POST ");
        out->append(Pick(kPaths));
        out->push_back('/');
        AppendNumber(out, Below(50000));
        out->append(" status=");
        out->append(Below(20) ? "200" : "404");
        out->append(" bytes=");
        AppendNumber(out, Below(200000));
        out->append(" ms=");
        AppendNumber(out, Below(300));
        out->append(" req=");
        AppendHex(out, 16);
        out->push_back('\n');
        break;
      }
      default: {  // application log with prose
        AppendTimestamp(out);
        out->append(Pick(kLevels));
        out->append(" [");
        out->append(Pick(kComponents));
        out->append("] ");
        AppendWords(out, 4 + Below(10));
        out->append(" id=");
        AppendNumber(out, Next() % 1000000000);
        if (Below(2)) {
          out->append(" span=");
          AppendHex(out, 16);
        }
        out->push_back('\n');
        break;
      }
    }
  }

  uint64_t state_;
  uint64_t clock_ms_ = 0;
  std::string pending_;
  size_t pos_ = 0;
};

}  // namespace zerofs::bench
