// Every 9P2000.L message the Linux client sends, through the client library,
// over TCP and the Unix socket.
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <set>

#include "ninep_harness.h"

namespace zerofs::ninep {
namespace {

class NinepOpsTest : public NinepTest {};

const Dirent& DirentOf(const Dirent& e) { return e; }
const Dirent& DirentOf(const DirentPlus& e) { return e.d; }
size_t SizeOf(const Dirent& e) { return DirentSize(e.name); }
size_t SizeOf(const DirentPlus& e) { return DirentPlusSize(e.d.name); }

// Reads a directory page by page (`read(offset)`, pages of at most `count`
// bytes) until an empty page, checking that no name comes twice; calls
// `each` with every entry, adds the names to `seen`, returns the pages.
template <typename Read, typename Each>
int ReadPages(Read read, size_t count, Each each, std::set<std::string>* seen) {
  uint64_t offset = 0;
  for (int pages = 0;; pages++) {
    auto page = read(offset);
    EXPECT_TRUE(page.ok()) << page.error().ToString();
    if (!page.ok() || page->empty()) return pages;
    size_t bytes = 0;
    for (const auto& e : *page) {
      EXPECT_TRUE(seen->insert(DirentOf(e).name).second) << "twice: " << DirentOf(e).name;
      bytes += SizeOf(e);
      offset = DirentOf(e).offset;
      each(e);
    }
    EXPECT_LE(bytes, count);
  }
}

TEST_F(NinepOpsTest, VersionClampsMsizeToServerMax) {
  RawConn raw(tcp_);
  ASSERT_TRUE(raw.ok());
  auto r = raw.Version(64u << 20);
  ASSERT_TRUE(r.has_value());
  auto& v = std::get<Rversion>(r->msg);
  EXPECT_EQ(v.msize, kDefaultMaxMsize);
  EXPECT_EQ(v.version, "9P2000.L");

  auto c = ConnectTcp(4u << 20);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->msize(), 4u << 20);
}

TEST_F(NinepOpsTest, UnknownVersionAnswersUnknown) {
  RawConn raw(tcp_);
  auto r = raw.Version(8192, "9P2000.u");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(std::get<Rversion>(r->msg).version, "unknown");
  auto r2 = raw.Version(8192, "9P2000.L");
  EXPECT_EQ(std::get<Rversion>(r2->msg).version, "9P2000.L");
}

TEST_F(NinepOpsTest, TinyMsizeIsRefused) {
  RawConn raw(tcp_);
  auto r = raw.Version(100);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(std::get<Rlerror>(r->msg).ecode, static_cast<uint32_t>(EINVAL));
}

TEST_F(NinepOpsTest, AttachGivesRootDirectoryQid) {
  for (const auto& addr : {tcp_, unix_}) {
    auto c = Connect(addr);
    ASSERT_TRUE(c);
    uint32_t root = c->AllocFid();
    auto q = c->Attach(root, "root", 0, "");
    ASSERT_TRUE(q.ok()) << q.error().ToString();
    EXPECT_EQ(q->type, kQidTypeDir);
    EXPECT_EQ(q->path, fs::kRootInode);
    auto a = c->Getattr(root);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    EXPECT_TRUE(S_ISDIR(a->mode));
    EXPECT_EQ(a->qid, *q);
    // aname "/" is the root too; anything else is not exported.
    uint32_t f2 = c->AllocFid();
    EXPECT_TRUE(c->Attach(f2, "", 0, "/").ok());
    uint32_t f3 = c->AllocFid();
    EXPECT_EQ(c->Attach(f3, "", 0, "/export").error().sys_errno(), ENOENT);
  }
}

TEST_F(NinepOpsTest, CreateWriteReadGetattr) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  uint32_t f = c->WalkNew(root, {}).value();
  auto o = c->Lcreate(f, "hello.txt", kOpenCreate | kOpenRdwr, 0640, 0);
  ASSERT_TRUE(o.ok()) << o.error().ToString();
  EXPECT_EQ(o->qid.type, kQidTypeFile);
  EXPECT_EQ(o->iounit, c->msize() - kIoHeaderSize);
  ASSERT_EQ(c->Write(f, 0, "hello world").value(), 11u);
  EXPECT_EQ(c->Read(f, 6, 100).value(), "world");
  EXPECT_EQ(c->Read(f, 100, 100).value(), "");
  ASSERT_TRUE(c->Clunk(f).ok());

