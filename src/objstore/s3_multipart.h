// Multipart upload of one large object: initiate, upload parts of
// config.part_size in parallel (config.max_parallel_parts threads), complete.
//
// Contract:
//  - Unconditional only. S3 accepts If-None-Match/If-Match on
//    CompleteMultipartUpload, but Ceph RGW ignores them (the upload silently
//    overwrites), so S3Store never routes a conditional put here.
//  - Each part is retried (3 attempts, short backoff) on retryable errors,
//    so one flaky request does not resend the whole object.
//  - On any failure the upload is aborted (best effort: an abort that fails
//    leaves an incomplete upload behind, which costs storage until a bucket
//    lifecycle rule or ListPendingUploads/abort removes it) and the first
//    part error is returned.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "objstore/s3_client.h"
#include "objstore/s3_xml.h"

namespace zerofs::objstore {

// Uploads `data` as `full_key`; returns the ETag (without quotes).
Result<std::string> MultipartPut(S3Client& client, const std::string& full_key,
                                 std::string_view data);

// Multipart uploads in progress whose keys start with `full_prefix`.
Result<std::vector<s3xml::PendingUpload>> ListMultipartUploads(S3Client& client,
                                                               const std::string& full_prefix);

// Aborts one upload (ignores "no such upload").
Status AbortMultipart(S3Client& client, const std::string& full_key, const std::string& upload_id);

}  // namespace zerofs::objstore
