// The fids of one connection. Thread-safe: requests of a connection run
// concurrently on its I/O thread and on worker threads. Fids are shared_ptrs so that a Tclunk
// racing a Tread on the same fid cannot free it under the reader.
//
// Unknown fids answer EBADF (the Linux convention for a bad handle); a Twalk
// or Tattach to a fid number already in use also answers EBADF.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "ninep/fid.h"

namespace zerofs::ninep {

class FidTable {
 public:
  Result<std::shared_ptr<Fid>> Get(uint32_t fid) const;
  // EBADF if `fid` is in use.
  Status Insert(uint32_t fid, std::shared_ptr<Fid> f);
  // Installs `f` whether or not `fid` is in use (Tlcreate, walk to self).
  void Replace(uint32_t fid, std::shared_ptr<Fid> f);
  // Takes `fid` out of the table; EBADF if unknown.
  Result<std::shared_ptr<Fid>> Remove(uint32_t fid);
  // Empties the table and hands the fids to the caller, who drops them (and
  // so releases their open files) outside the table's lock.
  std::vector<std::shared_ptr<Fid>> Clear();
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<uint32_t, std::shared_ptr<Fid>> fids_;  // guarded by mu_
};

}  // namespace zerofs::ninep