  auto g = OpenPath(c.get(), root, {"hello.txt"}, kOpenRdonly);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(ReadAll(c.get(), *g), "hello world");
  auto a = c->Getattr(*g);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->size, 11u);
  EXPECT_EQ(a->mode, S_IFREG | 0640);
  EXPECT_EQ(a->nlink, 1u);
  EXPECT_EQ(a->valid & kGetattrBasic, kGetattrBasic);
  // Writing through a read-only fid is EBADF.
  EXPECT_EQ(c->Write(*g, 0, "x").error().sys_errno(), EBADF);
  ASSERT_TRUE(c->Clunk(*g).ok());
}

TEST_F(NinepOpsTest, GetattrHonoursRequestMask) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  MakeFile(c.get(), root, "f", "12345");
  uint32_t f = c->WalkNew(root, {"f"}).value();
  auto a = c->Getattr(f, kGetattrSize);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->valid, kGetattrSize);
  EXPECT_EQ(a->size, 5u);
  EXPECT_EQ(a->mode, 0u);
  EXPECT_EQ(a->qid.path, c->Getattr(f).value().qid.path);
}

TEST_F(NinepOpsTest, LargeMsizeMovesFourMebibytesPerMessage) {
  auto c = ConnectTcp(4u << 20);
  ASSERT_EQ(c->msize(), 4u << 20);
  uint32_t root = AttachAs(c.get(), 0);
  std::string data(c->iounit(), '\0');
  for (size_t i = 0; i < data.size(); i++) data[i] = static_cast<char>(i * 7 + i / 4096);
  uint32_t f = c->WalkNew(root, {}).value();
  ASSERT_TRUE(c->Lcreate(f, "big", kOpenCreate | kOpenRdwr, 0644, 0).ok());
  ASSERT_EQ(c->Write(f, 0, data).value(), data.size());
  auto back = c->Read(f, 0, c->iounit());
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(*back == data);
}

TEST_F(NinepOpsTest, WalkClonesAndWalksPaths) {
  auto c = ConnectUnix();
  uint32_t root = AttachAs(c.get(), 0);
  ASSERT_TRUE(c->Mkdir(root, "a", 0755, 0).ok());
  uint32_t a = c->WalkNew(root, {"a"}).value();
  ASSERT_TRUE(c->Mkdir(a, "b", 0755, 0).ok());
  uint32_t n = c->AllocFid();
  auto qids = c->Walk(root, n, {"a", "b", "..", "b"});
  ASSERT_TRUE(qids.ok());
  ASSERT_EQ(qids->size(), 4u);
  EXPECT_EQ((*qids)[1], (*qids)[3]);
  EXPECT_EQ((*qids)[0], (*qids)[2]);
  // Clone with zero names.
  uint32_t clone = c->AllocFid();
  auto none = c->Walk(n, clone, {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(c->Getattr(clone).value().qid, (*qids)[3]);
  // Walk a fid onto itself.
  ASSERT_TRUE(c->Walk(clone, clone, {".."}).ok());
  EXPECT_EQ(c->Getattr(clone).value().qid, (*qids)[0]);
}

TEST_F(NinepOpsTest, PartialWalkReturnsPrefixAndNoNewfid) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  ASSERT_TRUE(c->Mkdir(root, "d", 0755, 0).ok());
  uint32_t n = c->AllocFid();
  auto qids = c->Walk(root, n, {"d", "missing", "x"});
  ASSERT_TRUE(qids.ok());
  EXPECT_EQ(qids->size(), 1u);
  EXPECT_EQ(c->Getattr(n).error().sys_errno(), EBADF);  // newfid not created
  // The first name failing is an error.
  EXPECT_EQ(c->Walk(root, n, {"missing"}).error().sys_errno(), ENOENT);
  EXPECT_EQ(c->Getattr(n).error().sys_errno(), EBADF);
}

TEST_F(NinepOpsTest, ReaddirPagesThroughEveryEntryOnce) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  ASSERT_TRUE(c->Mkdir(root, "dir", 0755, 0).ok());
  uint32_t dir = c->WalkNew(root, {"dir"}).value();
  std::set<std::string> expected = {".", ".."};
  for (int i = 0; i < 150; i++) {
    std::string name = "entry-" + std::to_string(i);
    ASSERT_TRUE(c->Mkdir(dir, name, 0755, 0).ok());
    expected.insert(name);
  }
  auto d = OpenPath(c.get(), root, {"dir"}, kOpenRdonly | kOpenDirectory);
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  // About ten entries a page.
  auto read = [&](uint64_t offset) { return c->Readdir(*d, offset, 300); };
  std::set<std::string> seen;
  int pages = ReadPages(
      read, 300, [](const Dirent&) {}, &seen);
  EXPECT_EQ(seen, expected);
  EXPECT_GT(pages, 10);
  // A count too small for one entry is an error, not an empty (EOF) page.
  EXPECT_EQ(c->Readdir(*d, 0, 10).error().sys_errno(), EINVAL);
  // Readdir needs an open directory.
  EXPECT_EQ(c->Readdir(dir, 0, 4096).error().sys_errno(), EBADF);
}

