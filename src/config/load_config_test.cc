#include "config/load_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace zerofs::config {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view kOrigin = "zerofs.toml";

EnvLookup FakeEnv(std::map<std::string, std::string> vars = {}) {
  vars.emplace("HOME", "/home/tester");
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// A valid file that tests extend with one more section or key.
constexpr std::string_view kMinimal = R"(
[storage]
url = "file:///srv/zerofs"
encryption_password = "secret"

[servers.nfs]
)";

Result<Config> Parse(std::string_view text, EnvLookup env = FakeEnv()) {
  return ParseConfig(text, kOrigin, env);
}

Config ParseOk(std::string_view text, EnvLookup env = FakeEnv()) {
  auto r = Parse(text, std::move(env));
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? *r : Config{};
}

// The one-line error context for `text`, which must fail to load.
std::string ErrorOf(std::string_view text, EnvLookup env = FakeEnv()) {
  auto r = Parse(text, std::move(env));
  EXPECT_FALSE(r.ok()) << "parsed unexpectedly:\n" << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.error().context().find('\n'), std::string::npos) << r.error().context();
  return r.error().context();
}

std::string WithMinimal(std::string_view extra) {
  return std::string(kMinimal) + "\n" + std::string(extra);
}

TEST(LoadConfigTest, MinimalFileGetsDefaults) {
  Config c = ParseOk(kMinimal);
  EXPECT_EQ(c.storage.url, "file:///srv/zerofs");
  EXPECT_EQ(c.storage.encryption_password, "secret");
  EXPECT_EQ(c.storage.compression, Compression::kZstd);
  EXPECT_EQ(c.storage.compression_level, 3);
  EXPECT_EQ(c.storage.segment_size_mb, 64u);
  EXPECT_EQ(c.storage.flush_interval_secs, 5u);
  EXPECT_EQ(c.storage.snapshot_interval_secs, 300u);
  EXPECT_EQ(c.cache.dir, "/home/tester/.cache/zerofs");
  EXPECT_EQ(c.cache.disk_size_gb, 10.0);
  EXPECT_EQ(c.cache.memory_size_gb, 1.0);
  EXPECT_EQ(c.cache.read_ahead_mb, 8u);
  EXPECT_EQ(c.filesystem.max_size_gb, 0.0);
  EXPECT_EQ(c.filesystem.write_buffer_mb, 256u);
  EXPECT_EQ(c.filesystem.reconnect_grace_secs, 90u);
  ASSERT_TRUE(c.servers.nfs.has_value());
  ASSERT_EQ(c.servers.nfs->addresses.size(), 1u);
  EXPECT_EQ(c.servers.nfs->addresses[0].ToString(), "127.0.0.1:2049");
  EXPECT_EQ(c.servers.nfs->write_mode, NfsWriteMode::kSync);
  EXPECT_FALSE(c.servers.ninep.has_value());
  EXPECT_FALSE(c.servers.nbd.has_value());
  EXPECT_FALSE(c.servers.webui.has_value());
  EXPECT_FALSE(c.servers.metrics.has_value());
  EXPECT_FALSE(c.aws.allow_http);
  EXPECT_TRUE(c.gc.enabled);
  EXPECT_EQ(c.gc.dead_ratio, 0.5);
  EXPECT_EQ(c.replication.mode, ReplicationMode::kWriter);
  EXPECT_TRUE(c.replication.peers.empty());
}

