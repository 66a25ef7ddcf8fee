// The NBD server driven by libnbd, the reference client library: export
// discovery, negotiated sizes and flags, data commands and their error
// replies, concurrency, multi-conn and durability across restarts.
#include <libnbd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "nbd_harness.h"

namespace zerofs::nbd::testing {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

int ListCallback(void* user, const char* name, const char* /*description*/) {
  static_cast<std::vector<std::string>*>(user)->push_back(name);
  return 0;
}

std::string Read(nbd_handle* h, uint64_t offset, size_t n) {
  std::string buf(n, '\0');
  EXPECT_EQ(nbd_pread(h, buf.data(), n, offset, 0), 0) << NbdError();
  return buf;
}

void Write(nbd_handle* h, uint64_t offset, const std::string& data, uint32_t flags = 0) {
  ASSERT_EQ(nbd_pwrite(h, data.data(), data.size(), offset, flags), 0) << NbdError();
}

class NbdLibnbdTest : public NbdServerTest {
 protected:
  std::vector<std::string> ListExports(nbd_handle* h) {
    std::vector<std::string> names;
    EXPECT_EQ(nbd_set_opt_mode(h, true), 0);
    EXPECT_EQ(ConnectTcp(h), 0) << NbdError();
    nbd_list_callback cb = {.callback = ListCallback, .user_data = &names, .free = nullptr};
    EXPECT_NE(nbd_opt_list(h, cb), -1) << NbdError();
    nbd_opt_abort(h);
    std::sort(names.begin(), names.end());
    return names;
  }

