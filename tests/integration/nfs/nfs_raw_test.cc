// Procedures and error paths through libnfs's raw RPC layer: COMMIT,
// READDIRPLUS paging and verifiers, MKNOD, FSINFO, PATHCONF, FSSTAT,
// exclusive create, SETATTR guard, STALE/BADHANDLE, write stability,
// portmapper and MOUNT, and handles across a restart.
#include <cstring>
#include <set>

#include "nfs_harness.h"

namespace zerofs::nfs::testing {
namespace {

class NfsRawTest : public NfsServerTest {
 protected:
  void SetUp() override {
    NfsServerTest::SetUp();
    Reconnect();
  }
  void Reconnect(uint32_t uid = 0) {
    client_ = RawClient::Connect(port_, uid, uid);
    ASSERT_NE(client_, nullptr);
    root_ = client_->MountRoot();
    ASSERT_EQ(root_.size(), 20u);
  }

  // CREATE (UNCHECKED/GUARDED with mode, or EXCLUSIVE with verf). Returns
  // the status; the handle in *fh.
  int Create(const std::string& dir, const std::string& name, createmode3 how,
             const char* verf = nullptr, std::string* fh = nullptr) {
    std::string d = dir, n = name;
    CREATE3args a{};
    a.where.dir = Fh3(d);
    a.where.name = n.data();
    a.how.mode = how;
    if (how == EXCLUSIVE) {
      std::memcpy(a.how.createhow3_u.verf, verf, 8);
    } else {
      a.how.createhow3_u.obj_attributes.mode.set_it = 1;
      a.how.createhow3_u.obj_attributes.mode.set_mode3_u.mode = 0644;
    }
    int status = -1;
    client_->Call(
        [&](rpc_context* r, rpc_cb cb, void* pd) { return rpc_nfs3_create_async(r, cb, &a, pd); },
        [&](void* data) {
          auto* res = static_cast<CREATE3res*>(data);
          status = res->status;
          if (status == NFS3_OK && fh) {
            auto& h = res->CREATE3res_u.resok.obj.post_op_fh3_u.handle.data;
            fh->assign(h.data_val, h.data_len);
          }
        });
    return status;
  }

  int Getattr(const std::string& fh, fattr3* out = nullptr) {
    std::string f = fh;
    GETATTR3args a{};
    a.object = Fh3(f);
    int status = -1;
    client_->Call(
        [&](rpc_context* r, rpc_cb cb, void* pd) { return rpc_nfs3_getattr_async(r, cb, &a, pd); },
        [&](void* data) {
          auto* res = static_cast<GETATTR3res*>(data);
          status = res->status;
          if (status == NFS3_OK && out) *out = res->GETATTR3res_u.resok.obj_attributes;
        });
    return status;
  }

  // WRITE; returns status, fills committed/verf.
  int Write(const std::string& fh, uint64_t off, const std::string& data, stable_how how,
            stable_how* committed = nullptr, std::string* verf = nullptr, wcc_data* wcc = nullptr) {
    std::string f = fh, d = data;
    WRITE3args a{};
    a.file = Fh3(f);
    a.offset = off;
    a.count = static_cast<count3>(d.size());
    a.stable = how;
    a.data.data_len = static_cast<u_int>(d.size());
    a.data.data_val = d.data();
    int status = -1;
    client_->Call(
        [&](rpc_context* r, rpc_cb cb, void* pd) { return rpc_nfs3_write_async(r, cb, &a, pd); },
        [&](void* data) {
          auto* res = static_cast<WRITE3res*>(data);
          status = res->status;
          if (status != NFS3_OK) return;
          if (committed) *committed = res->WRITE3res_u.resok.committed;
          if (verf) verf->assign(res->WRITE3res_u.resok.verf, 8);
          if (wcc) *wcc = res->WRITE3res_u.resok.file_wcc;
        });
    return status;
  }

  int Commit(const std::string& fh, std::string* verf) {
    std::string f = fh;
    COMMIT3args a{};
    a.file = Fh3(f);
    int status = -1;
    client_->Call(
        [&](rpc_context* r, rpc_cb cb, void* pd) { return rpc_nfs3_commit_async(r, cb, &a, pd); },
        [&](void* data) {
          auto* res = static_cast<COMMIT3res*>(data);
          status = res->status;
          if (status == NFS3_OK) verf->assign(res->COMMIT3res_u.resok.verf, 8);
        });
    return status;
  }