TEST(LoadConfigTest, ReadsEveryValue) {
  Config c = ParseOk(R"(
[cache]
dir = "/var/cache/zfs"
disk_size_gb = 20
memory_size_gb = 0.5
read_ahead_mb = 0
[storage]
url = "s3://bucket/prefix"
encryption_password = "pw"
compression = "zstd-19"
segment_size_mb = 128
flush_interval_secs = 30
snapshot_interval_secs = 600
[filesystem]
max_size_gb = 100.5
write_buffer_mb = 0
reconnect_grace_secs = 5
[servers.nfs]
addresses = ["0.0.0.0:2049", "[::]:2049"]
write_mode = "buffered"
[servers.ninep]
addresses = []
unix_socket = "~/9p.sock"
[servers.nbd]
unix_socket = "/run/nbd.sock"
busy_poll_us = 0
[servers.webui]
addresses = ["127.0.0.1:8000"]
[servers.metrics]
[aws]
access_key_id = "AK"
secret_access_key = "SK"
session_token = "ST"
endpoint = "http://127.0.0.1:9000"
default_region = "eu-west-1"
allow_http = true
[azure]
storage_account_name = "acct"
storage_account_key = "key"
sas_token = "sv=1&sig=x"
endpoint = "http://127.0.0.1:10000/devstoreaccount1"
allow_http = true
[gcp]
service_account_key = "{}"
application_credentials = "~/key.json"
[gc]
enabled = false
interval_secs = 120
dead_ratio = 0.75
max_bytes_per_pass_mb = 10
[replication]
mode = "standby"
peers = ["10.0.0.1:7000", "[fd00::1]:7000"]
)");
  EXPECT_EQ(c.cache.dir, "/var/cache/zfs");
  EXPECT_EQ(c.cache.disk_size_gb, 20.0);
  EXPECT_EQ(c.cache.memory_size_gb, 0.5);
  EXPECT_EQ(c.cache.read_ahead_mb, 0u);
  EXPECT_EQ(c.storage.url, "s3://bucket/prefix");
  EXPECT_EQ(c.storage.compression, Compression::kZstd);
  EXPECT_EQ(c.storage.compression_level, 19);
  EXPECT_EQ(c.storage.segment_size_mb, 128u);
  EXPECT_EQ(c.storage.flush_interval_secs, 30u);
  EXPECT_EQ(c.storage.snapshot_interval_secs, 600u);
  EXPECT_EQ(c.filesystem.max_size_gb, 100.5);
  EXPECT_EQ(c.filesystem.write_buffer_mb, 0u);
  EXPECT_EQ(c.filesystem.reconnect_grace_secs, 5u);
  ASSERT_EQ(c.servers.nfs->addresses.size(), 2u);
  EXPECT_EQ(c.servers.nfs->addresses[1].host, "::");
  EXPECT_EQ(c.servers.nfs->write_mode, NfsWriteMode::kBuffered);
  EXPECT_TRUE(c.servers.ninep->addresses.empty());
  EXPECT_EQ(c.servers.ninep->unix_socket, "/home/tester/9p.sock");
  EXPECT_TRUE(c.servers.nbd->addresses.empty()) << "a socket alone means no TCP listener";
  EXPECT_EQ(c.servers.nbd->unix_socket, "/run/nbd.sock");
  EXPECT_EQ(c.servers.nbd->busy_poll_us, 0u);
  EXPECT_EQ(c.servers.webui->addresses[0].port, 8000);
  ASSERT_TRUE(c.servers.metrics.has_value());
  EXPECT_EQ(c.servers.metrics->addresses[0].ToString(), "127.0.0.1:9464");
  EXPECT_EQ(c.aws.access_key_id, "AK");
  EXPECT_EQ(c.aws.secret_access_key, "SK");
  EXPECT_EQ(c.aws.session_token, "ST");
  EXPECT_EQ(c.aws.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(c.aws.default_region, "eu-west-1");
  EXPECT_TRUE(c.aws.allow_http);
  EXPECT_EQ(c.azure.storage_account_name, "acct");
  EXPECT_EQ(c.azure.storage_account_key, "key");
  EXPECT_EQ(c.azure.sas_token, "sv=1&sig=x");
  EXPECT_EQ(c.azure.endpoint, "http://127.0.0.1:10000/devstoreaccount1");
  EXPECT_TRUE(c.azure.allow_http);
  EXPECT_EQ(c.gcp.service_account_key, "{}");
  EXPECT_EQ(c.gcp.application_credentials, "/home/tester/key.json");
  EXPECT_FALSE(c.gc.enabled);
  EXPECT_EQ(c.gc.interval_secs, 120u);
  EXPECT_EQ(c.gc.dead_ratio, 0.75);
  EXPECT_EQ(c.gc.max_bytes_per_pass_mb, 10u);
  EXPECT_EQ(c.replication.mode, ReplicationMode::kStandby);
  ASSERT_EQ(c.replication.peers.size(), 2u);
  EXPECT_EQ(c.replication.peers[1].host, "fd00::1");
}

TEST(LoadConfigTest, ServerSectionsDefaultToLocalhost) {
  Config c = ParseOk(WithMinimal("[servers.ninep]\n[servers.nbd]\n[servers.webui]\n"));
  EXPECT_EQ(c.servers.ninep->addresses[0].ToString(), "127.0.0.1:5564");
  EXPECT_TRUE(c.servers.ninep->unix_socket.empty());
  EXPECT_EQ(c.servers.nbd->addresses[0].ToString(), "127.0.0.1:10809");
  EXPECT_EQ(c.servers.nbd->busy_poll_us, 50u);
  EXPECT_EQ(c.servers.webui->addresses[0].ToString(), "127.0.0.1:8080");
}

TEST(LoadConfigTest, NoServerSectionsMeansNoServers) {
  Config c = ParseOk("[storage]\nurl = \"file:///x\"\nencryption_password = \"p\"\n");
  EXPECT_FALSE(c.servers.nfs || c.servers.ninep || c.servers.nbd || c.servers.webui ||
               c.servers.metrics);
}

TEST(LoadConfigTest, DottedAndInlineTablesWork) {
  Config c = ParseOk(R"(
storage = { url = "file:///x", encryption_password = "p" }
servers.nbd.addresses = ["[::1]:10809"]
)");
  EXPECT_EQ(c.storage.url, "file:///x");
  EXPECT_EQ(c.servers.nbd->addresses[0].host, "::1");
}

TEST(LoadConfigTest, Ipv6Addresses) {
  Config c = ParseOk(WithMinimal("[servers.ninep]\naddresses = [\"[::1]:5564\", \"[::]:5565\"]\n"));
  ASSERT_EQ(c.servers.ninep->addresses.size(), 2u);
  EXPECT_EQ(c.servers.ninep->addresses[0].host, "::1");
  EXPECT_EQ(c.servers.ninep->addresses[0].port, 5564);
  EXPECT_EQ(c.servers.ninep->addresses[1].ToString(), "[::]:5565");
  EXPECT_EQ(ErrorOf(WithMinimal("[servers.ninep]\naddresses = [\"::1:5564\"]\n")),
            "zerofs.toml: servers.ninep.addresses[0]: invalid address '::1:5564': IPv6 "
            "addresses must be in brackets, e.g. [::1]:2049");
}

TEST(LoadConfigTest, SubstitutesEnvironmentVariables) {
  Config c = ParseOk(R"(
[storage]
url = "s3://${BUCKET}/${PREFIX}/data"
encryption_password = "${ZEROFS_PASSWORD}"
[servers.nfs]
addresses = ["${NFS_HOST}:${NFS_PORT}"]
[aws]
allow_http = "${ALLOW_HTTP}"
[cache]
dir = "${CACHE_ROOT}/zerofs"
)",
                     FakeEnv({{"BUCKET", "b"},
                              {"PREFIX", "p"},
                              {"ZEROFS_PASSWORD", "hunter2"},
                              {"NFS_HOST", "[::1]"},
                              {"NFS_PORT", "12049"},
                              {"ALLOW_HTTP", "true"},
                              {"CACHE_ROOT", "/tmp/c"}}));
  EXPECT_EQ(c.storage.url, "s3://b/p/data");
  EXPECT_EQ(c.storage.encryption_password, "hunter2");
  EXPECT_EQ(c.servers.nfs->addresses[0].ToString(), "[::1]:12049");
  EXPECT_TRUE(c.aws.allow_http);
  EXPECT_EQ(c.cache.dir, "/tmp/c/zerofs");
}

