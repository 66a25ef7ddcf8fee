#include "mount/options.h"

#include <gtest/gtest.h>

namespace zerofs::mount {
namespace {

TEST(MountOptionsTest, OwnOptionsAreTakenAndTheRestGoToFuse) {
  MountOptions o;
  ASSERT_TRUE(ApplyMountOptionList(
                  "allow_other,entry_timeout=2.5,attr_timeout=0,no_writeback_cache,aname=/x,ro,"
                  "negative_timeout=0.5",
                  &o)
                  .ok());
  EXPECT_EQ(o.entry_timeout, 2.5);
  EXPECT_EQ(o.negative_timeout, 0.5);
  EXPECT_EQ(o.attr_timeout, 0);
  EXPECT_FALSE(o.writeback_cache);
  EXPECT_EQ(o.aname, "/x");
  EXPECT_TRUE(o.read_only);
  EXPECT_EQ(o.fuse_options, std::vector<std::string>{"allow_other"});
}

TEST(MountOptionsTest, ReaddirplusIsOnUnlessTurnedOff) {
  MountOptions o;
  EXPECT_TRUE(o.readdirplus);
  ASSERT_TRUE(ApplyMountOptionList("no_readdirplus", &o).ok());
  EXPECT_FALSE(o.readdirplus);
  ASSERT_TRUE(ApplyMountOptionList("readdirplus", &o).ok());
  EXPECT_TRUE(o.readdirplus);
  EXPECT_TRUE(o.fuse_options.empty());
}

TEST(MountOptionsTest, BadValuesAreNamed) {
  MountOptions o;
  auto s = ApplyMountOption("entry_timeout=soon", &o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().context().find("entry_timeout"), std::string::npos);
  EXPECT_FALSE(ApplyMountOption("msize=12", &o).ok());
}

TEST(MountOptionsTest, ValidateNamesABadAddressAndMountpoint) {
  MountOptions o;
  o.address = "nohost";
  o.mountpoint = "/";
  auto s = Validate(&o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().context().find("bad address 'nohost'"), std::string::npos);

  o.address = "127.0.0.1:564";
  o.mountpoint = "/nonexistent/zerofs-mnt";
  s = Validate(&o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().context().find("bad mountpoint '/nonexistent/zerofs-mnt'"),
            std::string::npos);

  o.mountpoint = "/";
  EXPECT_TRUE(Validate(&o).ok());
  o.address = "[::1]:564";
  EXPECT_TRUE(Validate(&o).ok());
  o.address = "/run/zerofs.sock";
  EXPECT_TRUE(Validate(&o).ok());
  EXPECT_EQ(o.address, "unix:/run/zerofs.sock");
}

}  // namespace
}  // namespace zerofs::mount
