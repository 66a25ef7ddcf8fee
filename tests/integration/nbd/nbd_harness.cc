#include "nbd_harness.h"

#include <chrono>
#include <random>
#include <thread>

#include "nbd/exports.h"

namespace zerofs::nbd::testing {

void NbdServerTest::SetUp() {
  env_ = zerofs::testing::TestEnv::Create();
  StartServer();
}

void NbdServerTest::TearDown() {
  StopServer();
  env_.reset();
}

void NbdServerTest::StartServer() {
  NbdServerOptions opts;
  opts.listen.tcp.push_back(config::ListenAddress{"127.0.0.1", 0});
  socket_path_ = env_->dir() + "/nbd.sock";
  opts.listen.unix_socket = socket_path_;
  opts.worker_threads = 8;
  opts.limits = limits_;
  auto server = StartNbdServer(env_->fs(), opts);
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  server_ = std::move(*server);
  const std::string ep = server_->Endpoints().at(0);
  port_ = ep.substr(ep.rfind(':') + 1);
}

void NbdServerTest::StopServer() {
  if (server_) server_->Stop();
  server_.reset();
}

void NbdServerTest::RestartAll(bool clean) {
  StopServer();
  env_->Restart(clean);
  StartServer();
}

fs::InodeId NbdServerTest::ExportsDir() {
  auto dir = fs()->Lookup(fs::Cred::Root(), fs::kRootInode, kExportsDir);
  EXPECT_TRUE(dir.ok()) << dir.error().ToString();
  return dir.ok() ? dir->ino : 0;
}

fs::InodeId NbdServerTest::MakeExport(const std::string& name, uint64_t size) {
  auto created = fs()->Create(fs::Cred::Root(), ExportsDir(), name, 0644, false);
  EXPECT_TRUE(created.ok()) << created.error().ToString();
  if (!created.ok()) return 0;
  fs::SetAttrRequest req;
  req.size = size;
  auto set = fs()->SetAttr(fs::Cred::Root(), created->attr.ino, req);
  EXPECT_TRUE(set.ok()) << set.error().ToString();
  return created->attr.ino;
}

bool NbdServerTest::WaitForOpenInodes(size_t n) {
  for (int i = 0; i < 500; i++) {
    if (fs()->OpenInodeCount() == n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return fs()->OpenInodeCount() == n;
}

Handle NbdServerTest::NewHandle(const std::string& export_name, bool structured) {
  Handle h(nbd_create());
  EXPECT_NE(h, nullptr);
  EXPECT_EQ(nbd_set_export_name(h.get(), export_name.c_str()), 0);
  EXPECT_EQ(nbd_set_request_structured_replies(h.get(), structured), 0);
  return h;
}

int NbdServerTest::ConnectTcp(nbd_handle* h) {
  return nbd_connect_tcp(h, "127.0.0.1", port_.c_str());
}

Handle NbdServerTest::Connect(const std::string& export_name, bool structured, bool unix_socket) {
  Handle h = NewHandle(export_name, structured);
  int rc = unix_socket ? nbd_connect_unix(h.get(), socket_path_.c_str()) : ConnectTcp(h.get());
  EXPECT_EQ(rc, 0) << NbdError();
  return h;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::string NbdError() {
  const char* e = nbd_get_error();
  return std::string(e ? e : "(no error)") + " (errno " + std::to_string(nbd_get_errno()) + ")";
}

}  // namespace zerofs::nbd::testing