TEST(LoadConfigTest, DollarEscapeKeepsLiteral) {
  Config c = ParseOk(R"(
[storage]
url = "file:///x"
encryption_password = "a$${NOT_A_VAR}b$c"
)");
  EXPECT_EQ(c.storage.encryption_password, "a${NOT_A_VAR}b$c");
}

TEST(LoadConfigTest, UnsetVariableNamesVariableAndKey) {
  EXPECT_EQ(ErrorOf(R"(
[storage]
url = "file:///x"
encryption_password = "${ZEROFS_PASSWORD}"
)"),
            "zerofs.toml: storage.encryption_password: environment variable ZEROFS_PASSWORD is "
            "not set");
  EXPECT_EQ(ErrorOf(WithMinimal("[servers.nbd]\naddresses = [\"127.0.0.1:1\", \"${NBD}\"]\n")),
            "zerofs.toml: servers.nbd.addresses[1]: environment variable NBD is not set");
  EXPECT_EQ(ErrorOf(WithMinimal("[aws]\nendpoint = \"${A}\"\n")),
            "zerofs.toml: aws.endpoint: environment variable A is not set");
}

TEST(LoadConfigTest, UnknownKeysAreRejectedWithSuggestion) {
  EXPECT_EQ(ErrorOf(WithMinimal("adresses = [\"127.0.0.1:1\"]\n")),
            "zerofs.toml: unknown key 'servers.nfs.adresses' (did you mean 'addresses'?)");
  EXPECT_EQ(ErrorOf(WithMinimal("[storag]\nurl = \"x\"\n")),
            "zerofs.toml: unknown section 'storag' (did you mean 'storage'?)");
  EXPECT_EQ(ErrorOf(WithMinimal("[server.nbd]\n")),
            "zerofs.toml: unknown section 'server' (did you mean 'servers'?)");
  EXPECT_EQ(ErrorOf(WithMinimal("[servers.rpc]\n")), "zerofs.toml: unknown section 'servers.rpc'");
  EXPECT_EQ(ErrorOf(WithMinimal("[cache]\nsize_gb = 1\n")),
            "zerofs.toml: unknown key 'cache.size_gb'");
  EXPECT_EQ(ErrorOf(WithMinimal("[gc]\nenable = true\n")),
            "zerofs.toml: unknown key 'gc.enable' (did you mean 'enabled'?)");
}

