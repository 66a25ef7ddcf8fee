#include "objstore/azure_xml.h"

#include <gtest/gtest.h>

namespace zerofs::objstore::azurexml {
namespace {

TEST(AzureXmlTest, ParsesListBlobsWithEncodedNamesAndMarker) {
  std::string body =
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>"
      "<EnumerationResults ServiceEndpoint=\"http://x/\" ContainerName=\"c\">"
      "<Prefix>p/</Prefix><MaxResults>2</MaxResults><Blobs>"
      "<Blob><Name>p/a</Name><Properties><Content-Length>5</Content-Length>"
      "<Etag>0x8D1</Etag></Properties></Blob>"
      "<Blob><Name Encoded=\"true\">p/%01b</Name><Properties><Content-Length>0</Content-Length>"
      "<Etag>\"0x8D2\"</Etag></Properties></Blob>"
      "</Blobs><NextMarker>2!opaque</NextMarker></EnumerationResults>";
  auto r = ParseListBlobs(body);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->objects.size(), 2u);
  EXPECT_EQ(r->objects[0].key, "p/a");
  EXPECT_EQ(r->objects[0].size, 5u);
  EXPECT_EQ(r->objects[0].etag, "0x8D1");
  EXPECT_EQ(r->objects[1].key, std::string("p/\x01") + "b");
  EXPECT_EQ(r->objects[1].etag, "0x8D2");
  EXPECT_EQ(r->next_marker, "2!opaque");
}

TEST(AzureXmlTest, EmptyListAndLastPage) {
  auto r = ParseListBlobs("<EnumerationResults><Blobs/><NextMarker/></EnumerationResults>");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->objects.empty());
  EXPECT_TRUE(r->next_marker.empty());
}

TEST(AzureXmlTest, GarbageIsAnErrorNotACrash) {
  for (std::string bad : {"", "<", "<Error><Code>x</Code></Error>", "\xff\xfe<a>",
                          "<EnumerationResults><Blobs><Blob><Name>x</Name></Blob></Blobs>"
                          "</EnumerationResults>",
                          "<EnumerationResults><Blobs><Blob><Name>x</Name><Properties>"
                          "<Content-Length>-1</Content-Length></Properties></Blob></Blobs>"
                          "</EnumerationResults>"}) {
    EXPECT_FALSE(ParseListBlobs(bad).ok()) << bad;
  }
}

TEST(AzureXmlTest, BlockListKeepsOrder) {
  EXPECT_EQ(BuildBlockList({"QQ==", "Qg=="}),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><Latest>QQ==</Latest>"
            "<Latest>Qg==</Latest></BlockList>");
}

}  // namespace
}  // namespace zerofs::objstore::azurexml