// Treaddirplus (9P2000.L.zerofs): every entry once, each with exactly the
// attributes a walk + Tgetattr gives; none for a caller who may read the
// directory but not search it (a walk would fail).
TEST_F(NinepOpsTest, ReaddirplusGivesWhatGetattrGives) {
  auto c = ConnectTcp(1u << 20, /*zerofs=*/true);
  ASSERT_TRUE(c && c->pipelines_walks());
  uint32_t root = AttachAs(c.get(), 0);
  ASSERT_TRUE(c->Mkdir(root, "dir", 0755, 0).ok());
  uint32_t dir = c->WalkNew(root, {"dir"}).value();
  std::set<std::string> expected = {".", ".."};
  for (int i = 0; i < 40; i++) {
    std::string name = "f" + std::to_string(i);
    uint32_t f = c->WalkNew(dir, {}).value();
    ASSERT_TRUE(c->Lcreate(f, name, kOpenCreate | kOpenWronly, 0600 + i, 0).ok());
    ASSERT_TRUE(c->Write(f, 0, std::string(i * 1000, 'x')).ok());
    ASSERT_TRUE(c->Clunk(f).ok());
    expected.insert(name);
  }
  ASSERT_TRUE(c->Mkdir(dir, "sub", 0700, 0).ok());
  ASSERT_TRUE(c->Symlink(dir, "ln", "f1", 0).ok());
  expected.insert("sub");
  expected.insert("ln");

  auto d = OpenPath(c.get(), root, {"dir"}, kOpenRdonly | kOpenDirectory);
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  // About five entries a page.
  auto read = [&](uint64_t offset) { return c->Readdirplus(*d, offset, 1000); };
  std::set<std::string> seen;
  int pages = ReadPages(
      read, 1000,
      [&](const DirentPlus& e) {
        ASSERT_NE(e.attr.valid, 0u) << e.d.name;
        EXPECT_EQ(e.attr.qid.path, e.d.qid.path) << e.d.name;
        if (e.d.name == "." || e.d.name == "..") return;  // atimes move as we read
        uint32_t f = c->WalkNew(dir, {e.d.name}).value();
        auto want = c->Getattr(f, kGetattrBasic);
        ASSERT_TRUE(want.ok());
        EXPECT_EQ(e.attr, *want) << e.d.name;
        ASSERT_TRUE(c->Clunk(f).ok());
      },
      &seen);
  EXPECT_EQ(seen, expected);
  EXPECT_GT(pages, 8);
  EXPECT_EQ(c->Readdirplus(*d, 0, 100).error().sys_errno(), EINVAL);   // not one entry fits
  EXPECT_EQ(c->Readdirplus(dir, 0, 4096).error().sys_errno(), EBADF);  // not open

  // Readable but not searchable by uid 1000: names, no attributes.
  Tsetattr chmod{};
  chmod.fid = dir;
  chmod.valid = kSetattrMode;
  chmod.mode = 0744;
  ASSERT_TRUE(c->Setattr(chmod).ok());
  uint32_t user_root = AttachAs(c.get(), 1000);
  auto ud = OpenPath(c.get(), user_root, {"dir"}, kOpenRdonly | kOpenDirectory);
  ASSERT_TRUE(ud.ok()) << ud.error().ToString();
  auto page = c->Readdirplus(*ud, 0, 8192);
  ASSERT_TRUE(page.ok()) << page.error().ToString();
  ASSERT_FALSE(page->empty());
  for (const auto& e : *page) EXPECT_EQ(e.attr, Rgetattr{}) << e.d.name;

  // Without the extension the client does not send it.
  auto plain = ConnectTcp();
  EXPECT_EQ(plain->Readdirplus(1, 0, 8192).error().sys_errno(), EOPNOTSUPP);
}