TEST(LoadConfigTest, FirstUnknownKeyInFileOrderIsReported) {
  EXPECT_EQ(ErrorOf(WithMinimal("[cache]\nzzz = 1\naaa = 2\n")),
            "zerofs.toml: unknown key 'cache.zzz'");
}

TEST(LoadConfigTest, UnknownKeyIsReportedBeforeMissingRequiredKey) {
  EXPECT_EQ(ErrorOf("[storage]\nulr = \"file:///x\"\nencryption_password = \"p\"\n"),
            "zerofs.toml: unknown key 'storage.ulr' (did you mean 'url'?)");
}

TEST(LoadConfigTest, RootLevelKeyPointsToItsSection) {
  EXPECT_EQ(ErrorOf("url = \"file:///x\"\n" + WithMinimal("")),
            "zerofs.toml: unknown key 'url' (did you mean 'storage.url'?)");
}

TEST(LoadConfigTest, WrongTypesNameKeyAndTypes) {
  EXPECT_EQ(ErrorOf(WithMinimal("[servers.nbd]\naddresses = 10809\n")),
            "zerofs.toml: servers.nbd.addresses: expected an array of strings, got integer");
  EXPECT_EQ(ErrorOf(WithMinimal("[servers.nbd]\naddresses = [\"127.0.0.1:1\", 2]\n")),
            "zerofs.toml: servers.nbd.addresses[1]: expected a string, got integer");
  EXPECT_EQ(ErrorOf(WithMinimal("[cache]\ndisk_size_gb = \"10\"\n")),
            "zerofs.toml: cache.disk_size_gb: expected a number, got string");
  EXPECT_EQ(ErrorOf("[storage]\nencryption_password = \"p\"\n[storage.url]\n"),
            "zerofs.toml: storage.url: expected a string, got table");
  EXPECT_EQ(ErrorOf(WithMinimal("[gc]\nenabled = 1\n")),
            "zerofs.toml: gc.enabled: expected a boolean (true or false), got integer");
  EXPECT_EQ(ErrorOf(WithMinimal("[gc]\ninterval_secs = 1.5\n")),
            "zerofs.toml: gc.interval_secs: expected an integer, got float");
  EXPECT_EQ(ErrorOf("cache = 3\n" + WithMinimal("")),
            "zerofs.toml: cache: expected a table, got integer");
  EXPECT_EQ(ErrorOf(WithMinimal("[[servers.ninep]]\n")),
            "zerofs.toml: servers.ninep: expected a table, got array");
  EXPECT_EQ(ErrorOf(WithMinimal("[aws]\nallow_http = \"yes\"\n")),
            "zerofs.toml: aws.allow_http: expected true or false, got 'yes'");
}

TEST(LoadConfigTest, SyntaxErrorsGiveLineAndColumn) {
  std::string e = ErrorOf("[storage]\nurl = \"file:///x\"\nencryption_password = \n");
  EXPECT_THAT(e, StartsWith("zerofs.toml:3:"));
  EXPECT_GT(e.size(), std::string("zerofs.toml:3:1: ").size());
  EXPECT_THAT(ErrorOf("[storage\n"), StartsWith("zerofs.toml:1:"));
  // Duplicate keys are a TOML error too.
  EXPECT_THAT(ErrorOf(WithMinimal("[cache]\ndir = \"/a\"\ndir = \"/b\"\n")),
              StartsWith("zerofs.toml:10:"));
}