  // The file's bytes as the filesystem sees them.
  std::string FileBytes(fs::InodeId ino, uint64_t offset, uint64_t n) {
    auto r = fs()->Read(fs::Cred::Root(), ino, offset, n);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? r->data : std::string();
  }
};

TEST_F(NbdLibnbdTest, ExportsDirectoryIsCreatedOnStartup) {
  auto attr = fs()->Lookup(fs::Cred::Root(), fs::kRootInode, ".nbd");
  ASSERT_TRUE(attr.ok()) << attr.error().ToString();
  EXPECT_EQ(attr->type, fs::FileType::kDirectory);
  EXPECT_EQ(attr->mode, 0755u);
  EXPECT_EQ(attr->uid, 0u);
}

TEST_F(NbdLibnbdTest, ListShowsRegularFilesOnly) {
  MakeExport("vol1", kMiB);
  MakeExport("vol2", 2 * kMiB);
  ASSERT_TRUE(fs()->Mkdir(fs::Cred::Root(), ExportsDir(), "subdir", 0755).ok());
  ASSERT_TRUE(fs()->Symlink(fs::Cred::Root(), ExportsDir(), "link", "vol1").ok());
  Handle h = NewHandle("");
  EXPECT_EQ(ListExports(h.get()), (std::vector<std::string>{"vol1", "vol2"}));
}

TEST_F(NbdLibnbdTest, ListOfEmptyDirectoryIsEmpty) {
  Handle h = NewHandle("");
  EXPECT_TRUE(ListExports(h.get()).empty());
}

TEST_F(NbdLibnbdTest, GoReportsSizeBlockSizesAndFlags) {
  MakeExport("vol1", 3 * kMiB + 512);
  Handle h = Connect("vol1");
  EXPECT_EQ(nbd_get_size(h.get()), static_cast<int64_t>(3 * kMiB + 512));
  EXPECT_EQ(nbd_get_block_size(h.get(), LIBNBD_SIZE_MINIMUM), 1);
  EXPECT_EQ(nbd_get_block_size(h.get(), LIBNBD_SIZE_PREFERRED), 32 * 1024);
  EXPECT_EQ(nbd_get_block_size(h.get(), LIBNBD_SIZE_MAXIMUM), 32 * 1024 * 1024);
  EXPECT_EQ(nbd_get_structured_replies_negotiated(h.get()), 1);
  EXPECT_EQ(nbd_is_read_only(h.get()), 0);
  EXPECT_EQ(nbd_can_flush(h.get()), 1);
  EXPECT_EQ(nbd_can_fua(h.get()), 1);
  EXPECT_EQ(nbd_can_trim(h.get()), 1);
  EXPECT_EQ(nbd_can_zero(h.get()), 1);
  EXPECT_EQ(nbd_can_fast_zero(h.get()), 1);
  EXPECT_EQ(nbd_can_cache(h.get()), 1);
  EXPECT_EQ(nbd_can_multi_conn(h.get()), 1);
  EXPECT_EQ(nbd_can_df(h.get()), 1);
  EXPECT_EQ(nbd_can_meta_context(h.get(), "base:allocation"), 0);
}

TEST_F(NbdLibnbdTest, FullInfoReportsNameAndDescription) {
  MakeExport("vol1", kMiB);
  Handle h = NewHandle("vol1");
  ASSERT_EQ(nbd_set_full_info(h.get(), true), 0);
  ASSERT_EQ(ConnectTcp(h.get()), 0) << NbdError();
  char* name = nbd_get_canonical_export_name(h.get());
  char* description = nbd_get_export_description(h.get());
  ASSERT_NE(name, nullptr) << NbdError();
  ASSERT_NE(description, nullptr) << NbdError();
  EXPECT_STREQ(name, "vol1");
  EXPECT_STREQ(description, "ZeroFS block device /.nbd/vol1");
  free(name);
  free(description);
}

TEST_F(NbdLibnbdTest, InfoDoesNotAttach) {
  MakeExport("vol1", kMiB);
  Handle h = NewHandle("vol1");
  ASSERT_EQ(nbd_set_opt_mode(h.get(), true), 0);
  ASSERT_EQ(ConnectTcp(h.get()), 0) << NbdError();
  ASSERT_EQ(nbd_opt_info(h.get()), 0) << NbdError();
  EXPECT_EQ(nbd_get_size(h.get()), static_cast<int64_t>(kMiB));
  EXPECT_EQ(fs()->OpenInodeCount(), 0u);
  ASSERT_EQ(nbd_set_export_name(h.get(), "nope"), 0);
  EXPECT_EQ(nbd_opt_info(h.get()), -1);
  ASSERT_EQ(nbd_set_export_name(h.get(), "vol1"), 0);
  ASSERT_EQ(nbd_opt_go(h.get()), 0) << NbdError();
  EXPECT_EQ(fs()->OpenInodeCount(), 1u);
}

TEST_F(NbdLibnbdTest, UnknownExportIsRefusedAndServerKeepsServing) {
  MakeExport("vol1", kMiB);
  Handle bad = NewHandle("missing");
  EXPECT_EQ(ConnectTcp(bad.get()), -1);
  Handle dir = NewHandle("..");
  EXPECT_EQ(ConnectTcp(dir.get()), -1);
  Handle good = Connect("vol1");
  EXPECT_EQ(nbd_get_size(good.get()), static_cast<int64_t>(kMiB));
}

TEST_F(NbdLibnbdTest, WriteThenReadOverTcpAndUnixSocket) {
  fs::InodeId ino = MakeExport("vol1", 4 * kMiB);
  for (bool unix_socket : {false, true}) {
    SCOPED_TRACE(unix_socket ? "unix" : "tcp");
    Handle h = Connect("vol1", true, unix_socket);
    std::string data = RandomBytes(kMiB + 123, unix_socket ? 2 : 1);
    const uint64_t offset = 12345 + (unix_socket ? kMiB : 0);
    Write(h.get(), offset, data);
    EXPECT_EQ(Read(h.get(), offset, data.size()), data);
    EXPECT_EQ(FileBytes(ino, offset, data.size()), data);
  }
}

TEST_F(NbdLibnbdTest, SimpleRepliesWithoutStructuredReplies) {
  MakeExport("vol1", kMiB);
  Handle h = Connect("vol1", /*structured=*/false);
  EXPECT_EQ(nbd_get_structured_replies_negotiated(h.get()), 0);
  EXPECT_EQ(nbd_can_df(h.get()), 0);
  std::string data = RandomBytes(4096, 3);
  Write(h.get(), 512, data);
  EXPECT_EQ(Read(h.get(), 512, 4096), data);
  EXPECT_EQ(Read(h.get(), kMiB - 10, 10), std::string(10, '\0'));
}

TEST_F(NbdLibnbdTest, UnwrittenAreasReadAsZeros) {
  MakeExport("vol1", 8 * kMiB);
  Handle h = Connect("vol1");
  EXPECT_EQ(Read(h.get(), 5 * kMiB + 7, 70000), std::string(70000, '\0'));
}

TEST_F(NbdLibnbdTest, RequestsPastTheEndAreRefused) {
  MakeExport("vol1", kMiB);
  for (bool structured : {true, false}) {
    SCOPED_TRACE(structured ? "structured" : "simple");
    Handle h = NewHandle("vol1", structured);
    ASSERT_EQ(nbd_set_strict_mode(h.get(), 0), 0);  // let the server judge
    ASSERT_EQ(ConnectTcp(h.get()), 0) << NbdError();
    char buf[1024] = {};
    EXPECT_EQ(nbd_pread(h.get(), buf, 1024, kMiB - 512, 0), -1);
    EXPECT_EQ(nbd_get_errno(), EINVAL);
    EXPECT_EQ(nbd_pwrite(h.get(), buf, 1024, kMiB - 512, 0), -1);
    EXPECT_EQ(nbd_get_errno(), ENOSPC);
    EXPECT_EQ(nbd_zero(h.get(), 1024, kMiB, 0), -1);
    EXPECT_EQ(nbd_get_errno(), ENOSPC);
    EXPECT_EQ(nbd_trim(h.get(), 1024, kMiB, 0), -1);
    EXPECT_EQ(nbd_get_errno(), EINVAL);
    EXPECT_EQ(nbd_cache(h.get(), 2 * kMiB, 0, 0), -1);
    EXPECT_EQ(nbd_get_errno(), EINVAL);
    // The connection is still good, and the file did not grow.
    EXPECT_EQ(nbd_pread(h.get(), buf, 512, kMiB - 512, 0), 0) << NbdError();
  }
  auto attr = fs()->Lookup(fs::Cred::Root(), ExportsDir(), "vol1");
  ASSERT_TRUE(attr.ok());
  EXPECT_EQ(attr->size, kMiB);
}

TEST_F(NbdLibnbdTest, OversizedReadAndWriteAreRefused) {
  MakeExport("vol1", 64 * kMiB);
  const size_t n = 32 * kMiB + 4096;
  std::string buf(n, 'x');
  for (bool structured : {true, false}) {
    SCOPED_TRACE(structured ? "structured" : "simple");
    Handle h = NewHandle("vol1", structured);
    ASSERT_EQ(nbd_set_strict_mode(h.get(), 0), 0);
    ASSERT_EQ(ConnectTcp(h.get()), 0) << NbdError();
    const int want = structured ? EOVERFLOW : EINVAL;
    EXPECT_EQ(nbd_pread(h.get(), buf.data(), n, 0, 0), -1);
    EXPECT_EQ(nbd_get_errno(), want);
    EXPECT_EQ(nbd_pwrite(h.get(), buf.data(), n, 0, 0), -1);
    EXPECT_EQ(nbd_get_errno(), want);
    // The refused payload was skipped; the stream is still in sync.
    Write(h.get(), 0, "hello");
    EXPECT_EQ(Read(h.get(), 0, 5), "hello");
    // Commands without payload may be larger than the maximum.
    EXPECT_EQ(nbd_zero(h.get(), 48 * kMiB, 0, 0), 0) << NbdError();
  }
}

TEST_F(NbdLibnbdTest, TrimAndZeroPunchHolesThatReadAsZeros) {
  fs::InodeId ino = MakeExport("vol1", 4 * kMiB);
  Handle h = Connect("vol1");
  std::string data = RandomBytes(2 * kMiB, 7);
  Write(h.get(), 0, data);
  const uint64_t before = env_->engine()->Stats().live_logical_bytes;
  EXPECT_GE(before, 2 * kMiB);

  ASSERT_EQ(nbd_trim(h.get(), kMiB, 0, 0), 0) << NbdError();  // whole extents
  ASSERT_EQ(nbd_zero(h.get(), kMiB / 2, kMiB, 0), 0) << NbdError();
  ASSERT_EQ(nbd_zero(h.get(), 100, kMiB + kMiB / 2 + 1, 0), 0) << NbdError();  // partial
  std::string want = data;
  std::fill_n(want.begin(), kMiB + kMiB / 2, '\0');
  std::fill_n(want.begin() + kMiB + kMiB / 2 + 1, 100, '\0');
  EXPECT_EQ(Read(h.get(), 0, want.size()), want);
  EXPECT_EQ(FileBytes(ino, 0, want.size()), want);
  // The punched extents hold no data any more: the space is reclaimable.
  const uint64_t after = env_->engine()->Stats().live_logical_bytes;
  EXPECT_LE(after, before - kMiB - kMiB / 2) << "before " << before << " after " << after;
  auto attr = fs()->GetAttr(ino);
  ASSERT_TRUE(attr.ok());
  EXPECT_EQ(attr->size, 4 * kMiB);  // size unchanged
}

TEST_F(NbdLibnbdTest, ZeroWithNoHoleAndFastZero) {
  MakeExport("vol1", 2 * kMiB);
  Handle h = Connect("vol1");
  std::string data = RandomBytes(kMiB, 9);
  Write(h.get(), 0, data);
  ASSERT_EQ(nbd_zero(h.get(), 4096, 100, LIBNBD_CMD_FLAG_NO_HOLE), 0) << NbdError();
  ASSERT_EQ(nbd_zero(h.get(), 65536, 8192, LIBNBD_CMD_FLAG_FAST_ZERO), 0) << NbdError();
  ASSERT_EQ(nbd_zero(h.get(), 1000, 200000,
                     LIBNBD_CMD_FLAG_FAST_ZERO | LIBNBD_CMD_FLAG_NO_HOLE | LIBNBD_CMD_FLAG_FUA),
            0)
      << NbdError();
  std::fill_n(data.begin() + 100, 4096, '\0');
  std::fill_n(data.begin() + 8192, 65536, '\0');
  std::fill_n(data.begin() + 200000, 1000, '\0');
  EXPECT_EQ(Read(h.get(), 0, data.size()), data);
}

TEST_F(NbdLibnbdTest, CacheSucceeds) {
  MakeExport("vol1", 100 * kMiB);
  Handle h = Connect("vol1");
  Write(h.get(), 0, RandomBytes(kMiB, 1));
  EXPECT_EQ(nbd_cache(h.get(), 100 * kMiB, 0, 0), 0) << NbdError();
}

TEST_F(NbdLibnbdTest, ManyConcurrentRequests) {
  constexpr int kRequests = 256;
  constexpr size_t kChunk = 64 * 1024;
  MakeExport("vol1", kRequests * kChunk);
  Handle h = Connect("vol1");
  std::vector<std::string> chunks;
  for (int i = 0; i < kRequests; i++) chunks.push_back(RandomBytes(kChunk, 100 + i));
  std::vector<int64_t> cookies;
  for (int i = 0; i < kRequests; i++) {
    // Every fourth write asks for FUA, so durable and fast writes interleave.
    uint32_t flags = (i % 4 == 0) ? LIBNBD_CMD_FLAG_FUA : 0;
    int64_t c =
        nbd_aio_pwrite(h.get(), chunks[i].data(), kChunk, i * kChunk, NBD_NULL_COMPLETION, flags);
    ASSERT_GT(c, 0) << NbdError();
    cookies.push_back(c);
  }
  auto wait_all = [&] {
    while (nbd_aio_in_flight(h.get()) > 0) ASSERT_NE(nbd_poll(h.get(), -1), -1) << NbdError();
    for (int64_t c : cookies) ASSERT_EQ(nbd_aio_command_completed(h.get(), c), 1) << NbdError();
    cookies.clear();
  };
  wait_all();
  std::vector<std::string> got(kRequests, std::string(kChunk, '\0'));
  for (int i = kRequests - 1; i >= 0; i--) {
    int64_t c = nbd_aio_pread(h.get(), got[i].data(), kChunk, i * kChunk, NBD_NULL_COMPLETION, 0);
    ASSERT_GT(c, 0) << NbdError();
    cookies.push_back(c);
  }
  wait_all();
  for (int i = 0; i < kRequests; i++) EXPECT_EQ(got[i], chunks[i]) << "chunk " << i;
}

TEST_F(NbdLibnbdTest, MultiConnSeeEachOthersWritesAndOneFlushCoversAll) {
  MakeExport("vol1", 4 * kMiB);
  Handle a = Connect("vol1");
  Handle b = Connect("vol1", true, /*unix_socket=*/true);
  std::string from_a = RandomBytes(kMiB, 11), from_b = RandomBytes(kMiB, 12);
  Write(a.get(), 0, from_a);
  Write(b.get(), kMiB, from_b);
  EXPECT_EQ(Read(b.get(), 0, kMiB), from_a);
  EXPECT_EQ(Read(a.get(), kMiB, kMiB), from_b);
  ASSERT_EQ(nbd_flush(b.get(), 0), 0) << NbdError();  // covers a's write too
  a.reset();
  b.reset();
  RestartAll(/*clean=*/false);
  Handle c = Connect("vol1");
  EXPECT_EQ(Read(c.get(), 0, kMiB), from_a);
  EXPECT_EQ(Read(c.get(), kMiB, kMiB), from_b);
}

TEST_F(NbdLibnbdTest, FuaWriteSurvivesCrash) {
  MakeExport("vol1", kMiB);
  std::string data = RandomBytes(100000, 21);
  {
    Handle h = Connect("vol1");
    Write(h.get(), 777, data, LIBNBD_CMD_FLAG_FUA);
  }
  RestartAll(/*clean=*/false);
  Handle h = Connect("vol1");
  EXPECT_EQ(Read(h.get(), 777, data.size()), data);
}

TEST_F(NbdLibnbdTest, FlushedTrimSurvivesCrash) {
  MakeExport("vol1", kMiB);
  {
    Handle h = Connect("vol1");
    Write(h.get(), 0, RandomBytes(kMiB, 5));
    ASSERT_EQ(nbd_trim(h.get(), kMiB, 0, LIBNBD_CMD_FLAG_FUA), 0) << NbdError();
  }
  RestartAll(/*clean=*/false);
  Handle h = Connect("vol1");
  EXPECT_EQ(Read(h.get(), 0, kMiB), std::string(kMiB, '\0'));
}

TEST_F(NbdLibnbdTest, ResizeBetweenConnections) {
  fs::InodeId ino = MakeExport("vol1", kMiB);
  {
    Handle h = Connect("vol1");
    EXPECT_EQ(nbd_get_size(h.get()), static_cast<int64_t>(kMiB));
    Write(h.get(), kMiB - 5, "tail!");
  }
  fs::SetAttrRequest grow;
  grow.size = 10 * kMiB;
  ASSERT_TRUE(fs()->SetAttr(fs::Cred::Root(), ino, grow).ok());
  {
    Handle h = Connect("vol1");
    EXPECT_EQ(nbd_get_size(h.get()), static_cast<int64_t>(10 * kMiB));
    EXPECT_EQ(Read(h.get(), kMiB - 5, 5), "tail!");
    Write(h.get(), 10 * kMiB - 1, "z");
  }
  fs::SetAttrRequest shrink;
  shrink.size = 512;
  ASSERT_TRUE(fs()->SetAttr(fs::Cred::Root(), ino, shrink).ok());
  Handle h = Connect("vol1");
  EXPECT_EQ(nbd_get_size(h.get()), 512);
}

TEST_F(NbdLibnbdTest, DeleteWhileAttachedKeepsServingTheOrphan) {
  MakeExport("vol1", kMiB);
  MakeExport("vol2", kMiB);
  Handle h1 = Connect("vol1");
  Handle h2 = Connect("vol2");
  std::string d1 = RandomBytes(4096, 31), d2 = RandomBytes(4096, 32);
  Write(h1.get(), 0, d1);
  Write(h2.get(), 0, d2);
  ASSERT_TRUE(fs()->Unlink(fs::Cred::Root(), ExportsDir(), "vol1").ok());
  // Like a loop device on an unlinked file: the attached client keeps its
  // device until it disconnects; nobody else can attach it.
  EXPECT_EQ(Read(h1.get(), 0, 4096), d1);
  Write(h1.get(), 8192, d1);
  EXPECT_EQ(nbd_flush(h1.get(), 0), 0) << NbdError();
  Handle again = NewHandle("vol1");
  EXPECT_EQ(ConnectTcp(again.get()), -1);
  EXPECT_EQ(Read(h2.get(), 0, 4096), d2);
  EXPECT_EQ(fs()->OpenInodeCount(), 2u);
  ASSERT_EQ(nbd_shutdown(h1.get(), 0), 0);
  h1.reset();
  // The last close frees the orphan (the server releases it asynchronously).
  EXPECT_TRUE(WaitForOpenInodes(1));
  EXPECT_EQ(Read(h2.get(), 0, 4096), d2);
}

TEST_F(NbdLibnbdTest, StopWithClientsAttachedReleasesEverything) {
  MakeExport("vol1", kMiB);
  Handle h = Connect("vol1");
  std::vector<int64_t> cookies;
  std::string data = RandomBytes(kMiB, 41);
  for (int i = 0; i < 8; i++) {
    cookies.push_back(
        nbd_aio_pwrite(h.get(), data.data(), kMiB, 0, NBD_NULL_COMPLETION, LIBNBD_CMD_FLAG_FUA));
  }
  StopServer();
  EXPECT_EQ(fs()->OpenInodeCount(), 0u);
  char buf[16];
  EXPECT_EQ(nbd_pread(h.get(), buf, sizeof buf, 0, 0), -1);
}

TEST_F(NbdLibnbdTest, DisconnectWaitsForRequestsInFlight) {
  MakeExport("vol1", 8 * kMiB);
  std::string data = RandomBytes(8 * kMiB, 51);
  {
    Handle h = Connect("vol1");
    for (int i = 0; i < 8; i++) {
      ASSERT_GT(
          nbd_aio_pwrite(h.get(), data.data() + i * kMiB, kMiB, i * kMiB, NBD_NULL_COMPLETION, 0),
          0);
    }
    ASSERT_EQ(nbd_shutdown(h.get(), 0), 0) << NbdError();  // sends NBD_CMD_DISC
    while (nbd_aio_in_flight(h.get()) > 0) {
      if (nbd_poll(h.get(), -1) == -1) break;
    }
  }
  Handle h = Connect("vol1");
  EXPECT_EQ(Read(h.get(), 0, data.size()), data);
}

}  // namespace
}  // namespace zerofs::nbd::testing
