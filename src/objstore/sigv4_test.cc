// SigV4 against the worked examples AWS publishes: the S3 "Signature
// Calculations for the Authorization Header" examples (GET Object, PUT
// Object, GET Bucket Lifecycle, GET Bucket), the signing-key derivation
// example of the general reference, and "get-vanilla" of the SigV4 test suite.
#include "objstore/sigv4.h"

#include <gtest/gtest.h>

namespace zerofs::objstore::sigv4 {
namespace {

constexpr char kS3KeyId[] = "AKIAIOSFODNN7EXAMPLE";
constexpr char kS3Secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kEmptySha[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kS3Date[] = "20130524T000000Z";

std::string HeaderValue(const Request& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "<missing>";
}

// `r` as it was signed: without the Authorization header Sign() appended.
Request Unsigned(Request r) {
  std::erase_if(r.headers, [](const auto& h) { return h.first == "Authorization"; });
  return r;
}

std::string SignatureOf(const Request& r) {
  std::string auth = HeaderValue(r, "Authorization");
  return auth.substr(auth.rfind('=') + 1);
}

TEST(SigV4Test, Sha256OfEmptyAndText) {
  EXPECT_EQ(Sha256Hex(""), kEmptySha);
  EXPECT_EQ(Sha256Hex("Welcome to Amazon S3."),
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
}

TEST(SigV4Test, SigningKeyDerivationExample) {
  EXPECT_EQ(HexEncode(SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                 "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4Test, S3GetObjectExample) {
  Request r{"GET",
            "/test.txt",
            {},
            {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}},
            kEmptySha};
  Sign(&r, {kS3KeyId, kS3Secret, ""}, "us-east-1", "s3", kS3Date);
  EXPECT_EQ(
      CanonicalRequest(Unsigned(r)),
      "GET\n/test.txt\n\n"
      "host:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n\n"
      "host;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HeaderValue(r, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4Test, S3PutObjectExample) {
  Request r{"PUT",
            "/" + UriEncode("test$file.text", true),
            {},
            {{"Host", "examplebucket.s3.amazonaws.com"},
             {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
             {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
            Sha256Hex("Welcome to Amazon S3.")};
  EXPECT_EQ(r.path, "/test%24file.text");
  Sign(&r, {kS3KeyId, kS3Secret, ""}, "us-east-1", "s3", kS3Date);
  EXPECT_EQ(SignedHeaders(Unsigned(r).headers),
            "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  EXPECT_EQ(SignatureOf(r), "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4Test, S3GetBucketLifecycleExample) {
  Request r{
      "GET", "/", {{"lifecycle", ""}}, {{"Host", "examplebucket.s3.amazonaws.com"}}, kEmptySha};
  Sign(&r, {kS3KeyId, kS3Secret, ""}, "us-east-1", "s3", kS3Date);
  EXPECT_EQ(SignatureOf(r), "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4Test, S3ListObjectsExample) {
  Request r{"GET",
            "/",
            {{"prefix", "J"}, {"max-keys", "2"}},  // out of order on purpose
            {{"Host", "examplebucket.s3.amazonaws.com"}},
            kEmptySha};
  EXPECT_EQ(CanonicalQuery(r.query), "max-keys=2&prefix=J");
  Sign(&r, {kS3KeyId, kS3Secret, ""}, "us-east-1", "s3", kS3Date);
  EXPECT_EQ(SignatureOf(r), "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4Test, TestSuiteGetVanilla) {
  Request r{"GET",
            "/",
            {},
            {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
            kEmptySha};
  std::string canonical = CanonicalRequest(r);
  EXPECT_EQ(canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n" +
                std::string(kEmptySha));
  std::string scope = Scope("20150830", "us-east-1", "service");
  std::string to_sign = StringToSign("20150830T123600Z", scope, canonical);
  EXPECT_EQ(to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  std::string key =
      SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service");
  EXPECT_EQ(HexEncode(HmacSha256(key, to_sign)),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Test, SessionTokenIsSentAndSigned) {
  Request r{"GET", "/k", {}, {{"host", "h"}}, kEmptySha};
  Sign(&r, {"AKID", "secret", "TOKEN/with+chars"}, "us-east-1", "s3", kS3Date);
  EXPECT_EQ(HeaderValue(r, "x-amz-security-token"), "TOKEN/with+chars");
  EXPECT_NE(HeaderValue(r, "Authorization").find("x-amz-security-token"), std::string::npos);
  EXPECT_EQ(HeaderValue(r, "Authorization").find("secret"), std::string::npos);
}

TEST(SigV4Test, HeaderValuesAreTrimmedAndNamesMerged) {
  Request r{"GET", "/", {}, {{"Host", "h"}, {"X-A", "  a   b  "}, {"x-a", "c"}}, kEmptySha};
  EXPECT_EQ(CanonicalRequest(r),
            "GET\n/\n\nhost:h\nx-a:a b,c\n\nhost;x-a\n" + std::string(kEmptySha));
}

TEST(SigV4Test, UriEncoding) {
  EXPECT_EQ(UriEncode("a b/c~d.e_f-g", true), "a%20b/c~d.e_f-g");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(UriEncode("\xff+=", false), "%FF%2B%3D");
  EXPECT_EQ(CanonicalQuery({{"uploads", ""}, {"a b", "x/y"}}), "a%20b=x%2Fy&uploads=");
}

TEST(SigV4Test, Md5Base64) {
  // RFC 1321 test vector "abc" = 900150983cd24fb0d6963f7d28e17f72.
  EXPECT_EQ(Md5Base64("abc"), "kAFQmDzST7DWlj99KOF/cg==");
}

}  // namespace
}  // namespace zerofs::objstore::sigv4