  std::string Read(const std::string& fh, uint64_t off, uint32_t count) {
    std::string f = fh, out;
    READ3args a{};
    a.file = Fh3(f);
    a.offset = off;
    a.count = count;
    client_->Call(
        [&](rpc_context* r, rpc_cb cb, void* pd) { return rpc_nfs3_read_async(r, cb, &a, pd); },
        [&](void* data) {
          auto* res = static_cast<READ3res*>(data);
          if (res->status != NFS3_OK) return;
          auto& d = res->READ3res_u.resok.data;
          out.assign(d.data_val, d.data_len);
        });
    return out;
  }

  int Remove(const std::string& dir, const std::string& name) {
    std::string d = dir, n = name;
    REMOVE3args a{};
    a.object.dir = Fh3(d);
    a.object.name = n.data();
    int status = -1;
    client_->Call(
        [&](rpc_context* r, rpc_cb cb, void* pd) { return rpc_nfs3_remove_async(r, cb, &a, pd); },
        [&](void* data) { status = static_cast<REMOVE3res*>(data)->status; });
    return status;
  }

  std::unique_ptr<RawClient> client_;
  std::string root_;
};

TEST_F(NfsRawTest, NullAndPortmapGetport) {
  int st = client_->Call(
      [](rpc_context* r, rpc_cb cb, void* pd) { return rpc_nfs3_null_async(r, cb, pd); }, nullptr);
  EXPECT_EQ(st, RPC_STATUS_SUCCESS);
  auto getport = [&](int prog, int vers, int proto) {
    uint32_t port = 12345;
    client_->Call([&](rpc_context* r, rpc_cb cb,
                      void* pd) { return rpc_pmap2_getport_async(r, prog, vers, proto, cb, pd); },
                  [&](void* data) { port = *static_cast<uint32_t*>(data); });
    return port;
  };
  EXPECT_EQ(getport(100003, 3, 6), static_cast<uint32_t>(port_));
  EXPECT_EQ(getport(100005, 3, 6), static_cast<uint32_t>(port_));
  EXPECT_EQ(getport(100003, 3, 17), 0u);
  EXPECT_EQ(getport(100021, 4, 6), 0u);
}

TEST_F(NfsRawTest, MountExportAndDump) {
  std::string exported;
  client_->Call(
      [](rpc_context* r, rpc_cb cb, void* pd) { return rpc_mount3_export_async(r, cb, pd); },
      [&](void* data) {
        // libnfs's decoder packs list nodes at 4-byte alignment: copy them.
        auto* list = *static_cast<exports*>(data);
        if (!list) return;
        exportnode node;
        std::memcpy(&node, static_cast<void*>(list), sizeof(node));
        exported = node.ex_dir;
      });
  EXPECT_EQ(exported, "/");
  int entries = 0;
  client_->Call(
      [](rpc_context* r, rpc_cb cb, void* pd) { return rpc_mount3_dump_async(r, cb, pd); },
      [&](void* data) {
        for (mountbody* m = *static_cast<mountlist*>(data); m;) {
          mountbody body;
          std::memcpy(&body, static_cast<void*>(m), sizeof(body));
          entries++;
          m = body.ml_next;
        }
      });
  EXPECT_EQ(entries, 1);
  char missing[] = "/does-not-exist";
  int mnt_status = -1;
  client_->Call(
      [&](rpc_context* r, rpc_cb cb, void* pd) { return rpc_mount3_mnt_async(r, cb, missing, pd); },
      [&](void* data) { mnt_status = static_cast<mountres3*>(data)->fhs_status; });
  EXPECT_EQ(mnt_status, MNT3ERR_NOENT);
}

TEST_F(NfsRawTest, FsinfoPathconfFsstat) {
  std::string r = root_;
  FSINFO3args fa{};
  fa.fsroot = Fh3(r);
  FSINFO3resok info{};
  int status = -1;
  client_->Call(
      [&](rpc_context* c, rpc_cb cb, void* pd) { return rpc_nfs3_fsinfo_async(c, cb, &fa, pd); },
      [&](void* data) {
        auto* res = static_cast<FSINFO3res*>(data);
        status = res->status;
        if (status == NFS3_OK) info = res->FSINFO3res_u.resok;
      });
  ASSERT_EQ(status, NFS3_OK);
  EXPECT_EQ(info.rtmax, 1u << 20);
  EXPECT_EQ(info.rtpref, 1u << 20);
  EXPECT_EQ(info.wtmax, 1u << 20);
  EXPECT_EQ(info.wtpref, 1u << 20);
  EXPECT_EQ(info.dtpref, 1u << 20);
  EXPECT_EQ(info.time_delta.seconds, 0u);
  EXPECT_EQ(info.time_delta.nseconds, 1u);
  EXPECT_EQ(info.properties, FSF3_LINK | FSF3_SYMLINK | FSF3_HOMOGENEOUS | FSF3_CANSETTIME);
  EXPECT_GT(info.maxfilesize, 1ull << 62);

  PATHCONF3args pa{};
  pa.object = Fh3(r);
  PATHCONF3resok pc{};
  client_->Call(
      [&](rpc_context* c, rpc_cb cb, void* pd) { return rpc_nfs3_pathconf_async(c, cb, &pa, pd); },
      [&](void* data) {
        auto* res = static_cast<PATHCONF3res*>(data);
        status = res->status;
        if (status == NFS3_OK) pc = res->PATHCONF3res_u.resok;
      });
  ASSERT_EQ(status, NFS3_OK);
  EXPECT_EQ(pc.linkmax, 65535u);
  EXPECT_EQ(pc.name_max, 255u);
  EXPECT_TRUE(pc.no_trunc);
  EXPECT_TRUE(pc.chown_restricted);
  EXPECT_FALSE(pc.case_insensitive);
  EXPECT_TRUE(pc.case_preserving);

  FSSTAT3args sa{};
  sa.fsroot = Fh3(r);
  FSSTAT3resok fsst{};
  client_->Call(
      [&](rpc_context* c, rpc_cb cb, void* pd) { return rpc_nfs3_fsstat_async(c, cb, &sa, pd); },
      [&](void* data) {
        auto* res = static_cast<FSSTAT3res*>(data);
        status = res->status;
        if (status == NFS3_OK) fsst = res->FSSTAT3res_u.resok;
      });
  ASSERT_EQ(status, NFS3_OK);
  EXPECT_GT(fsst.tbytes, 0u);
  EXPECT_LE(fsst.fbytes, fsst.tbytes);
}

TEST_F(NfsRawTest, ExclusiveCreateRetransmissionSucceeds) {
  std::string fh1, fh2;
  ASSERT_EQ(Create(root_, "x", EXCLUSIVE, "verifier", &fh1), NFS3_OK);
  ASSERT_EQ(Create(root_, "x", EXCLUSIVE, "verifier", &fh2), NFS3_OK);
  EXPECT_EQ(fh1, fh2);
  EXPECT_EQ(Create(root_, "x", EXCLUSIVE, "other-vf"), NFS3ERR_EXIST);
  EXPECT_EQ(Create(root_, "x", GUARDED), NFS3ERR_EXIST);
  EXPECT_EQ(Create(root_, "x", UNCHECKED), NFS3_OK);
  EXPECT_EQ(Create(root_, "y", GUARDED), NFS3_OK);
}

TEST_F(NfsRawTest, SetattrGuardMismatchIsNotSync) {
  std::string fh;
  ASSERT_EQ(Create(root_, "g", GUARDED, nullptr, &fh), NFS3_OK);
  fattr3 attr{};
  ASSERT_EQ(Getattr(fh, &attr), NFS3_OK);
  auto setattr = [&](nfstime3 guard) {
    std::string f = fh;
    SETATTR3args a{};
    a.object = Fh3(f);
    a.new_attributes.mode.set_it = 1;
    a.new_attributes.mode.set_mode3_u.mode = 0600;
    a.guard.check = 1;
    a.guard.sattrguard3_u.obj_ctime = guard;
    int status = -1;
    client_->Call(
        [&](rpc_context* r, rpc_cb cb, void* pd) { return rpc_nfs3_setattr_async(r, cb, &a, pd); },
        [&](void* data) { status = static_cast<SETATTR3res*>(data)->status; });
    return status;
  };
  nfstime3 wrong = attr.ctime;
  wrong.seconds -= 10;
  EXPECT_EQ(setattr(wrong), NFS3ERR_NOT_SYNC);
  EXPECT_EQ(setattr(attr.ctime), NFS3_OK);
  ASSERT_EQ(Getattr(fh, &attr), NFS3_OK);
  EXPECT_EQ(attr.mode, 0600u);
}

TEST_F(NfsRawTest, MknodTypes) {
  auto mknod = [&](ftype3 type, const char* name) {
    std::string d = root_, n = name;
    MKNOD3args a{};
    a.where.dir = Fh3(d);
    a.where.name = n.data();
    a.what.type = type;
    if (type == NF3CHR) {
      a.what.mknoddata3_u.chr_device.dev_attributes.mode.set_it = 1;
      a.what.mknoddata3_u.chr_device.dev_attributes.mode.set_mode3_u.mode = 0600;
      a.what.mknoddata3_u.chr_device.spec.specdata1 = 1;
      a.what.mknoddata3_u.chr_device.spec.specdata2 = 3;
    }
    int status = -1;
    fattr3 attr{};
    client_->Call(
        [&](rpc_context* r, rpc_cb cb, void* pd) { return rpc_nfs3_mknod_async(r, cb, &a, pd); },
        [&](void* data) {
          auto* res = static_cast<MKNOD3res*>(data);
          status = res->status;
          if (status == NFS3_OK)
            attr = res->MKNOD3res_u.resok.obj_attributes.post_op_attr_u.attributes;
        });
    if (status == NFS3_OK && type == NF3CHR) {
      EXPECT_EQ(attr.type, NF3CHR);
      EXPECT_EQ(attr.rdev.specdata1, 1u);
      EXPECT_EQ(attr.rdev.specdata2, 3u);
    }
    return status;
  };
  EXPECT_EQ(mknod(NF3CHR, "null"), NFS3_OK);
  EXPECT_EQ(mknod(NF3SOCK, "sock"), NFS3_OK);
  EXPECT_EQ(mknod(NF3FIFO, "fifo"), NFS3_OK);
  EXPECT_EQ(mknod(NF3REG, "reg"), NFS3ERR_BADTYPE);
  EXPECT_EQ(mknod(NF3FIFO, "fifo"), NFS3ERR_EXIST);
}

TEST_F(NfsRawTest, ReaddirplusPagesWithCookiesAndVerifier) {
  for (int i = 0; i < 50; i++) ASSERT_EQ(Create(root_, "e" + std::to_string(i), GUARDED), NFS3_OK);
  std::set<std::string> seen;
  cookie3 cookie = 0;
  char verf[8] = {};
  int pages = 0;
  bool eof = false;
  while (!eof && pages < 100) {
    std::string d = root_;
    READDIRPLUS3args a{};
    a.dir = Fh3(d);
    a.cookie = cookie;
    std::memcpy(a.cookieverf, verf, 8);
    a.dircount = 512;
    a.maxcount = 2048;
    int status = -1;
    client_->Call([&](rpc_context* r, rpc_cb cb,
                      void* pd) { return rpc_nfs3_readdirplus_async(r, cb, &a, pd); },
                  [&](void* data) {
                    auto* res = static_cast<READDIRPLUS3res*>(data);
                    status = res->status;
                    if (status != NFS3_OK) return;
                    auto& ok = res->READDIRPLUS3res_u.resok;
                    std::memcpy(verf, ok.cookieverf, 8);
                    for (const RawDirEntry& e : CopyEntries(ok.reply.entries)) {
                      EXPECT_TRUE(seen.insert(e.name).second) << e.name;
                      cookie = e.cookie;
                      if (e.name != "..") {
                        EXPECT_TRUE(e.has_handle);
                        EXPECT_TRUE(e.has_attr);
                        EXPECT_EQ(e.attr_fileid, e.fileid);
                      }
                    }
                    eof = ok.reply.eof;
                  });
    ASSERT_EQ(status, NFS3_OK);
    pages++;
  }
  EXPECT_TRUE(eof);
  EXPECT_GT(pages, 3);
  EXPECT_EQ(seen.size(), 52u);

  // A wrong verifier with a non-zero cookie, and a budget too small for one entry.
  std::string d = root_;
  READDIRPLUS3args a{};
  a.dir = Fh3(d);
  a.cookie = 3;
  std::memcpy(a.cookieverf, "garbage!", 8);
  a.dircount = 512;
  a.maxcount = 4096;
  int status = -1;
  client_->Call([&](rpc_context* r, rpc_cb cb,
                    void* pd) { return rpc_nfs3_readdirplus_async(r, cb, &a, pd); },
                [&](void* data) { status = static_cast<READDIRPLUS3res*>(data)->status; });
  EXPECT_EQ(status, NFS3ERR_BAD_COOKIE);
  a.cookie = 0;
  a.maxcount = 120;
  client_->Call([&](rpc_context* r, rpc_cb cb,
                    void* pd) { return rpc_nfs3_readdirplus_async(r, cb, &a, pd); },
                [&](void* data) { status = static_cast<READDIRPLUS3res*>(data)->status; });
  EXPECT_EQ(status, NFS3ERR_TOOSMALL);
}

TEST_F(NfsRawTest, ReaddirPages) {
  for (int i = 0; i < 40; i++) ASSERT_EQ(Create(root_, "r" + std::to_string(i), GUARDED), NFS3_OK);
  std::set<std::string> seen;
  cookie3 cookie = 0;
  char verf[8] = {};
  bool eof = false;
  for (int pages = 0; !eof && pages < 100; pages++) {
    std::string d = root_;
    READDIR3args a{};
    a.dir = Fh3(d);
    a.cookie = cookie;
    std::memcpy(a.cookieverf, verf, 8);
    a.count = 512;
    int status = -1;
    client_->Call(
        [&](rpc_context* r, rpc_cb cb, void* pd) { return rpc_nfs3_readdir_async(r, cb, &a, pd); },
        [&](void* data) {
          auto* res = static_cast<READDIR3res*>(data);
          status = res->status;
          if (status != NFS3_OK) return;
          auto& ok = res->READDIR3res_u.resok;
          std::memcpy(verf, ok.cookieverf, 8);
          for (const RawDirEntry& e : CopyEntries(ok.reply.entries)) {
            EXPECT_TRUE(seen.insert(e.name).second);
            cookie = e.cookie;
          }
          eof = ok.reply.eof;
        });
    ASSERT_EQ(status, NFS3_OK);
  }
  EXPECT_EQ(seen.size(), 42u);
}

TEST_F(NfsRawTest, StaleAfterDeleteAndBadHandle) {
  std::string fh;
  ASSERT_EQ(Create(root_, "doomed", GUARDED, nullptr, &fh), NFS3_OK);
  EXPECT_EQ(Getattr(fh), NFS3_OK);
  ASSERT_EQ(Remove(root_, "doomed"), NFS3_OK);
  EXPECT_EQ(Getattr(fh), NFS3ERR_STALE);
  EXPECT_EQ(Write(fh, 0, "x", FILE_SYNC), NFS3ERR_STALE);
  EXPECT_EQ(Remove(root_, "doomed"), NFS3ERR_NOENT);

  std::string bad = fh;
  bad[0] = 9;  // unknown version
  EXPECT_EQ(Getattr(bad), NFS3ERR_BADHANDLE);
  EXPECT_EQ(Getattr("short"), NFS3ERR_BADHANDLE);
  std::string wrong_gen = fh;
  wrong_gen[19] ^= 1;
  std::string root_wrong_gen = root_;
  root_wrong_gen[19] ^= 1;
  EXPECT_EQ(Getattr(root_wrong_gen), NFS3ERR_STALE);
}

TEST_F(NfsRawTest, SyncModeWriteStabilityAndCommit) {
  std::string fh;
  ASSERT_EQ(Create(root_, "w", GUARDED, nullptr, &fh), NFS3_OK);
  stable_how committed;
  std::string verf1, verf2, cverf;
  wcc_data wcc{};
  ASSERT_EQ(Write(fh, 0, "unstable", UNSTABLE, &committed, &verf1, &wcc), NFS3_OK);
  EXPECT_EQ(committed, UNSTABLE);
  ASSERT_TRUE(wcc.before.attributes_follow);
  EXPECT_EQ(wcc.before.pre_op_attr_u.attributes.size, 0u);
  ASSERT_TRUE(wcc.after.attributes_follow);
  EXPECT_EQ(wcc.after.post_op_attr_u.attributes.size, 8u);
  ASSERT_EQ(Write(fh, 8, "-sync", FILE_SYNC, &committed, &verf2), NFS3_OK);
  EXPECT_EQ(committed, FILE_SYNC);
  ASSERT_EQ(Write(fh, 13, "-data", DATA_SYNC, &committed), NFS3_OK);
  EXPECT_EQ(committed, FILE_SYNC);
  ASSERT_EQ(Commit(fh, &cverf), NFS3_OK);
  EXPECT_EQ(verf1, verf2);
  EXPECT_EQ(verf1, cverf);
  EXPECT_EQ(Read(fh, 0, 100), "unstable-sync-data");

  // COMMIT is durable: the data survives a crash (no clean shutdown).
  StopServer();
  client_.reset();
  env_->Restart(/*clean=*/false);
  StartServer();
  Reconnect();
  EXPECT_EQ(Read(fh, 0, 100), "unstable-sync-data");
  std::string verf3;
  ASSERT_EQ(Write(fh, 0, "U", UNSTABLE, &committed, &verf3), NFS3_OK);
  EXPECT_NE(verf3, verf1) << "the write verifier must change across a restart";
}

TEST_F(NfsRawTest, FileSyncWriteIsDurableWithoutCommit) {
  std::string fh;
  ASSERT_EQ(Create(root_, "fs", GUARDED, nullptr, &fh), NFS3_OK);
  ASSERT_EQ(Write(fh, 0, "durable", FILE_SYNC), NFS3_OK);
  StopServer();
  client_.reset();
  env_->Restart(/*clean=*/false);
  StartServer();
  Reconnect();
  EXPECT_EQ(Read(fh, 0, 100), "durable");
}

TEST_F(NfsRawTest, BufferedModeAnswersFileSync) {
  StopServer();
  client_.reset();
  StartServer(config::NfsWriteMode::kBuffered);
  Reconnect();
  std::string fh;
  ASSERT_EQ(Create(root_, "b", GUARDED, nullptr, &fh), NFS3_OK);
  stable_how committed = UNSTABLE;
  ASSERT_EQ(Write(fh, 0, "fast", UNSTABLE, &committed), NFS3_OK);
  EXPECT_EQ(committed, FILE_SYNC);
}

TEST_F(NfsRawTest, HandlesStayValidAcrossRestart) {
  std::string fh;
  ASSERT_EQ(Create(root_, "kept", GUARDED, nullptr, &fh), NFS3_OK);
  ASSERT_EQ(Write(fh, 0, "kept data", FILE_SYNC), NFS3_OK);
  std::string old_root = root_;
  client_.reset();
  RestartAll();
  Reconnect();
  EXPECT_EQ(root_, old_root);
  fattr3 attr{};
  EXPECT_EQ(Getattr(fh, &attr), NFS3_OK);
  EXPECT_EQ(attr.size, 9u);
  EXPECT_EQ(Read(fh, 0, 100), "kept data");
  EXPECT_EQ(client_->Lookup(root_, "kept"), fh);
  ASSERT_EQ(Remove(root_, "kept"), NFS3_OK);
  EXPECT_EQ(Getattr(fh), NFS3ERR_STALE);
}

TEST_F(NfsRawTest, LookupErrors) {
  int status = 0;
  EXPECT_EQ(client_->Lookup(root_, "absent", &status), "");
  EXPECT_EQ(status, NFS3ERR_NOENT);
  std::string fh;
  ASSERT_EQ(Create(root_, "file", GUARDED, nullptr, &fh), NFS3_OK);
  client_->Lookup(fh, "x", &status);
  EXPECT_EQ(status, NFS3ERR_NOTDIR);
  client_->Lookup(root_, std::string(300, 'n'), &status);
  EXPECT_EQ(status, NFS3ERR_NAMETOOLONG);
}

}  // namespace
}  // namespace zerofs::nfs::testing
