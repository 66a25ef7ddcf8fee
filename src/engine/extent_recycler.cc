#include "engine/extent_recycler.h"

#include <mutex>
#include <vector>

#include "engine/engine.h"

namespace zerofs::engine {

namespace {

struct Pool {
  std::mutex mu;
  std::vector<std::string*> idle;  // guarded by mu
};

// Never destroyed: extents may be released during static destruction.
Pool& ThePool() {
  static Pool* pool = new Pool;
  return *pool;
}

void GiveBack(const std::string* s) {
  auto* owned = const_cast<std::string*>(s);  // the pool made it; it is not shared any more
  // Only extent-sized strings are worth keeping (a short tail extent's
  // string still has room for a full one if it was one before).
  if (owned->capacity() >= kExtentSize && owned->capacity() < 2 * kExtentSize) {
    Pool& pool = ThePool();
    std::lock_guard<std::mutex> lock(pool.mu);
    if (pool.idle.size() < ExtentRecycler::kMaxPooled) {
      pool.idle.push_back(owned);
      return;
    }
  }
  delete owned;
}

}  // namespace

std::unique_ptr<std::string> ExtentRecycler::Take() {
  Pool& pool = ThePool();
  {
    std::lock_guard<std::mutex> lock(pool.mu);
    if (!pool.idle.empty()) {
      std::unique_ptr<std::string> s(pool.idle.back());
      pool.idle.pop_back();
      return s;
    }
  }
  return std::make_unique<std::string>();
}

std::shared_ptr<const std::string> ExtentRecycler::Share(std::unique_ptr<std::string> s) {
  return std::shared_ptr<const std::string>(s.release(), GiveBack);
}

size_t ExtentRecycler::Pooled() {
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mu);
  return pool.idle.size();
}

}  // namespace zerofs::engine
