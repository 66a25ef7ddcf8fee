// READDIR, READDIRPLUS (RFC 1813 sections 3.3.16, 3.3.17).
//
// Cookies are the fs core's directory cookies, which stay valid for the
// life of the directory (across restarts too), so the cookie verifier is
// one fixed value. A non-zero cookie with a verifier that is neither that
// value nor zero answers NFS3ERR_BAD_COOKIE.
//
// Budgets: READDIR's count and READDIRPLUS's maxcount bound the encoded
// result (capped at 1 MiB); READDIRPLUS's dircount bounds the bytes of
// fileid + name + cookie. At least one entry is always returned when the
// total budget can hold it, else NFS3ERR_TOOSMALL.
#include <algorithm>

#include "base/coding.h"
#include "nfs/errors.h"
#include "nfs/file_handle.h"
#include "nfs/nfs3_proc.h"

namespace zerofs::nfs {

namespace {

constexpr uint64_t kCookieVerfValue = 0x5a46530000000001ull;  // "ZFS" 0 0 0 0 1
// status + post_op_attr + cookieverf + end-of-list + eof.
constexpr size_t kReplyOverhead = 4 + kPostOpAttrSize + kCookieVerfSize + 4 + 4;
constexpr size_t kMaxEntriesPerFetch = 4096;

std::string CookieVerf() {
  std::string v;
  PutBE64(&v, kCookieVerfValue);
  return v;
}

bool VerifierOk(const ReaddirArgs& a) {
  if (a.cookie == 0) return true;
  return a.verf == CookieVerf() || a.verf == std::string(kCookieVerfSize, '\0');
}

// Size of fileid + name + cookie in XDR.
size_t DirInfoSize(const fs::DirEntry& e) {
  return 8 + 4 + e.name.size() + XdrPad(e.name.size()) + 8;
}

void Readdir(const NfsCall& call, const ReaddirArgs& a, bool plus, XdrEncoder* res) {
  fs::Attr dir;
  Nfsstat3 st = ResolveHandle(call, a.dir, &dir);
  if (st == Nfsstat3::kOk && !VerifierOk(a)) st = Nfsstat3::kBadCookie;
  if (st != Nfsstat3::kOk) {
    res->PutU32(static_cast<uint32_t>(st));
    EncodePostOpAttr(res, st == Nfsstat3::kBadCookie ? std::optional<fs::Attr>(dir) : std::nullopt);
    return;
  }
  size_t total_budget = std::min<size_t>(plus ? a.maxcount : a.count, kMaxTransfer);
  size_t dir_budget = plus ? a.count : SIZE_MAX;
  size_t used = kReplyOverhead, dir_used = 0;
  XdrEncoder list;
  size_t n = 0;
  bool eof = false, full = false;
  uint64_t cookie = a.cookie;
  while (!full && !eof) {
    size_t fetch =
        std::clamp<size_t>((total_budget - std::min(used, total_budget)) / (plus ? 128 : 24) + 1, 1,
                           kMaxEntriesPerFetch);
    auto r = call.fs()->ReadDir(call.cred, dir.ino, cookie, {fetch, plus});
    if (!r.ok()) {
      res->PutU32(static_cast<uint32_t>(ToNfsstat3(r.error())));
      EncodePostOpAttr(res, AttrOrNone(call, dir.ino));
      return;
    }
    for (const auto& e : r->entries) {
      size_t info = DirInfoSize(e);
      size_t size = 4 + info;
      if (plus) {
        size += e.attr ? kPostOpAttrSize + 4 + 4 + kFileHandleSize : 4 + 4;
      }
      if (used + size > total_budget || (n > 0 && dir_used + info > dir_budget)) {
        full = true;
        break;
      }
      used += size;
      dir_used += info;
      n++;
      list.PutBool(true);
      list.PutU64(e.ino);
      list.PutOpaque(e.name);
      list.PutU64(e.cookie);
      if (plus) {
        EncodePostOpAttr(&list, e.attr);
        EncodePostOpFh(&list, e.attr);
      }
      cookie = e.cookie;
    }
    if (!full) eof = r->eof || r->entries.empty();
  }
  if (n == 0 && full) {
    res->PutU32(static_cast<uint32_t>(Nfsstat3::kToosmall));
    EncodePostOpAttr(res, dir);
    return;
  }
  res->Reserve(list.size() + kReplyOverhead);
  res->PutU32(static_cast<uint32_t>(Nfsstat3::kOk));
  EncodePostOpAttr(res, AttrOrNone(call, dir.ino));
  res->PutFixed(CookieVerf());
  res->PutFixed(list.bytes());  // already a multiple of four bytes
  res->PutBool(false);          // end of list
  res->PutBool(eof);
}

}  // namespace

void Nfs3Readdir(const NfsCall& call, const ReaddirArgs& a, XdrEncoder* res) {
  Readdir(call, a, /*plus=*/false, res);
}

void Nfs3Readdirplus(const NfsCall& call, const ReaddirArgs& a, XdrEncoder* res) {
  Readdir(call, a, /*plus=*/true, res);
}

}  // namespace zerofs::nfs
