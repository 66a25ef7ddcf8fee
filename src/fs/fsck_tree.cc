#include "fs/fsck_tree.h"

#include <functional>
#include <string_view>
#include <unordered_map>

#include "base/coding.h"
#include "fs/directory.h"
#include "fs/inode.h"
#include "fs/keys.h"
#include "fs/stats_counters.h"

namespace zerofs::fs {

namespace {

constexpr size_t kPage = 4096;

// Calls `fn` for every pair under `prefix`, in pages.
Status ScanAll(engine::Engine* engine, const std::string& prefix,
               const std::function<void(const std::string&, const std::string&)>& fn) {
  std::string after;
  for (;;) {
    ZFS_ASSIGN_OR_RETURN(auto rows, engine->Scan(prefix, after, kPage));
    for (auto& [k, v] : rows) fn(k, v);
    if (rows.size() < kPage) return OkStatus();
    after = rows.back().first;
  }
}

struct Node {
  InodeRecord rec;
  uint64_t refs = 0;      // entries naming it
  uint64_t subdirs = 0;   // directories: child directories
  InodeId entry_dir = 0;  // directories: the directory holding its entry
  uint64_t entries = 0;   // directories: entry count
  uint64_t cookies = 0;   // directories: cookie-key count
  bool orphan = false;
};

}  // namespace

std::string FsckReport::ToString() const {
  std::string s = std::to_string(inodes) + " inodes, " + std::to_string(directories) +
                  " directories, " + std::to_string(entries) + " entries, " +
                  std::to_string(orphans) + " orphans, " + std::to_string(xattrs) + " xattrs";
  if (problems.empty()) return s + ": consistent";
  s += ": " + std::to_string(problems.size()) + " problems";
  for (const auto& p : problems) s += "\n  " + p;
  return s;
}

Result<FsckReport> CheckConsistency(engine::Engine* engine) {
  FsckReport report;
  auto problem = [&](std::string p) {
    if (report.problems.size() < 1000) report.problems.push_back(std::move(p));
  };
  std::unordered_map<InodeId, Node> nodes;
  InodeId max_ino = 0;
  uint64_t file_bytes = 0;

  ZFS_RETURN_IF_ERROR(ScanAll(engine, keys::InodePrefix(), [&](const auto& k, const auto& v) {
    InodeId ino;
    Node n;
    if (!keys::ParseInode(k, &ino) || !InodeRecord::DecodeFrom(v, &n.rec)) {
      problem("undecodable inode record");
      return;
    }
    if (n.rec.type == FileType::kRegular) file_bytes += n.rec.size;
    if (n.rec.is_dir()) report.directories++;
    max_ino = std::max(max_ino, ino);
    nodes.emplace(ino, std::move(n));
  }));
  report.inodes = nodes.size();
  auto root = nodes.find(kRootInode);
  if (root == nodes.end() || !root->second.rec.is_dir()) problem("no root directory");

  ZFS_RETURN_IF_ERROR(ScanAll(engine, keys::OrphanPrefix(), [&](const auto& k, const auto&) {
    InodeId ino;
    if (!keys::ParseOrphan(k, &ino)) return problem("undecodable orphan key");
    report.orphans++;
    auto it = nodes.find(ino);
    if (it == nodes.end()) return problem("orphan mark of missing inode " + std::to_string(ino));
    it->second.orphan = true;
  }));

  std::vector<std::pair<std::string, EntryValue>> to_check;  // (cookie key, entry)
  ZFS_RETURN_IF_ERROR(
      ScanAll(engine, std::string(1, keys::kEntry), [&](const auto& k, const auto& v) {
        InodeId dir;
        std::string_view name;
        EntryValue e;
        if (!keys::ParseEntry(k, &dir, &name) || !DecodeEntry(v, &e)) {
          return problem("undecodable directory entry");
        }
        report.entries++;
        std::string where = "entry " + std::to_string(dir) + "/" + std::string(name);
        auto d = nodes.find(dir);
        if (d == nodes.end() || !d->second.rec.is_dir()) {
          return problem(where + ": not in an existing directory");
        }
        d->second.entries++;
        if (e.cookie < kFirstEntryCookie || e.cookie >= d->second.rec.next_cookie) {
          problem(where + ": cookie out of range");
        }
        auto c = nodes.find(e.ino);
        if (c == nodes.end())
          return problem(where + ": names missing inode " + std::to_string(e.ino));
        if (c->second.rec.type != e.type) problem(where + ": type differs from the inode's");
        c->second.refs++;
        if (c->second.rec.is_dir()) {
          d->second.subdirs++;
          c->second.entry_dir = dir;
        }
        to_check.emplace_back(keys::Cookie(dir, e.cookie), e);
        to_check.back().second.cookie = e.cookie;
      }));
  for (auto& [ckey, e] : to_check) {
    ZFS_ASSIGN_OR_RETURN(auto v, engine->Get(ckey));
    InodeId ino;
    FileType type;
    std::string name;
    if (!v || !DecodeCookieValue(*v, &ino, &type, &name) || ino != e.ino || type != e.type) {
      problem("entry without a matching cookie record (cookie " + std::to_string(e.cookie) + ")");
    }
  }
  ZFS_RETURN_IF_ERROR(
      ScanAll(engine, std::string(1, keys::kCookie), [&](const auto& k, const auto&) {
        InodeId dir;
        uint64_t cookie;
        if (!keys::ParseCookie(k, &dir, &cookie)) return problem("undecodable cookie key");
        auto d = nodes.find(dir);
        if (d == nodes.end()) return problem("cookie record in missing directory");
        d->second.cookies++;
      }));

  for (auto& [ino, n] : nodes) {
    std::string where = "inode " + std::to_string(ino);
    if (n.rec.is_dir()) {
      if (n.entries != n.cookies) problem(where + ": entry and cookie counts differ");
      uint32_t want = 2 + static_cast<uint32_t>(n.subdirs);
      if (ino == kRootInode) {
        if (n.refs != 0) problem(where + ": the root has an entry");
        if (n.rec.parent != kRootInode) problem(where + ": the root is not its own parent");
        if (n.rec.nlink != want) problem(where + ": root nlink " + std::to_string(n.rec.nlink));
        continue;
      }
      if (n.refs == 0) {
        if (!(n.orphan && n.rec.nlink == 0 && n.entries == 0)) {
          problem(where + ": directory without an entry (leaked)");
        }
        continue;
      }
      if (n.refs > 1) problem(where + ": directory with " + std::to_string(n.refs) + " entries");
      if (n.rec.parent != n.entry_dir) {
        problem(where + ": parent " + std::to_string(n.rec.parent) + " but entry in " +
                std::to_string(n.entry_dir));
      }
      if (n.rec.nlink != want) {
        problem(where + ": nlink " + std::to_string(n.rec.nlink) + ", expected " +
                std::to_string(want));
      }
    } else {
      if (n.refs == 0 && !(n.orphan && n.rec.nlink == 0)) {
        problem(where + ": no entries and not an orphan (leaked)");
      } else if (n.rec.nlink != n.refs) {
        problem(where + ": nlink " + std::to_string(n.rec.nlink) + " but " +
                std::to_string(n.refs) + " entries");
      }
    }
    if (n.orphan && n.rec.nlink != 0) problem(where + ": orphan mark on a linked inode");
  }

  ZFS_RETURN_IF_ERROR(
      ScanAll(engine, std::string(1, keys::kXattr), [&](const auto& k, const auto&) {
        InodeId ino;
        std::string_view name;
        if (!keys::ParseXattr(k, &ino, &name)) return problem("undecodable xattr key");
        report.xattrs++;
        if (!nodes.count(ino)) problem("xattr of missing inode " + std::to_string(ino));
      }));

  int64_t stat_inodes = 0, stat_bytes = 0;
  ZFS_RETURN_IF_ERROR(ScanAll(engine, keys::StatsPrefix(), [&](const auto&, const auto& v) {
    if (v.size() != 17 || static_cast<uint8_t>(v[0]) != kStatsRecordVersion) {
      return problem("undecodable stats record");
    }
    stat_inodes += static_cast<int64_t>(LoadLE64(v.data() + 1));
    stat_bytes += static_cast<int64_t>(LoadLE64(v.data() + 9));
  }));
  if (stat_inodes != static_cast<int64_t>(nodes.size())) {
    problem("stats count " + std::to_string(stat_inodes) + " inodes, found " +
            std::to_string(nodes.size()));
  }
  if (stat_bytes != static_cast<int64_t>(file_bytes)) {
    problem("stats count " + std::to_string(stat_bytes) + " bytes, files hold " +
            std::to_string(file_bytes));
  }
  ZFS_ASSIGN_OR_RETURN(auto next, engine->Get(keys::NextInode()));
  if (next && next->size() == 9) {
    if (LoadLE64(next->data() + 1) <= max_ino) problem("inode counter not above every inode");
  } else if (max_ino > kRootInode || next) {
    problem("missing or undecodable inode counter");
  }
  return report;
}

}  // namespace zerofs::fs