TEST(LoadConfigTest, StorageIsRequired) {
  EXPECT_EQ(ErrorOf("[servers.nfs]\n"),
            "zerofs.toml: missing [storage] section (storage.url and "
            "storage.encryption_password are required)");
  EXPECT_EQ(ErrorOf(""),
            "zerofs.toml: missing [storage] section (storage.url and "
            "storage.encryption_password are required)");
  EXPECT_THAT(ErrorOf("[storage]\nencryption_password = \"p\"\n"),
              StartsWith("zerofs.toml: storage.url: required key is missing"));
  EXPECT_THAT(ErrorOf("[storage]\nurl = \"file:///x\"\n"),
              StartsWith("zerofs.toml: storage.encryption_password: required key is missing"));
  EXPECT_EQ(ErrorOf("[storage]\nurl = \"\"\nencryption_password = \"p\"\n"),
            "zerofs.toml: storage.url: must not be empty");
  EXPECT_EQ(ErrorOf("[storage]\nurl = \"file:///x\"\nencryption_password = \"${E}\"\n",
                    FakeEnv({{"E", ""}})),
            "zerofs.toml: storage.encryption_password: must not be empty");
}

TEST(LoadConfigTest, StorageUrlForms) {
  auto url_error = [](const std::string& url) {
    return ErrorOf("[storage]\nurl = \"" + url + "\"\nencryption_password = \"p\"\n");
  };
  EXPECT_THAT(url_error("/srv/zerofs"), HasSubstr("expected a URL such as file:///srv/zerofs"));
  EXPECT_THAT(url_error("ftp://x/y"), HasSubstr("unsupported scheme 'ftp://'"));
  EXPECT_THAT(url_error("file://relative/path"), HasSubstr("needs an absolute path"));
  EXPECT_EQ(url_error("s3://"), "zerofs.toml: storage.url: missing bucket name after 's3://'");
  for (const char* ok : {"s3://b", "gs://b/p", "az://c/p", "file:///"}) {
    EXPECT_TRUE(
        Parse(std::string("[storage]\nurl = \"") + ok + "\"\nencryption_password = \"p\"\n").ok())
        << ok;
  }
  Config c = ParseOk("[storage]\nurl = \"file://~/data\"\nencryption_password = \"p\"\n");
  EXPECT_EQ(c.storage.url, "file:///home/tester/data");
}

TEST(LoadConfigTest, CompressionValues) {
  auto with = [](const std::string& v) {
    return "[storage]\nurl = \"file:///x\"\nencryption_password = \"p\"\ncompression = \"" + v +
           "\"\n";
  };
  EXPECT_EQ(ParseOk(with("lz4")).storage.compression, Compression::kLz4);
  EXPECT_EQ(ParseOk(with("none")).storage.compression, Compression::kNone);
  EXPECT_EQ(ParseOk(with("zstd-1")).storage.compression_level, 1);
  EXPECT_EQ(ParseOk(with("zstd-22")).storage.compression_level, 22);
  EXPECT_EQ(ErrorOf(with("gzip")),
            "zerofs.toml: storage.compression: unknown compression 'gzip' (expected \"zstd\", "
            "\"zstd-N\", \"lz4\" or \"none\")");
  for (const char* bad : {"zstd-0", "zstd-23", "zstd-", "zstd-x", "zstd-100"}) {
    EXPECT_THAT(ErrorOf(with(bad)), HasSubstr("bad zstd level")) << bad;
  }
}