// Tsetattrplus (9P2000.L.zerofs): the change, answered with the attributes
// Tgetattr gives right after it; refusals as for Tsetattr.
TEST_F(NinepOpsTest, SetattrplusAnswersWithTheNewAttributes) {
  auto c = ConnectTcp(1u << 20, /*zerofs=*/true);
  ASSERT_TRUE(c && c->pipelines_walks());
  uint32_t root = AttachAs(c.get(), 0);
  MakeFile(c.get(), root, "f", "0123456789");
  uint32_t f = c->WalkNew(root, {"f"}).value();
  Tsetattr set{};
  set.fid = f;
  set.valid = kSetattrMode | kSetattrAtime | kSetattrAtimeSet | kSetattrMtime | kSetattrMtimeSet;
  set.mode = 0640;
  set.atime_sec = 1000000000;
  set.mtime_sec = 1000000001;
  set.mtime_nsec = 5;
  auto after = c->SetattrPlus(set);
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(after->mode, 0100640u);
  EXPECT_EQ(after->atime_sec, 1000000000u);
  EXPECT_EQ(after->mtime_sec, 1000000001u);
  EXPECT_EQ(after->mtime_nsec, 5u);
  EXPECT_EQ(*after, c->Getattr(f, kGetattrBasic).value());
  set.valid = kSetattrSize;
  set.size = 3;
  after = c->SetattrPlus(set);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size, 3u);
  EXPECT_EQ(*after, c->Getattr(f, kGetattrBasic).value());
  // Not the owner: refused, nothing changed.
  uint32_t user_root = AttachAs(c.get(), 1000);
  uint32_t uf = c->WalkNew(user_root, {"f"}).value();
  set.fid = uf;
  set.valid = kSetattrMode;
  set.mode = 0777;
  EXPECT_EQ(c->SetattrPlus(set).error().sys_errno(), EPERM);
  EXPECT_EQ(c->Getattr(f, kGetattrBasic)->mode, 0100640u);
  // Without the extension the client does not send it.
  auto plain = ConnectTcp();
  EXPECT_EQ(plain->SetattrPlus(set).error().sys_errno(), EOPNOTSUPP);
}

