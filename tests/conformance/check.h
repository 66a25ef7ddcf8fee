// Checks for case bodies. Each one that fails records the expression, file:line
// and expected-versus-actual (errno names, not numbers) and returns from the
// case, so a case stops at its first broken rule.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "case.h"

namespace zerofs::conformance {

// "ENOENT" for ENOENT; "errno 1234" when unknown.
std::string ErrName(int64_t err);
// "ENOENT" for a -errno result, "ok (5)" for a value.
std::string ResultName(int64_t r);

inline std::ostream& operator<<(std::ostream& os, const TimeSpec& ts) {
  return os << ts.sec << "." << ts.nsec;
}

template <typename T>
std::string Show(const T& v) {
  std::ostringstream os;
  if constexpr (std::is_same_v<T, std::string>) {
    os << '"' << (v.size() > 64 ? v.substr(0, 64) + "..." : v) << '"';
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    os << '[';
    for (size_t i = 0; i < v.size() && i < 16; ++i) os << (i ? ", " : "") << Show(v[i]);
    os << (v.size() > 16 ? ", ...]" : "]");
  } else {
    os << v;
  }
  return os.str();
}

}  // namespace zerofs::conformance

#define CONF_FAIL_(msg)                \
  do {                                 \
    t.Fail(__FILE__, __LINE__, (msg)); \
    return;                            \
  } while (0)

// expr returns >= 0 (success) or -errno.
#define CHECK_OK(expr)                                                \
  do {                                                                \
    int64_t conf_r_ = static_cast<int64_t>(expr);                     \
    if (conf_r_ < 0)                                                  \
      CONF_FAIL_(std::string("`" #expr "`: expected success, got ") + \
                 ::zerofs::conformance::ErrName(-conf_r_));           \
  } while (0)

// expr fails with errno e.
#define CHECK_ERR(expr, e)                                                                   \
  do {                                                                                       \
    int64_t conf_r_ = static_cast<int64_t>(expr);                                            \
    if (conf_r_ != -(e))                                                                     \
      CONF_FAIL_(std::string("`" #expr "`: expected ") + ::zerofs::conformance::ErrName(e) + \
                 ", got " + ::zerofs::conformance::ResultName(conf_r_));                     \
  } while (0)

// expr fails with e1 or e2 (where the rules allow either).
#define CHECK_ERR2(expr, e1, e2)                                                              \
  do {                                                                                        \
    int64_t conf_r_ = static_cast<int64_t>(expr);                                             \
    if (conf_r_ != -(e1) && conf_r_ != -(e2))                                                 \
      CONF_FAIL_(std::string("`" #expr "`: expected ") + ::zerofs::conformance::ErrName(e1) + \
                 " or " + ::zerofs::conformance::ErrName(e2) + ", got " +                     \
                 ::zerofs::conformance::ResultName(conf_r_));                                 \
  } while (0)

#define CHECK(cond)                                               \
  do {                                                            \
    if (!(cond)) CONF_FAIL_(std::string("`" #cond "` is false")); \
  } while (0)

#define CHECK_EQ(a, b)                                                                        \
  do {                                                                                        \
    const auto& conf_a_ = (a);                                                                \
    const auto& conf_b_ = (b);                                                                \
    if (!(conf_a_ == conf_b_))                                                                \
      CONF_FAIL_(std::string("`" #a " == " #b "`: ") + ::zerofs::conformance::Show(conf_a_) + \
                 " vs " + ::zerofs::conformance::Show(conf_b_));                              \
  } while (0)

#define CHECK_NE(a, b)                                                                             \
  do {                                                                                             \
    const auto& conf_a_ = (a);                                                                     \
    const auto& conf_b_ = (b);                                                                     \
    if (conf_a_ == conf_b_)                                                                        \
      CONF_FAIL_(std::string("`" #a " != " #b "`: both ") + ::zerofs::conformance::Show(conf_a_)); \
  } while (0)
