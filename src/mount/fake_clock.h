// For the mount's cache tests: a steady clock the test moves by hand.
#pragma once

#include <chrono>
#include <functional>

namespace zerofs::mount {

struct FakeClock {
  using Clock = std::chrono::steady_clock;
  Clock::time_point now = Clock::time_point(std::chrono::seconds(1000));
  std::function<Clock::time_point()> Fn() {
    return [this] { return now; };
  }
};

}  // namespace zerofs::mount
