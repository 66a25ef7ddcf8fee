#include "nfs_harness.h"

#include <poll.h>

#include <cstring>

namespace zerofs::nfs::testing {

namespace {

struct Pending {
  bool done = false;
  int status = 0;
  const std::function<void(void*)>* on_reply = nullptr;
};

void Callback(rpc_context*, int status, void* data, void* private_data) {
  auto* p = static_cast<Pending*>(private_data);
  p->status = status;
  if (status == RPC_STATUS_SUCCESS && p->on_reply && *p->on_reply) (*p->on_reply)(data);
  p->done = true;
}

bool Pump(rpc_context* rpc, Pending* p) {
  for (int i = 0; !p->done && i < 10000; i++) {
    pollfd pfd{rpc_get_fd(rpc), static_cast<short>(rpc_which_events(rpc)), 0};
    if (poll(&pfd, 1, 1000) < 0) return false;
    if (rpc_service(rpc, pfd.revents) < 0) return false;
  }
  return p->done;
}

}  // namespace

nfs_fh3 Fh3(std::string& bytes) {
  nfs_fh3 fh;
  fh.data.data_len = static_cast<u_int>(bytes.size());
  fh.data.data_val = bytes.data();
  return fh;
}

__attribute__((no_sanitize("alignment"))) std::vector<RawDirEntry> CopyEntries(const entry3* e) {
  std::vector<RawDirEntry> out;
  for (; e; e = e->nextentry) out.push_back({e->fileid, e->name, e->cookie, false, 0, false});
  return out;
}

__attribute__((no_sanitize("alignment"))) std::vector<RawDirEntry> CopyEntries(
    const entryplus3* e) {
  std::vector<RawDirEntry> out;
  for (; e; e = e->nextentry) {
    bool has_attr = e->name_attributes.attributes_follow != 0;
    out.push_back({e->fileid, e->name, e->cookie, has_attr,
                   has_attr ? e->name_attributes.post_op_attr_u.attributes.fileid : 0,
                   e->name_handle.handle_follows != 0});
  }
  return out;
}

std::unique_ptr<RawClient> RawClient::Connect(int port, uint32_t uid, uint32_t gid) {
  auto c = std::make_unique<RawClient>();
  c->rpc_ = rpc_init_context();
  rpc_set_auth(c->rpc_, libnfs_authunix_create("zerofs-test", uid, gid, 0, nullptr));
  Pending p;
  if (rpc_connect_async(c->rpc_, "127.0.0.1", port, Callback, &p) != 0) return nullptr;
  if (!Pump(c->rpc_, &p) || p.status != RPC_STATUS_SUCCESS) return nullptr;
  return c;
}

RawClient::~RawClient() {
  if (rpc_) rpc_destroy_context(rpc_);
}

int RawClient::Call(const std::function<int(rpc_context*, rpc_cb, void*)>& start,
                    const std::function<void(void*)>& on_reply) {
  Pending p;
  p.on_reply = &on_reply;
  if (start(rpc_, Callback, &p) != 0) return -1;
  if (!Pump(rpc_, &p)) return -2;
  return p.status;
}

std::string RawClient::MountRoot() {
  std::string fh;
  char path[] = "/";
  int st = Call(
      [&](rpc_context* r, rpc_cb cb, void* pd) { return rpc_mount3_mnt_async(r, cb, path, pd); },
      [&](void* data) {
        auto* res = static_cast<mountres3*>(data);
        if (res->fhs_status != MNT3_OK) return;
        auto& h = res->mountres3_u.mountinfo.fhandle;
        fh.assign(h.fhandle3_val, h.fhandle3_len);
      });
  EXPECT_EQ(st, RPC_STATUS_SUCCESS);
  return fh;
}

std::string RawClient::Lookup(const std::string& dir, const std::string& name, int* status) {
  std::string d = dir, n = name, out;
  LOOKUP3args args{};
  args.what.dir = Fh3(d);
  args.what.name = n.data();
  int nfs_status = -1;
  Call([&](rpc_context* r, rpc_cb cb, void* pd) { return rpc_nfs3_lookup_async(r, cb, &args, pd); },
       [&](void* data) {
         auto* res = static_cast<LOOKUP3res*>(data);
         nfs_status = res->status;
         if (res->status == NFS3_OK) {
           auto& o = res->LOOKUP3res_u.resok.object.data;
           out.assign(o.data_val, o.data_len);
         }
       });
  if (status) *status = nfs_status;
  return out;
}

void NfsServerTest::SetUp() {
  env_ = zerofs::testing::TestEnv::Create();
  StartServer();
}

void NfsServerTest::TearDown() {
  for (auto* m : mounts_) nfs_destroy_context(m);
  mounts_.clear();
  StopServer();
  env_.reset();
}

void NfsServerTest::StartServer(config::NfsWriteMode mode) {
  NfsServerOptions o;
  o.listen.protocol = "nfs";
  o.listen.tcp.push_back({"127.0.0.1", 0});
  o.write_mode = mode;
  o.worker_threads = 4;
  auto s = StartNfsServer(env_->fs(), o);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  server_ = std::move(s).value();
  std::string ep = server_->Endpoints().at(0);
  port_ = std::stoi(ep.substr(ep.rfind(':') + 1));
}

void NfsServerTest::StopServer() {
  if (server_) server_->Stop();
  server_.reset();
}

void NfsServerTest::RestartAll(bool clean) {
  StopServer();
  env_->Restart(clean);
  StartServer();
}

nfs_context* NfsServerTest::Mount(int uid, int gid) {
  nfs_context* nfs = nfs_init_context();
  std::string url = "nfs://127.0.0.1/?version=3&nfsport=" + std::to_string(port_) +
                    "&mountport=" + std::to_string(port_) + "&uid=" + std::to_string(uid) +
                    "&gid=" + std::to_string(gid);
  nfs_url* u = nfs_parse_url_dir(nfs, url.c_str());
  EXPECT_NE(u, nullptr) << nfs_get_error(nfs);
  if (u == nullptr) return nfs;
  int rc = nfs_mount(nfs, u->server, u->path);
  EXPECT_EQ(rc, 0) << nfs_get_error(nfs);
  nfs_destroy_url(u);
  mounts_.push_back(nfs);
  return nfs;
}

}  // namespace zerofs::nfs::testing

// libnfs 4.0's high-level context leaks 24 bytes per mount inside the
// library (seen with LeakSanitizer, allocation from libnfs.so); the client
// library is not under test.
extern "C" const char* __lsan_default_suppressions() { return "leak:libnfs.so\n"; }