TEST(LoadConfigTest, NumbersAreRangeChecked) {
  EXPECT_EQ(ErrorOf(WithMinimal("[cache]\ndisk_size_gb = -1\n")),
            "zerofs.toml: cache.disk_size_gb: must be at least 0, got -1");
  EXPECT_EQ(ErrorOf(WithMinimal("[cache]\nread_ahead_mb = 2000\n")),
            "zerofs.toml: cache.read_ahead_mb: must be between 0 and 1024, got 2000");
  EXPECT_EQ(ErrorOf(WithMinimal("[servers.nbd]\nbusy_poll_us = 20000\n")),
            "zerofs.toml: servers.nbd.busy_poll_us: must be between 0 and 10000, got 20000");
  EXPECT_EQ(ErrorOf(WithMinimal("[filesystem]\nwrite_buffer_mb = -1\n")),
            "zerofs.toml: filesystem.write_buffer_mb: must be between 0 and 65536, got -1");
  EXPECT_EQ(ErrorOf(WithMinimal("[filesystem]\nreconnect_grace_secs = 86401\n")),
            "zerofs.toml: filesystem.reconnect_grace_secs: must be between 0 and 86400, got 86401");
  EXPECT_EQ(ErrorOf(WithMinimal("[cache]\nmemory_size_gb = -0.5\n")),
            "zerofs.toml: cache.memory_size_gb: must be at least 0, got -0.5");
  EXPECT_EQ(ErrorOf(WithMinimal("[cache]\nmemory_size_gb = nan\n")),
            "zerofs.toml: cache.memory_size_gb: must be a finite number");
  EXPECT_EQ(ErrorOf(WithMinimal("[filesystem]\nmax_size_gb = inf\n")),
            "zerofs.toml: filesystem.max_size_gb: must be a finite number");
  EXPECT_EQ(ErrorOf(WithMinimal("[gc]\ndead_ratio = 1.5\n")),
            "zerofs.toml: gc.dead_ratio: must be between 0 and 1, got 1.5");
  EXPECT_EQ(ErrorOf(WithMinimal("[gc]\ninterval_secs = 0\n")),
            "zerofs.toml: gc.interval_secs: must be at least 1, got 0");
  EXPECT_EQ(ErrorOf(WithMinimal("[gc]\ninterval_secs = 5000000000\n")),
            "zerofs.toml: gc.interval_secs: must be between 1 and 4294967295, got 5000000000");
  EXPECT_EQ(ErrorOf("[storage]\nurl = \"file:///x\"\nencryption_password = \"p\"\n"
                    "segment_size_mb = 5000\n"),
            "zerofs.toml: storage.segment_size_mb: must be between 1 and 4096, got 5000");
  EXPECT_EQ(ErrorOf("[storage]\nurl = \"file:///x\"\nencryption_password = \"p\"\n"
                    "flush_interval_secs = -3\n"),
            "zerofs.toml: storage.flush_interval_secs: must be at least 1, got -3");
}

TEST(LoadConfigTest, AddressesAreValidated) {
  EXPECT_EQ(ErrorOf(WithMinimal("[servers.nbd]\naddresses = [\"127.0.0.1:0\"]\n")),
            "zerofs.toml: servers.nbd.addresses[0]: invalid address '127.0.0.1:0': port must be "
            "in 1..65535");
  EXPECT_EQ(ErrorOf(WithMinimal("[servers.nbd]\naddresses = [\"127.0.0.1:70000\"]\n")),
            "zerofs.toml: servers.nbd.addresses[0]: invalid address '127.0.0.1:70000': port must "
            "be in 1..65535");
  EXPECT_EQ(ErrorOf(WithMinimal("[servers.webui]\naddresses = [\"localhost\"]\n")),
            "zerofs.toml: servers.webui.addresses[0]: invalid address 'localhost': expected "
            "HOST:PORT (IPv6 as [ADDRESS]:PORT)");
  EXPECT_THAT(ErrorOf(WithMinimal("[replication]\npeers = [\"x\"]\n")),
              StartsWith("zerofs.toml: replication.peers[0]: invalid address 'x'"));
}

TEST(LoadConfigTest, ServersNeedSomewhereToListen) {
  EXPECT_EQ(ErrorOf("[storage]\nurl = \"file:///x\"\nencryption_password = \"p\"\n"
                    "[servers.nfs]\naddresses = []\n"),
            "zerofs.toml: servers.nfs.addresses: is empty; list at least one \"host:port\", or "
            "remove [servers.nfs] to disable the NFS server");
  EXPECT_THAT(ErrorOf(WithMinimal("[servers.nbd]\nunix_socket = \"\"\n")),
              StartsWith("zerofs.toml: servers.nbd.unix_socket: must not be empty"));
  EXPECT_EQ(
      ErrorOf(WithMinimal("[servers.nbd]\nunix_socket = \"/" + std::string(120, 'a') + "\"\n")),
      "zerofs.toml: servers.nbd.unix_socket: path is 121 bytes; a Unix socket path may have "
      "at most 107");
}

