#include "objstore/s3_xml.h"

#include <gtest/gtest.h>

#include <random>

namespace zerofs::objstore::s3xml {
namespace {

TEST(S3XmlTest, ParsesErrorBodies) {
  auto e = ParseError(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
      "<Message>The specified key does not exist.</Message><Key>a</Key></Error>");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, "NoSuchKey");
  EXPECT_EQ(e->message, "The specified key does not exist.");
  EXPECT_FALSE(ParseError("").has_value());
  EXPECT_FALSE(ParseError("<html>502 Bad Gateway</html>").has_value());
  EXPECT_FALSE(ParseError("<Error><Message>no code</Message></Error>").has_value());
  EXPECT_FALSE(ParseError("<Error><Code>Trunc").has_value());
}

TEST(S3XmlTest, ParsesListObjectsV2WithNamespaceAndUrlEncoding) {
  auto r = ParseListObjectsV2(
      "<?xml version=\"1.0\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Name>b</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>"
      "<EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>tok/+=</NextContinuationToken>"
      "<Contents><Key>p/a%20b</Key><Size>5</Size><ETag>&quot;abc&quot;</ETag></Contents>"
      "<Contents><Key>p/%C3%BC</Key><Size>0</Size><ETag>\"d-2\"</ETag><Owner/></Contents>"
      "<CommonPrefixes><Prefix>p/x/</Prefix></CommonPrefixes></ListBucketResult>");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->objects.size(), 2u);
  EXPECT_EQ(r->objects[0].key, "p/a b");
  EXPECT_EQ(r->objects[0].size, 5u);
  EXPECT_EQ(r->objects[0].etag, "abc");
  EXPECT_EQ(r->objects[1].key, "p/\xc3\xbc");
  EXPECT_EQ(r->objects[1].etag, "d-2");
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->next_token, "tok/+=");
}

TEST(S3XmlTest, KeysAreNotDecodedWithoutEncodingType) {
  auto r = ParseListObjectsV2(
      "<ListBucketResult><IsTruncated>false</IsTruncated>"
      "<Contents><Key>a%41</Key><Size>1</Size></Contents></ListBucketResult>");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->objects[0].key, "a%41");
  EXPECT_FALSE(r->truncated);
}

TEST(S3XmlTest, RejectsMalformedListings) {
  EXPECT_FALSE(ParseListObjectsV2("").ok());
  EXPECT_FALSE(ParseListObjectsV2("not xml at all").ok());
  EXPECT_FALSE(ParseListObjectsV2("<Error><Code>X</Code></Error>").ok());
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><Contents><Key>a</Key><Size>-1</Size>"
                                  "</Contents></ListBucketResult>")
                   .ok());
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><Contents><Key>a</Key><Size>1x</Size>"
                                  "</Contents></ListBucketResult>")
                   .ok());
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><Contents><Size>1</Size></Contents>"
                                  "</ListBucketResult>")
                   .ok());
  // Truncated but no token would loop forever.
  auto r =
      ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kIoError);
  EXPECT_NE(r.error().context().find("continuation token"), std::string::npos);
}

TEST(S3XmlTest, RandomGarbageNeverCrashes) {
  std::mt19937 rng(1);
  const std::string seed =
      "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t"
      "</NextContinuationToken><Contents><Key>k</Key><Size>3</Size></Contents></ListBucketResult>";
  for (int i = 0; i < 2000; i++) {
    std::string s = seed;
    int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; f++) s[rng() % s.size()] = static_cast<char>(rng());
    if (rng() % 4 == 0) s.resize(rng() % s.size());
    ParseListObjectsV2(s).Ignore();
    ParseError(s).has_value();
    ParseInitiateMultipart(s).Ignore();
    ParseCompleteMultipart(s).Ignore();
    ParseDeleteResult(s).Ignore();
    ParseListMultipartUploads(s).Ignore();
  }
}

TEST(S3XmlTest, MultipartResponses) {
  auto id = ParseInitiateMultipart(
      "<InitiateMultipartUploadResult xmlns=\"x\"><Bucket>b</Bucket><Key>k</Key>"
      "<UploadId>2~abc</UploadId></InitiateMultipartUploadResult>");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "2~abc");
  EXPECT_FALSE(ParseInitiateMultipart("<InitiateMultipartUploadResult/>").ok());

  auto done = ParseCompleteMultipart(
      "<CompleteMultipartUploadResult><ETag>\"e-3\"</ETag></CompleteMultipartUploadResult>");
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->etag, "e-3");
  EXPECT_FALSE(done->error.has_value());
  // 200 OK with an error inside, as S3 may answer a long Complete.
  auto failed = ParseCompleteMultipart(
      "<Error><Code>InternalError</Code><Message>try again</Message></Error>");
  ASSERT_TRUE(failed.ok());
  ASSERT_TRUE(failed->error.has_value());
  EXPECT_EQ(failed->error->code, "InternalError");

  auto uploads = ParseListMultipartUploads(
      "<ListMultipartUploadsResult><Upload><Key>a</Key><UploadId>1</UploadId></Upload>"
      "<Upload><Key>b</Key><UploadId>2</UploadId></Upload></ListMultipartUploadsResult>");
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->size(), 2u);
  EXPECT_EQ((*uploads)[1].key, "b");
  EXPECT_EQ((*uploads)[1].upload_id, "2");
}

TEST(S3XmlTest, DeleteResultListsOnlyErrors) {
  auto r = ParseDeleteResult(
      "<DeleteResult><Deleted><Key>a</Key></Deleted><Error><Key>b</Key><Code>AccessDenied</Code>"
      "<Message>no</Message></Error></DeleteResult>");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].key, "b");
  EXPECT_EQ((*r)[0].code, "AccessDenied");
  EXPECT_TRUE(ParseDeleteResult("<DeleteResult/>")->empty());
}

TEST(S3XmlTest, RequestBodiesEscapeKeys) {
  EXPECT_EQ(BuildDeleteRequest({"a&b", "<c>"}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>"
            "<Object><Key>a&amp;b</Key></Object><Object><Key>&lt;c&gt;</Key></Object></Delete>");
  EXPECT_EQ(BuildCompleteMultipart({{1, "e1"}, {2, "e2"}}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload>"
            "<Part><PartNumber>1</PartNumber><ETag>\"e1\"</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>\"e2\"</ETag></Part></CompleteMultipartUpload>");
}

TEST(S3XmlTest, EtagsAndUrlDecoding) {
  EXPECT_EQ(StripQuotes("\"abc\""), "abc");
  EXPECT_EQ(StripQuotes("abc"), "abc");
  EXPECT_EQ(StripQuotes("W/\"abc\""), "abc");
  EXPECT_EQ(StripQuotes("\""), "\"");
  EXPECT_EQ(UrlDecode("a%20b%2f%zz%4"), "a b/%zz%4");
  EXPECT_EQ(UrlDecode("a+b"), "a+b");
}

}  // namespace
}  // namespace zerofs::objstore::s3xml