TEST_F(NinepOpsTest, Renameat2NoReplaceAndExchange) {
  auto c = ConnectTcp(1u << 20, /*zerofs=*/true);
  ASSERT_TRUE(c && c->pipelines_walks());
  uint32_t root = AttachAs(c.get(), 0);
  MakeFile(c.get(), root, "a", "AAAA");
  MakeFile(c.get(), root, "b", "BB");
  ASSERT_TRUE(c->Mkdir(root, "d", 0755, 0).ok());
  uint32_t d = c->WalkNew(root, {"d"}).value();
  auto qid_of = [&](std::vector<std::string> path) {
    uint32_t f = c->WalkNew(root, path).value();
    uint64_t q = c->Getattr(f, kGetattrBasic)->qid.path;
    EXPECT_TRUE(c->Clunk(f).ok());
    return q;
  };
  const uint64_t qa = qid_of({"a"}), qb = qid_of({"b"}), qd = qid_of({"d"});

  // NOREPLACE: refused onto an existing name, nothing moves; allowed onto a new one.
  EXPECT_EQ(c->Renameat2(root, "a", root, "b", kRenameNoReplace).error().sys_errno(), EEXIST);
  EXPECT_EQ(qid_of({"a"}), qa);
  EXPECT_EQ(qid_of({"b"}), qb);
  ASSERT_TRUE(c->Renameat2(root, "a", d, "a2", kRenameNoReplace).ok());
  EXPECT_EQ(qid_of({"d", "a2"}), qa);
  EXPECT_EQ(c->WalkNew(root, {"a"}).error().sys_errno(), ENOENT);

  // EXCHANGE: a file and a directory in different directories swap names;
  // the reply carries both directories' attributes after it.
  auto dirs = c->Renameat2(root, "b", d, "a2", kRenameExchange);
  ASSERT_TRUE(dirs.ok()) << dirs.error().ToString();
  EXPECT_EQ(dirs->olddir_attr, c->Getattr(root, kGetattrBasic).value());
  EXPECT_EQ(dirs->newdir_attr, c->Getattr(d, kGetattrBasic).value());
  EXPECT_EQ(qid_of({"b"}), qa);
  EXPECT_EQ(qid_of({"d", "a2"}), qb);
  ASSERT_TRUE(c->Renameat2(root, "d", root, "b", kRenameExchange).ok());
  EXPECT_EQ(qid_of({"b"}), qd);
  EXPECT_EQ(qid_of({"d"}), qa);
  EXPECT_EQ(qid_of({"b", "a2"}), qb);
  // ... and needs both names.
  EXPECT_EQ(c->Renameat2(root, "d", root, "missing", kRenameExchange).error().sys_errno(), ENOENT);

  // No flags: a plain rename, replacing the target.
  MakeFile(c.get(), root, "c", "C");
  dirs = c->Renameat2(root, "c", root, "d", 0);
  ASSERT_TRUE(dirs.ok()) << dirs.error().ToString();
  EXPECT_EQ(dirs->olddir_attr, c->Getattr(root, kGetattrBasic).value());
  EXPECT_EQ(dirs->newdir_attr, dirs->olddir_attr);
  const uint64_t qc = qid_of({"d"});
  EXPECT_NE(qc, qa);
  EXPECT_EQ(c->WalkNew(root, {"c"}).error().sys_errno(), ENOENT);
  // Both flags, or flags it does not know: EINVAL.
  EXPECT_EQ(
      c->Renameat2(root, "d", root, "x", kRenameNoReplace | kRenameExchange).error().sys_errno(),
      EINVAL);
  EXPECT_EQ(c->Renameat2(root, "d", root, "x", 4 /* RENAME_WHITEOUT */).error().sys_errno(),
            EINVAL);
  EXPECT_EQ(qid_of({"d"}), qc);
  // Without the extension the client does not send it.
  auto plain = ConnectTcp();
  uint32_t proot = AttachAs(plain.get(), 0);
  EXPECT_EQ(plain->Renameat2(proot, "d", proot, "x", kRenameNoReplace).error().sys_errno(),
            EOPNOTSUPP);
}

TEST_F(NinepOpsTest, UnlinkatplusAnswersWithTheDirectorysNewAttributes) {
  auto c = ConnectTcp(1u << 20, /*zerofs=*/true);
  ASSERT_TRUE(c && c->pipelines_walks());
  uint32_t root = AttachAs(c.get(), 0);
  ASSERT_TRUE(c->Mkdir(root, "d", 0755, 0).ok());
  uint32_t d = c->WalkNew(root, {"d"}).value();
  MakeFile(c.get(), d, "f", "data");
  ASSERT_TRUE(c->Mkdir(d, "sub", 0755, 0).ok());
  const Rgetattr before = c->Getattr(d, kGetattrBasic).value();

  auto after = c->UnlinkatPlus(d, "f", 0);
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(*after, c->Getattr(d, kGetattrBasic).value());
  EXPECT_EQ(after->qid.path, before.qid.path);
  EXPECT_EQ(c->WalkNew(d, {"f"}).error().sys_errno(), ENOENT);
  // rmdir: the directory loses a link.
  after = c->UnlinkatPlus(d, "sub", kAtRemoveDir);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->nlink, before.nlink - 1);
  EXPECT_EQ(*after, c->Getattr(d, kGetattrBasic).value());
  // Errors are Tunlinkat's, and change nothing.
  EXPECT_EQ(c->UnlinkatPlus(d, "missing", 0).error().sys_errno(), ENOENT);
  EXPECT_EQ(c->UnlinkatPlus(root, "d", 0).error().sys_errno(), EISDIR);
  EXPECT_EQ(c->UnlinkatPlus(root, "d", 0x1).error().sys_errno(), EINVAL);
  EXPECT_TRUE(c->WalkNew(root, {"d"}).ok());
  // Without the extension the client does not send it.
  auto plain = ConnectTcp();
  uint32_t proot = AttachAs(plain.get(), 0);
  EXPECT_EQ(plain->UnlinkatPlus(proot, "d", kAtRemoveDir).error().sys_errno(), EOPNOTSUPP);
}

