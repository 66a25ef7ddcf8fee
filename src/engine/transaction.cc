#include "engine/engine.h"

namespace zerofs::engine {

void Transaction::Put(std::string_view key, std::string_view value) {
  Op op{Op::kPut, std::string(key), std::string(value)};
  ops_.push_back(std::move(op));
}

void Transaction::Delete(std::string_view key) {
  Op op{Op::kDelete, std::string(key), {}};
  ops_.push_back(std::move(op));
}

void Transaction::WriteExtent(uint64_t ino, uint64_t index, std::string data) {
  Op op{Op::kWriteExtent, {}, std::move(data)};
  op.ino = ino;
  op.first = index;
  ops_.push_back(std::move(op));
}

void Transaction::DeleteExtents(uint64_t ino, uint64_t first, uint64_t end) {
  Op op{Op::kDeleteExtents, {}, {}};
  op.ino = ino;
  op.first = first;
  op.end = end;
  ops_.push_back(std::move(op));
}

}  // namespace zerofs::engine
