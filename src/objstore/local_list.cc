#include "objstore/local_list.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "objstore/local_layout.h"

namespace zerofs::objstore {
namespace {

struct Child {
  std::string sort_name;  // name, plus '/' for a directory
  std::string name;
  bool is_dir;
};

class Walker {
 public:
  Walker(std::string_view prefix, std::string_view after, size_t limit,
         std::vector<LocalEntry>* out)
      : prefix_(prefix), after_(after), limit_(limit), out_(out) {}

  // Walks the directory open as `dir_fd` (closed here), whose keys start with
  // `dir_key` ("" or "a/b/").
  int Walk(int dir_fd, const std::string& dir_key) {
    DIR* dir = fdopendir(dir_fd);
    if (dir == nullptr) {
      int err = errno;
      close(dir_fd);
      failed_path_ = dir_key;
      return err;
    }
    std::vector<Child> children;
    int err = ReadChildren(dir, &children);
    if (err == 0) err = VisitChildren(dirfd(dir), dir_key, &children);
    if (err != 0 && failed_path_.empty()) failed_path_ = dir_key;
    closedir(dir);
    return err;
  }

  const std::string& failed_path() const { return failed_path_; }

 private:
  int ReadChildren(DIR* dir, std::vector<Child>* children) {
    while (true) {
      errno = 0;
      struct dirent* ent = readdir(dir);
      if (ent == nullptr) return errno;
      std::string_view name = ent->d_name;
      if (name == "." || name == ".." || IsReservedName(name)) continue;
      bool is_dir;
      if (ent->d_type == DT_DIR) {
        is_dir = true;
      } else if (ent->d_type == DT_REG) {
        is_dir = false;
      } else if (ent->d_type == DT_UNKNOWN) {
        struct stat st;
        if (fstatat(dirfd(dir), ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) continue;
        is_dir = S_ISDIR(st.st_mode);
      } else {
        continue;
      }
      children->push_back(
          Child{std::string(name) + (is_dir ? "/" : ""), std::string(name), is_dir});
    }
  }

  int VisitChildren(int dir_fd, const std::string& dir_key, std::vector<Child>* children) {
    std::sort(children->begin(), children->end(),
              [](const Child& a, const Child& b) { return a.sort_name < b.sort_name; });
    for (const Child& child : *children) {
      if (out_->size() >= limit_) return 0;
      std::string full = dir_key + child.sort_name;
      bool matches = full.starts_with(prefix_);
      if (!matches && !(child.is_dir && prefix_.starts_with(full))) {
        if (full > prefix_) return 0;  // sorted: nothing later can match
        continue;
      }
      if (child.is_dir) {
        // Every key under `full` sorts before `after_` unless `after_` itself
        // lies inside the subtree or before it.
        if (!after_.empty() && after_ > full && !after_.starts_with(full)) continue;
        int fd = openat(dir_fd, child.name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
          int err = errno;
          if (err == ENOENT || err == ENOTDIR) continue;  // removed meanwhile
          failed_path_ = full;
          return err;
        }
        int err = Walk(fd, full);
        if (err != 0) return err;
      } else {
        if (!after_.empty() && full <= after_) continue;
        LocalEntry entry;
        if (fstatat(dir_fd, child.name.c_str(), &entry.st, AT_SYMLINK_NOFOLLOW) != 0) {
          int err = errno;
          if (err == ENOENT) continue;  // deleted meanwhile
          failed_path_ = full;
          return err;
        }
        if (!S_ISREG(entry.st.st_mode)) continue;
        entry.key = std::move(full);
        out_->push_back(std::move(entry));
      }
    }
    return 0;
  }

  const std::string_view prefix_;
  const std::string_view after_;
  const size_t limit_;
  std::vector<LocalEntry>* const out_;
  std::string failed_path_;
};

}  // namespace

int WalkLocalTree(int root_fd, std::string_view prefix, std::string_view after, size_t limit,
                  std::vector<LocalEntry>* out, std::string* failed_path) {
  // Start in the deepest directory the prefix names: "segments/00" -> "segments/".
  size_t slash = prefix.rfind('/');
  std::string start =
      slash == std::string_view::npos ? "" : std::string(prefix.substr(0, slash + 1));
  if (!start.empty() && InvalidKeyReason(std::string_view(start).substr(0, start.size() - 1))) {
    return 0;  // no valid key lives under such a directory
  }
  int fd = openat(root_fd, start.empty() ? "." : start.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return 0;
    *failed_path = start;
    return err;
  }
  Walker walker(prefix, after, limit, out);
  int err = walker.Walk(fd, start);
  if (err != 0) *failed_path = walker.failed_path();
  return err;
}

int SweepLocalTree(int dir_fd, uint64_t cutoff_ns, size_t* removed) {
  DIR* dir = fdopendir(dir_fd);
  if (dir == nullptr) {
    int err = errno;
    close(dir_fd);
    return err;
  }
  std::vector<std::string> subdirs;
  int err = 0;
  while (true) {
    errno = 0;
    struct dirent* ent = readdir(dir);
    if (ent == nullptr) {
      err = errno;
      break;
    }
    std::string_view name = ent->d_name;
    if (name == "." || name == "..") continue;
    struct stat st;
    if (fstatat(dirfd(dir), ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      subdirs.emplace_back(name);
    } else if (S_ISREG(st.st_mode) && IsTempName(name) && StatNanos(st.st_mtim) < cutoff_ns) {
      if (unlinkat(dirfd(dir), ent->d_name, 0) == 0) ++*removed;
    }
  }
  for (const std::string& sub : subdirs) {
    if (err != 0) break;
    int fd = openat(dirfd(dir), sub.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) err = SweepLocalTree(fd, cutoff_ns, removed);
  }
  closedir(dir);
  return err;
}

}  // namespace zerofs::objstore
