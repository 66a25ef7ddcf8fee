#include "ninep/placement.h"

#include <gtest/gtest.h>

#include "ninep/codec.h"

namespace zerofs::ninep {
namespace {

Placement PlaceOf(const TMessage& msg) { return Place(EncodeRequest(1, msg)); }

TEST(PlacementTest, MetadataReadsRunInline) {
  EXPECT_EQ(PlaceOf(Tgetattr{1, kGetattrBasic}), Placement::kInline);
  EXPECT_EQ(PlaceOf(Tstatfs{1}), Placement::kInline);
  EXPECT_EQ(PlaceOf(Twalk{1, 2, {"a", "b"}}), Placement::kInline);
  EXPECT_EQ(PlaceOf(Txattrcreate{1, "user.x", 3, 0}), Placement::kInline);
}

TEST(PlacementTest, WalkOntoItselfWaitsForIdle) {
  // The replaced Fid may hold the last open reference.
  EXPECT_EQ(PlaceOf(Twalk{3, 3, {"a"}}), Placement::kInlineIfIdle);
}

TEST(PlacementTest, ReadsAndClunksTryTheCache) {
  EXPECT_EQ(PlaceOf(Tread{1, 0, 4096}), Placement::kTryInline);
  EXPECT_EQ(PlaceOf(Tclunk{1}), Placement::kTryInline);
}

TEST(PlacementTest, MetadataChangesRunInlineWhenIdle) {
  EXPECT_EQ(PlaceOf(Tmkdir{1, "d", 0755, 0}), Placement::kInlineIfIdle);
  EXPECT_EQ(PlaceOf(Tunlinkat{1, "d", 0}), Placement::kInlineIfIdle);
  EXPECT_EQ(PlaceOf(Tlopen{1, 0}), Placement::kInlineIfIdle);
  EXPECT_EQ(PlaceOf(Trenameat2{1, "a", 1, "b", kRenameExchange}), PlaceOf(Trenameat{}));
  EXPECT_EQ(PlaceOf(Tunlinkatplus{{1, "d", 0}}), PlaceOf(Tunlinkat{}));
  EXPECT_EQ(PlaceOf(Treclaim{1, 2, 3}), PlaceOf(Tlopen{}));
  EXPECT_EQ(PlaceOf(Tsession{std::string(kSessionKeySize, 'k')}), Placement::kInline);
}

TEST(PlacementTest, WhatMayWaitOnTheStoreRunsOnAWorker) {
  std::string data = "x";
  EXPECT_EQ(PlaceOf(Twrite{1, 0, data}), Placement::kWorker);
  EXPECT_EQ(PlaceOf(Tfsync{1, 0}), Placement::kWorker);
  EXPECT_EQ(PlaceOf(Treaddir{1, 0, 8192}), Placement::kWorker);
  EXPECT_EQ(PlaceOf(Treaddirplus{1, 0, 8192}), Placement::kWorker);
  EXPECT_EQ(PlaceOf(Tsetattrplus{}), PlaceOf(Tsetattr{}));
  EXPECT_EQ(PlaceOf(Tattach{1, kNoFid, "root", "", 0}), Placement::kWorker);
}

TEST(PlacementTest, ShortOrUnknownFramesAreAnsweredInline) {
  EXPECT_EQ(Place(""), Placement::kInline);
  EXPECT_EQ(Place(std::string("\x07\x00\x00\x00\xff\x01\x00", 7)), Placement::kInline);
}

}  // namespace
}  // namespace zerofs::ninep