TEST_F(NinepOpsTest, NamespaceOperations) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  MakeFile(c.get(), root, "file", "data");
  uint32_t file = c->WalkNew(root, {"file"}).value();

  // symlink + readlink
  auto sq = c->Symlink(root, "sl", "file", 0);
  ASSERT_TRUE(sq.ok());
  EXPECT_EQ(sq->type, kQidTypeSymlink);
  uint32_t sl = c->WalkNew(root, {"sl"}).value();
  EXPECT_EQ(c->Readlink(sl).value(), "file");
  EXPECT_EQ(c->Readlink(file).error().sys_errno(), EINVAL);

  // mknod: a FIFO, a regular file, and a device (root may)
  ASSERT_TRUE(c->Mknod(root, "fifo", S_IFIFO | 0644, 0, 0, 0).ok());
  ASSERT_TRUE(c->Mknod(root, "reg", S_IFREG | 0600, 0, 0, 0).ok());
  ASSERT_TRUE(c->Mknod(root, "null", S_IFCHR | 0666, 1, 3, 0).ok());
  uint32_t fifo = c->WalkNew(root, {"fifo"}).value();
  EXPECT_TRUE(S_ISFIFO(c->Getattr(fifo).value().mode));
  uint32_t dev = c->WalkNew(root, {"null"}).value();
  auto da = c->Getattr(dev).value();
  EXPECT_TRUE(S_ISCHR(da.mode));
  EXPECT_EQ(da.rdev, makedev(1, 3));

  // link
  ASSERT_TRUE(c->Link(root, file, "hard").ok());
  EXPECT_EQ(c->Getattr(file).value().nlink, 2u);
  EXPECT_EQ(c->Link(root, file, "hard").error().sys_errno(), EEXIST);

  // renameat, then rename by fid
  ASSERT_TRUE(c->Mkdir(root, "sub", 0755, 0).ok());
  uint32_t sub = c->WalkNew(root, {"sub"}).value();
  ASSERT_TRUE(c->Renameat(root, "hard", sub, "moved").ok());
  EXPECT_TRUE(c->WalkNew(root, {"sub", "moved"}).ok());
  EXPECT_EQ(c->WalkNew(root, {"hard"}).error().sys_errno(), ENOENT);
  ASSERT_TRUE(c->Rename(file, sub, "renamed").ok());
  EXPECT_TRUE(c->WalkNew(root, {"sub", "renamed"}).ok());

  // unlinkat: files, directories (AT_REMOVEDIR), wrong kinds
  EXPECT_EQ(c->Unlinkat(root, "sub", 0).error().sys_errno(), EISDIR);
  EXPECT_EQ(c->Unlinkat(root, "sub", kAtRemoveDir).error().sys_errno(), ENOTEMPTY);
  ASSERT_TRUE(c->Unlinkat(sub, "moved", 0).ok());
  ASSERT_TRUE(c->Unlinkat(sub, "renamed", 0).ok());
  ASSERT_TRUE(c->Unlinkat(root, "sub", kAtRemoveDir).ok());
  EXPECT_EQ(c->Unlinkat(root, "fifo", 0x1).error().sys_errno(), EINVAL);

  // remove by fid clunks the fid too
  ASSERT_TRUE(c->Remove(fifo).ok());
  EXPECT_EQ(c->WalkNew(root, {"fifo"}).error().sys_errno(), ENOENT);
  EXPECT_EQ(c->Getattr(fifo).error().sys_errno(), EBADF);
}

TEST_F(NinepOpsTest, SetattrModeSizeTimesOwner) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  MakeFile(c.get(), root, "f", std::string(10000, 'x'));
  uint32_t f = c->WalkNew(root, {"f"}).value();
  Tsetattr s;
  s.fid = f;
  s.valid = kSetattrMode | kSetattrSize | kSetattrUid | kSetattrGid | kSetattrMtime |
            kSetattrMtimeSet | kSetattrAtime;
  s.mode = 0604;
  s.size = 100;
  s.uid = 1000;
  s.gid = 2000;
  s.mtime_sec = 1234567890;
  s.mtime_nsec = 5;
  ASSERT_TRUE(c->Setattr(s).ok());
  auto a = c->Getattr(f).value();
  EXPECT_EQ(a.mode, S_IFREG | 0604);
  EXPECT_EQ(a.size, 100u);
  EXPECT_EQ(a.uid, 1000u);
  EXPECT_EQ(a.gid, 2000u);
  EXPECT_EQ(a.mtime_sec, 1234567890u);
  EXPECT_EQ(a.mtime_nsec, 5u);
  EXPECT_GT(a.atime_sec, 1600000000u);  // "now"
  s.valid = kSetattrMtime | kSetattrMtimeSet;
  s.mtime_nsec = 1'000'000'000;
  EXPECT_EQ(c->Setattr(s).error().sys_errno(), EINVAL);
}

