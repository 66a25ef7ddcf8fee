// "Did you mean ...?" for misspelt configuration keys.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace zerofs::config {

// Returns the candidate closest to `word` by edit distance (insertions,
// deletions, substitutions and swaps of adjacent letters, ignoring case), or
// nullopt when none is close enough to be a plausible typo: at most one edit
// for words up to 4 letters, else at most a third of the word's length.
std::optional<std::string> ClosestName(std::string_view word,
                                       std::span<const std::string_view> candidates);

}  // namespace zerofs::config
