#include "nbd/handshake.h"

// GCC 12 reports a false -Wmismatched-new-delete for Asio's awaitable frames
// (allocated and freed by awaitable_frame_base's own operator new/delete).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <spdlog/spdlog.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>

#include "base/coding.h"
#include "nbd/errors.h"
#include "nbd/option_parser.h"
#include "nbd/wire.h"
#include "net/run_blocking.h"

namespace zerofs::nbd {

namespace {

using Kind = ParsedOption::Kind;

// Reads exactly `n` bytes; nullopt on EOF or error.
asio::awaitable<std::optional<std::string>> ReadExact(net::Socket& socket, size_t n) {
  std::string buf(n, '\0');
  boost::system::error_code ec;
  co_await asio::async_read(socket, asio::buffer(buf),
                            asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::nullopt;
  co_return buf;
}

asio::awaitable<bool> WriteAll(net::Socket& socket, const std::string& bytes) {
  boost::system::error_code ec;
  co_await asio::async_write(socket, asio::buffer(bytes),
                             asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

void PutBE16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v));
}

// NBD_REP_INFO replies for INFO/GO: EXPORT and BLOCK_SIZE always (the spec
// lets a server send block sizes unasked), NAME and DESCRIPTION on request.
void AppendInfoReplies(std::string* out, uint32_t option, const ParsedOption& p,
                       const ExportInfo& info, uint16_t tx_flags, const NbdLimits& limits) {
  std::string data;
  PutBE16(&data, kInfoExport);
  PutBE64(&data, info.size);
  PutBE16(&data, tx_flags);
  EncodeOptionReply(out, option, kRepInfo, data);

  data.clear();
  PutBE16(&data, kInfoBlockSize);
  PutBE32(&data, limits.min_block);
  PutBE32(&data, limits.preferred_block);
  PutBE32(&data, limits.max_payload);
  EncodeOptionReply(out, option, kRepInfo, data);

  bool sent_name = false, sent_description = false;
  for (uint16_t request : p.info_requests) {
    if (request == kInfoName && !sent_name) {
      sent_name = true;
      data.clear();
      PutBE16(&data, kInfoName);
      data += info.name;
      EncodeOptionReply(out, option, kRepInfo, data);
    } else if (request == kInfoDescription && !sent_description) {
      sent_description = true;
      data.clear();
      PutBE16(&data, kInfoDescription);
      data += "ZeroFS block device /" + std::string(kExportsDir) + "/" + info.name;
      EncodeOptionReply(out, option, kRepInfo, data);
    }
  }
}

struct Opened {
  ExportInfo info;
  bool read_only = false;
};

// Finds the export and opens its inode for reading and writing (read-only
// when the filesystem refuses writes). Blocking: run on the pool.
Result<Opened> FindAndOpen(Exports* exports, const std::string& name) {
  ZFS_ASSIGN_OR_RETURN(ExportInfo info, exports->Find(name));
  fs::FileSystem* fs = exports->fs();
  const fs::Cred root = fs::Cred::Root();
  bool read_only = fs->options().read_only;
  Status st = fs->Open(root, info.ino, fs::kAccessRead | (read_only ? 0 : fs::kAccessWrite));
  if (!st.ok() && !read_only && st.error().sys_errno() == EROFS) {
    read_only = true;
    st = fs->Open(root, info.ino, fs::kAccessRead);
  }
  if (!st.ok()) return st.error().Wrap("opening export '" + name + "'");
  return Opened{std::move(info), read_only};
}

// Releases what FindAndOpen opened, off the I/O threads.
asio::awaitable<void> Release(const ServerContext& ctx, fs::InodeId ino) {
  auto release = [fs = ctx.exports->fs(), ino] { return fs->Release(ino); };
  auto op = net::RunBlocking(*ctx.pool, std::move(release));
  Status st = co_await std::move(op);
  if (!st.ok()) spdlog::warn("nbd: releasing inode {}: {}", ino, st.error().ToString());
}

}  // namespace

uint16_t TransmissionFlags(bool read_only, bool structured) {
  uint16_t flags = kTxHasFlags | kTxSendFlush | kTxSendFua | kTxSendCache | kTxCanMultiConn;
  if (read_only) {
    flags |= kTxReadOnly;
  } else {
    flags |= kTxSendTrim | kTxSendWriteZeroes | kTxSendFastZero;
  }
  if (structured) flags |= kTxSendDf;
  return flags;
}

asio::awaitable<std::optional<Negotiated>> Negotiate(net::Socket& socket, const ServerContext& ctx,
                                                     const std::string& peer) {
  std::string out;
  EncodeGreeting(&out, kFlagFixedNewstyle | kFlagNoZeroes);
  if (!co_await WriteAll(socket, out)) co_return std::nullopt;

  auto raw_flags = co_await ReadExact(socket, kClientFlagsSize);
  if (!raw_flags) co_return std::nullopt;
  ClientFlags client;
  if (!ParseClientFlags(*raw_flags, &client)) {
    spdlog::warn("nbd: {}: unknown client flags 0x{:08x}; closing", peer,
                 LoadBE32(raw_flags->data()));
    co_return std::nullopt;
  }

  bool structured = false;
  for (;;) {
    auto raw_header = co_await ReadExact(socket, kOptionHeaderSize);
    if (!raw_header) co_return std::nullopt;
    OptionHeader h;
    DecodeOptionHeader(*raw_header, &h);
    switch (CheckOptionHeader(h, ctx.limits.max_option_payload)) {
      case OptionHeaderCheck::kOk:
        break;
      case OptionHeaderCheck::kBadMagic:
        spdlog::warn("nbd: {}: bad option magic; closing", peer);
        co_return std::nullopt;
      case OptionHeaderCheck::kTooBig:
        spdlog::warn("nbd: {}: {} with a {}-byte payload (limit {}); closing", peer,
                     OptionName(h.option), h.length, ctx.limits.max_option_payload);
        if (h.option != kOptExportName) {
          out.clear();
          EncodeOptionReply(&out, h.option, kRepErrTooBig, "option payload too large");
          co_await WriteAll(socket, out);
        }
        co_return std::nullopt;
    }
    auto payload = co_await ReadExact(socket, h.length);
    if (!payload) co_return std::nullopt;
    ParsedOption p = ParseOption(h.option, *payload);
    out.clear();

    switch (p.kind) {
      case Kind::kAbort:
        EncodeOptionReply(&out, h.option, kRepAck, {});
        co_await WriteAll(socket, out);
        co_return std::nullopt;

      case Kind::kStructuredReply:
        structured = true;
        EncodeOptionReply(&out, h.option, kRepAck, {});
        break;

      case Kind::kUnsupported:
        EncodeOptionReply(&out, h.option, kRepErrUnsup, OptionName(h.option) + " is not supported");
        break;

      case Kind::kInvalid:
        spdlog::info("nbd: {}: invalid {}: {}", peer, OptionName(h.option), p.error);
        if (h.option == kOptExportName) co_return std::nullopt;  // no way to reply
        EncodeOptionReply(&out, h.option, kRepErrInvalid, p.error);
        break;

      case Kind::kList: {
        auto list = [&ctx] { return ctx.exports->List(); };
        auto op = net::RunBlocking(*ctx.pool, std::move(list));
        auto names = co_await std::move(op);
        if (!names.ok()) {
          spdlog::warn("nbd: {}: listing exports: {}", peer, names.error().ToString());
          EncodeOptionReply(&out, h.option, ToOptionReplyError(names.error().sys_errno()),
                            "cannot list exports");
          break;
        }
        for (const std::string& name : *names) {
          std::string data;
          PutBE32(&data, static_cast<uint32_t>(name.size()));
          data += name;
          EncodeOptionReply(&out, h.option, kRepServer, data);
        }
        EncodeOptionReply(&out, h.option, kRepAck, {});
        break;
      }

      case Kind::kInfo: {
        auto find = [&] { return ctx.exports->Find(p.name); };
        auto op = net::RunBlocking(*ctx.pool, std::move(find));
        auto info = co_await std::move(op);
        if (!info.ok()) {
          EncodeOptionReply(&out, h.option, ToOptionReplyError(info.error().sys_errno()),
                            info.error().context());
          break;
        }
        bool read_only = ctx.exports->fs()->options().read_only;
        AppendInfoReplies(&out, h.option, p, *info, TransmissionFlags(read_only, structured),
                          ctx.limits);
        EncodeOptionReply(&out, h.option, kRepAck, {});
        break;
      }

      case Kind::kGo:
      case Kind::kExportName: {
        auto open = [&] { return FindAndOpen(ctx.exports, p.name); };
        auto op = net::RunBlocking(*ctx.pool, std::move(open));
        auto opened = co_await std::move(op);
        if (!opened.ok()) {
          spdlog::info("nbd: {}: {}", peer, opened.error().ToString());
          if (p.kind == Kind::kExportName) co_return std::nullopt;  // the spec: close
          EncodeOptionReply(&out, h.option, ToOptionReplyError(opened.error().sys_errno()),
                            opened.error().context());
          break;
        }
        Negotiated n;
        n.export_info = std::move(opened->info);
        n.read_only = opened->read_only;
        n.structured = structured;
        n.tx_flags = TransmissionFlags(n.read_only, structured);
        if (p.kind == Kind::kGo) {
          AppendInfoReplies(&out, h.option, p, n.export_info, n.tx_flags, ctx.limits);
          EncodeOptionReply(&out, h.option, kRepAck, {});
        } else {
          PutBE64(&out, n.export_info.size);
          PutBE16(&out, n.tx_flags);
          if (!client.no_zeroes) out.append(kExportNameZeroes, '\0');
        }
        if (!co_await WriteAll(socket, out)) {
          auto release = Release(ctx, n.export_info.ino);
          co_await std::move(release);
          co_return std::nullopt;
        }
        spdlog::info("nbd: {}: attached export '{}' ({} bytes{})", peer, n.export_info.name,
                     n.export_info.size, n.read_only ? ", read-only" : "");
        co_return n;
      }
    }
    if (!co_await WriteAll(socket, out)) co_return std::nullopt;
  }
}

}  // namespace zerofs::nbd
