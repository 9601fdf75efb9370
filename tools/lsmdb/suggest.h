// "Did you mean ...?": the nearest of a set of names to a mistyped word.
//
// Distance is the optimal string alignment distance (insertions, deletions,
// substitutions and transpositions of neighbours each cost 1), compared without regard
// to ASCII case, so "cmopact" is one step from "compact" and "STAT" one from "stats".
//
// Thread-safety: plain functions without shared state.
#ifndef LSMDB_TOOLS_LSMDB_SUGGEST_H_
#define LSMDB_TOOLS_LSMDB_SUGGEST_H_

#include <string>
#include <string_view>
#include <vector>

namespace lsmdb::cli {

// The edit distance between a and b, ignoring ASCII case.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate nearest to word, or "" if none is near enough to be a likely typo: at
// most 2 edits, and fewer edits than half the word's length. Ties go to the first.
std::string Nearest(std::string_view word, const std::vector<std::string_view>& candidates);

// " (did you mean 'X'?)" for the nearest candidate, or "" if there is none.
std::string DidYouMean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace lsmdb::cli

#endif  // LSMDB_TOOLS_LSMDB_SUGGEST_H_
