// The link-count limit: link(2) gives EMLINK once a file has
// Features::link_max links (65000 on ext4; ZeroFS uses 65535). Reaching it
// takes tens of thousands of links, so that case runs only with --slow.
#include "check.h"
#include "helpers.h"

namespace zerofs::conformance {
namespace {

CASE("link_limits", "st_nlink counts 500 links and drops back as they go") {
  CHECK_OK(t.root.mkdir("d", 0755));
  CHECK_OK(t.root.put("d/f", "x"));
  for (int i = 1; i < 500; ++i) CHECK_OK(t.root.link("d/f", "d/l" + std::to_string(i)));
  CHECK_EQ(t.root.st("d/f").nlink, 500u);
  for (int i = 1; i < 500; ++i) CHECK_OK(t.root.unlink("d/l" + std::to_string(i)));
  CHECK_EQ(t.root.st("d/f").nlink, 1u);
}

CASE("link_limits", "links across many directories all count") {
  CHECK_OK(t.root.put("f", "x"));
  for (int i = 0; i < 20; ++i) {
    std::string d = "d" + std::to_string(i);
    CHECK_OK(t.root.mkdir(d, 0755));
    CHECK_OK(t.root.link("f", d + "/a"));
    CHECK_OK(t.root.link("f", d + "/b"));
  }
  CHECK_EQ(t.root.st("f").nlink, 41u);
}

CASE("link_limits", "link gives EMLINK at the backend's link limit", kFeatLinkMax, kSlow) {
  const uint64_t max = t.features.link_max;
  CHECK(max >= 2);
  CHECK_OK(t.root.put("f", "x"));
  // Spread names over directories to keep any one directory moderate.
  for (uint64_t i = 1; i < max; ++i) {
    const std::string dir = "d" + std::to_string((i - 1) / 10000);
    if ((i - 1) % 10000 == 0) CHECK_OK(t.root.mkdir(dir, 0755));
    CHECK_OK(t.root.link("f", dir + "/" + std::to_string(i)));
  }
  CHECK_EQ(t.root.st("f").nlink, max);
  CHECK_ERR(t.root.link("f", "one-too-many"), EMLINK);
  CHECK_OK(t.root.unlink("d0/1"));
  CHECK_OK(t.root.link("f", "fits-again"));
}

}  // namespace
}  // namespace zerofs::conformance