TEST(LoadConfigTest, ServersCannotShareAnAddress) {
  EXPECT_EQ(ErrorOf(WithMinimal("[servers.nbd]\naddresses = [\"127.0.0.1:2049\"]\n")),
            "zerofs.toml: servers.nbd.addresses[0]: 127.0.0.1:2049 is already used by "
            "servers.nfs.addresses[0]");
  EXPECT_EQ(ErrorOf(WithMinimal("[servers.ninep]\nunix_socket = \"/s\"\n"
                                "[servers.nbd]\nunix_socket = \"/s\"\n")),
            "zerofs.toml: servers.nbd.unix_socket: unix:/s is already used by "
            "servers.ninep.unix_socket");
  EXPECT_THAT(ErrorOf(WithMinimal("[servers.ninep]\naddresses = [\"[::1]:1\", \"[::1]:1\"]\n")),
              HasSubstr("servers.ninep.addresses[1]: [::1]:1 is already used by "
                        "servers.ninep.addresses[0]"));
}

TEST(LoadConfigTest, NfsWriteMode) {
  EXPECT_EQ(ErrorOf(WithMinimal("write_mode = \"async\"\n")),
            "zerofs.toml: servers.nfs.write_mode: unknown mode 'async' (expected \"sync\" or "
            "\"buffered\")");
}

TEST(LoadConfigTest, OriginalZeroFsStringBooleanIsAccepted) {
  Config c =
      ParseOk(WithMinimal("[aws]\nendpoint = \"http://minio:9000\"\nallow_http = \"true\"\n"));
  EXPECT_TRUE(c.aws.allow_http);
  EXPECT_EQ(ErrorOf(WithMinimal("[aws]\nendpoint = \"http://minio:9000\"\n")),
            "zerofs.toml: aws.endpoint: is plain http://; set aws.allow_http = true to allow it");
}

TEST(LoadConfigTest, ReplicationMode) {
  EXPECT_EQ(ParseOk(WithMinimal("[replication]\nmode = \"replica\"\n")).replication.mode,
            ReplicationMode::kReplica);
  EXPECT_EQ(ErrorOf(WithMinimal("[replication]\nmode = \"leader\"\n")),
            "zerofs.toml: replication.mode: unknown mode 'leader' (expected \"writer\", "
            "\"replica\" or \"standby\")");
}

TEST(LoadConfigTest, ErrorsAreOneLineEvenForOddKeys) {
  std::string e = ErrorOf(WithMinimal("[cache]\n\"a\\nb\" = 1\n"));
  EXPECT_EQ(e, "zerofs.toml: unknown key 'cache.a b'");
}

class LoadConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/zerofs_config_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::remove((dir_ + "/zerofs.toml").c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(LoadConfigFileTest, LoadsFileAndNamesItInErrors) {
  std::string path = dir_ + "/zerofs.toml";
  std::ofstream(path) << kMinimal << "bogus = 1\n";
  auto r = LoadConfig(path, FakeEnv());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().context(), path + ": unknown key 'servers.nfs.bogus'");
  std::ofstream(path) << kMinimal;
  auto ok = LoadConfig(path, FakeEnv());
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(ok->storage.url, "file:///srv/zerofs");
}

TEST_F(LoadConfigFileTest, MissingFileIsNotFound) {
  auto r = LoadConfig(dir_ + "/absent.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kNotFound);
  EXPECT_EQ(r.error().context(), dir_ + "/absent.toml: cannot open: No such file or directory");
}

TEST_F(LoadConfigFileTest, DirectoryIsAnIoError) {
  auto r = LoadConfig(dir_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().context(), dir_ + ": cannot read: Is a directory");
}

TEST(KnownKeysTest, ListsDottedKeys) {
  std::vector<std::string> keys = KnownKeys();
  EXPECT_THAT(keys, ::testing::Contains("servers.nfs.addresses"));
  EXPECT_THAT(keys, ::testing::Contains("storage.encryption_password"));
  EXPECT_THAT(keys, ::testing::Contains("aws.allow_http"));
  EXPECT_THAT(keys, ::testing::Contains("filesystem.reconnect_grace_secs"));
  EXPECT_EQ(keys.size(), 43u);
}

}  // namespace
}  // namespace zerofs::config
