// Typed, validating access to one table of a parsed TOML document.
//
// Internal to the config layer. Every error is kInvalidArgument with a
// one-line context that starts with the full dotted key, e.g.
// "servers.nbd.addresses: expected an array of strings, got integer"; the
// loader prepends the file name.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "base/result.h"
#include "config/env_substitution.h"
#include "config/listen_address.h"

namespace zerofs::config {

// TOML's name for the type of `node` ("integer", "string", "table"...).
const char* TomlTypeName(const toml::node& node);

class TableReader {
 public:
  // `table` is null when the section is absent: present() is false and every
  // getter leaves its output untouched. `path` is the dotted name of the table
  // ("" for the document root).
  // REQUIRES: *table and *env outlive the reader.
  TableReader(const toml::table* table, std::string path, const EnvLookup* env)
      : table_(table), path_(std::move(path)), env_(env) {}

  bool present() const { return table_ != nullptr; }
  bool Has(std::string_view key) const;
  const std::string& path() const { return path_; }
  const EnvLookup& env() const { return *env_; }

  // "servers.nfs.addresses" for key "addresses".
  std::string KeyPath(std::string_view key) const;
  Error KeyError(std::string_view key, std::string_view msg) const;

  // Fails on the first key (in file order) that is not in `known`, calling it
  // an unknown section when its value is a table, and suggesting the closest
  // known name when one is a plausible typo.
  Status RejectUnknown(std::span<const std::string_view> known) const;

  // The sub-table `key`; a reader with present() == false when absent.
  // Fails when `key` holds something other than a table.
  Result<TableReader> Table(std::string_view key) const;

  // Getters: an absent key leaves *out untouched and succeeds; a value of the
  // wrong type or out of range fails naming the key.
  //
  // Strings have ${VAR} substituted (config/env_substitution.h).
  Status GetString(std::string_view key, std::string* out) const;
  // GetString, then home expansion ("~/x"). Also expands a default already
  // in *out when the key is absent, so defaults may use "~" too.
  Status GetPath(std::string_view key, std::string* out) const;
  // Also accepts the strings "true"/"false" when `lenient_bool` (the original
  // ZeroFS wrote aws.allow_http = "true").
  Status GetBool(std::string_view key, bool* out, bool lenient_bool = false) const;
  // Integers are accepted as floats. Values must be finite and in [min, max].
  Status GetDouble(std::string_view key, double min, double max, double* out) const;
  // Must be an integer in [min, max].
  Status GetUint64(std::string_view key, uint64_t min, uint64_t max, uint64_t* out) const;
  Status GetUint32(std::string_view key, uint32_t min, uint32_t max, uint32_t* out) const;
  Status GetStringArray(std::string_view key, std::vector<std::string>* out) const;
  // An array of "host:port" strings (config/listen_address.h).
  Status GetAddresses(std::string_view key, std::vector<ListenAddress>* out) const;

 private:
  const toml::node* Find(std::string_view key) const;
  Result<std::string> Substitute(std::string_view key, std::string_view raw) const;

  const toml::table* table_;
  std::string path_;
  const EnvLookup* env_;
};

}  // namespace zerofs::config