TEST_F(NinepOpsTest, StatfsReportsV9fsMagic) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  auto s = c->Statfs(root);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->type, kV9fsMagic);
  EXPECT_GT(s->bsize, 0u);
  EXPECT_GT(s->blocks, 0u);
  EXPECT_EQ(s->namelen, 255u);
}

TEST_F(NinepOpsTest, XattrSetGetListRemove) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  MakeFile(c.get(), root, "f", "");
  uint32_t f = c->WalkNew(root, {"f"}).value();
  std::string big(20000, 'v');
  ASSERT_TRUE(c->SetXattr(f, "user.small", "value", 0).ok());
  ASSERT_TRUE(c->SetXattr(f, "user.big", big, 0).ok());
  EXPECT_EQ(c->GetXattr(f, "user.small").value(), "value");
  EXPECT_EQ(c->GetXattr(f, "user.big").value(), big);
  auto names = c->ListXattr(f);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(std::set<std::string>(names->begin(), names->end()),
            (std::set<std::string>{"user.small", "user.big"}));
  EXPECT_EQ(c->SetXattr(f, "user.small", "again", fs::kXattrCreate).error().sys_errno(), EEXIST);
  ASSERT_TRUE(c->RemoveXattr(f, "user.small").ok());
  EXPECT_EQ(c->GetXattr(f, "user.small").error().sys_errno(), ENODATA);
  EXPECT_EQ(c->RemoveXattr(f, "user.small").error().sys_errno(), ENODATA);
  // A value shorter than announced fails at clunk.
  uint32_t x = c->WalkNew(f, {}).value();
  ASSERT_TRUE(c->Xattrcreate(x, "user.short", 10, 0).ok());
  ASSERT_TRUE(c->Write(x, 0, "abc").ok());
  EXPECT_EQ(c->Clunk(x).error().sys_errno(), EINVAL);
  EXPECT_EQ(c->GetXattr(f, "user.short").error().sys_errno(), ENODATA);
}

TEST_F(NinepOpsTest, UnlinkedOpenFileKeepsItsData) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  MakeFile(c.get(), root, "doomed", "still here");
  auto f = OpenPath(c.get(), root, {"doomed"}, kOpenRdwr);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(c->Unlinkat(root, "doomed", 0).ok());
  EXPECT_EQ(ReadAll(c.get(), *f), "still here");
  ASSERT_TRUE(c->Write(*f, 10, "!").ok());
  EXPECT_EQ(ReadAll(c.get(), *f), "still here!");
  size_t open_before = env_->fs()->OpenInodeCount();
  ASSERT_TRUE(c->Clunk(*f).ok());
  EXPECT_EQ(env_->fs()->OpenInodeCount(), open_before - 1);
}

TEST_F(NinepOpsTest, TruncOnOpenAndAppend) {
  auto c = ConnectTcp();
  uint32_t root = AttachAs(c.get(), 0);
  MakeFile(c.get(), root, "f", "0123456789");
  auto t = OpenPath(c.get(), root, {"f"}, kOpenWronly | kOpenTrunc);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(c->Getattr(*t).value().size, 0u);
  ASSERT_TRUE(c->Write(*t, 0, "abc").ok());
  auto ap = OpenPath(c.get(), root, {"f"}, kOpenWronly | kOpenAppend);
  ASSERT_TRUE(ap.ok());
  ASSERT_TRUE(c->Write(*ap, 0, "def").ok());  // offset ignored: appends
  auto r = OpenPath(c.get(), root, {"f"}, kOpenRdonly);
  EXPECT_EQ(ReadAll(c.get(), *r), "abcdef");
}

}  // namespace
}  // namespace zerofs::ninep
