#include "config/table_reader.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "config/suggest.h"

namespace zerofs::config {

namespace {

// Shortest text that reads back as `v` ("1", "0.5", "1e+30"), for messages.
std::string FormatNumber(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  if (ec != std::errc()) return "?";
  return std::string(buf, end);
}

// "must be at least 1" when there is no practical upper bound and the value
// is below it, else "must be between 1 and 4096".
std::string RangeText(const std::string& min, const std::string& max, bool unbounded, bool below) {
  if (unbounded && below) return "must be at least " + min;
  return "must be between " + min + " and " + max;
}

}  // namespace

const char* TomlTypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::none:
      return "nothing";
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "array";
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
  }
  return "unknown";
}

bool TableReader::Has(std::string_view key) const { return Find(key) != nullptr; }

const toml::node* TableReader::Find(std::string_view key) const {
  if (table_ == nullptr) return nullptr;
  return table_->get(key);
}

std::string TableReader::KeyPath(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  std::string out = path_;
  out += '.';
  out += key;
  return out;
}

Error TableReader::KeyError(std::string_view key, std::string_view msg) const {
  return Error(Code::kInvalidArgument, KeyPath(key) + ": " + std::string(msg));
}

Status TableReader::RejectUnknown(std::span<const std::string_view> known) const {
  if (table_ == nullptr) return OkStatus();
  // toml::table iterates in key order; report the first unknown key in the
  // file so fixing errors top to bottom works.
  const toml::key* first = nullptr;
  const toml::node* first_node = nullptr;
  for (auto&& [k, v] : *table_) {
    bool is_known = false;
    for (std::string_view name : known) is_known = is_known || k.str() == name;
    if (is_known) continue;
    auto earlier = [](const toml::source_position& a, const toml::source_position& b) {
      return a.line < b.line || (a.line == b.line && a.column < b.column);
    };
    if (first == nullptr || earlier(k.source().begin, first->source().begin)) {
      first = &k;
      first_node = &v;
    }
  }
  if (first == nullptr) return OkStatus();
  std::string msg = first_node->is_table() ? "unknown section '" : "unknown key '";
  msg += KeyPath(first->str());
  msg += "'";
  if (auto near = ClosestName(first->str(), known)) {
    msg += " (did you mean '" + *near + "'?)";
  }
  return Error(Code::kInvalidArgument, std::move(msg));
}

Result<TableReader> TableReader::Table(std::string_view key) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return TableReader(nullptr, KeyPath(key), env_);
  if (!node->is_table()) {
    return KeyError(key, std::string("expected a table, got ") + TomlTypeName(*node));
  }
  return TableReader(node->as_table(), KeyPath(key), env_);
}

Result<std::string> TableReader::Substitute(std::string_view key, std::string_view raw) const {
  Result<std::string> r = SubstituteEnv(raw, *env_);
  if (!r.ok()) return KeyError(key, r.error().context());
  return r;
}

Status TableReader::GetString(std::string_view key, std::string* out) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return OkStatus();
  if (!node->is_string()) {
    return KeyError(key, std::string("expected a string, got ") + TomlTypeName(*node));
  }
  ZFS_ASSIGN_OR_RETURN(*out, Substitute(key, node->as_string()->get()));
  return OkStatus();
}

Status TableReader::GetPath(std::string_view key, std::string* out) const {
  std::string raw = *out;
  ZFS_RETURN_IF_ERROR(GetString(key, &raw));
  Result<std::string> expanded = ExpandHome(raw, *env_);
  if (!expanded.ok()) return KeyError(key, expanded.error().context());
  *out = std::move(expanded).value();
  return OkStatus();
}

Status TableReader::GetBool(std::string_view key, bool* out, bool lenient_bool) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return OkStatus();
  if (node->is_boolean()) {
    *out = node->as_boolean()->get();
    return OkStatus();
  }
  if (lenient_bool && node->is_string()) {
    ZFS_ASSIGN_OR_RETURN(std::string s, Substitute(key, node->as_string()->get()));
    if (s == "true") {
      *out = true;
      return OkStatus();
    }
    if (s == "false") {
      *out = false;
      return OkStatus();
    }
    return KeyError(key, "expected true or false, got '" + s + "'");
  }
  return KeyError(key,
                  std::string("expected a boolean (true or false), got ") + TomlTypeName(*node));
}

Status TableReader::GetDouble(std::string_view key, double min, double max, double* out) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return OkStatus();
  double v;
  if (node->is_floating_point()) {
    v = node->as_floating_point()->get();
  } else if (node->is_integer()) {
    v = static_cast<double>(node->as_integer()->get());
  } else {
    return KeyError(key, std::string("expected a number, got ") + TomlTypeName(*node));
  }
  if (!std::isfinite(v)) return KeyError(key, "must be a finite number");
  if (v < min || v > max) {
    bool unbounded = max == std::numeric_limits<double>::max();
    return KeyError(key, RangeText(FormatNumber(min), FormatNumber(max), unbounded, v < min) +
                             ", got " + FormatNumber(v));
  }
  *out = v;
  return OkStatus();
}

Status TableReader::GetUint64(std::string_view key, uint64_t min, uint64_t max,
                              uint64_t* out) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return OkStatus();
  if (!node->is_integer()) {
    return KeyError(key, std::string("expected an integer, got ") + TomlTypeName(*node));
  }
  int64_t v = node->as_integer()->get();
  if (v < 0 || static_cast<uint64_t>(v) < min || static_cast<uint64_t>(v) > max) {
    bool unbounded =
        max == std::numeric_limits<uint64_t>::max() || max == std::numeric_limits<uint32_t>::max();
    bool below = v < 0 || static_cast<uint64_t>(v) < min;
    return KeyError(key, RangeText(std::to_string(min), std::to_string(max), unbounded, below) +
                             ", got " + std::to_string(v));
  }
  *out = static_cast<uint64_t>(v);
  return OkStatus();
}

Status TableReader::GetUint32(std::string_view key, uint32_t min, uint32_t max,
                              uint32_t* out) const {
  uint64_t v = *out;
  ZFS_RETURN_IF_ERROR(GetUint64(key, min, max, &v));
  *out = static_cast<uint32_t>(v);
  return OkStatus();
}

Status TableReader::GetStringArray(std::string_view key, std::vector<std::string>* out) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return OkStatus();
  if (!node->is_array()) {
    return KeyError(key, std::string("expected an array of strings, got ") + TomlTypeName(*node));
  }
  const toml::array& array = *node->as_array();
  std::vector<std::string> values;
  for (size_t i = 0; i < array.size(); ++i) {
    std::string item_key = std::string(key) + "[" + std::to_string(i) + "]";
    const toml::node& item = array[i];
    if (!item.is_string()) {
      return KeyError(item_key, std::string("expected a string, got ") + TomlTypeName(item));
    }
    ZFS_ASSIGN_OR_RETURN(std::string v, Substitute(item_key, item.as_string()->get()));
    values.push_back(std::move(v));
  }
  *out = std::move(values);
  return OkStatus();
}

Status TableReader::GetAddresses(std::string_view key, std::vector<ListenAddress>* out) const {
  if (!Has(key)) return OkStatus();
  std::vector<std::string> texts;
  ZFS_RETURN_IF_ERROR(GetStringArray(key, &texts));
  std::vector<ListenAddress> addresses;
  for (size_t i = 0; i < texts.size(); ++i) {
    Result<ListenAddress> a = ParseListenAddress(texts[i]);
    if (!a.ok()) {
      return KeyError(std::string(key) + "[" + std::to_string(i) + "]", a.error().context());
    }
    addresses.push_back(std::move(a).value());
  }
  *out = std::move(addresses);
  return OkStatus();
}

}  // namespace zerofs::config
