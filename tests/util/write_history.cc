#include "tests/util/write_history.h"

#include <cstdint>

#include "tests/util/test_util.h"

namespace lsmdb::test {

std::string RandomKey(Random* rnd) {
  const uint64_t k = rnd->Skewed(10);
  std::string key = "k" + std::to_string(k);
  if (k % 5 == 0) key.append(k % 97, 'x');
  return key;
}

namespace {

// One entry: its value (or deletion) is drawn before its key.
void AddEntry(Random* rnd, std::optional<std::string> value, WriteOp* op) {
  op->entries.emplace_back(RandomKey(rnd), std::move(value));
}

}  // namespace

WriteOp RandomWrite(Random* rnd, ValueLengths lengths) {
  auto value = [&]() -> std::optional<std::string> {
    return RandomString(
        rnd, rnd->OneIn(20) ? rnd->Uniform(lengths.large) : rnd->Uniform(lengths.typical));
  };
  WriteOp op;
  op.sync = rnd->OneIn(5);
  const uint64_t kind = rnd->Uniform(100);
  if (kind < 55) {
    AddEntry(rnd, value(), &op);
  } else if (kind < 70) {
    AddEntry(rnd, std::nullopt, &op);
  } else {
    const int n = 1 + static_cast<int>(rnd->Uniform(8));
    for (int i = 0; i < n; i++) AddEntry(rnd, rnd->OneIn(4) ? std::nullopt : value(), &op);
  }
  return op;
}

std::optional<size_t> History::MatchPrefix(const Model& recovered, std::string* why) const {
  // Walk the prefixes, keeping the number of keys whose value differs from recovered.
  Model cur = base_;
  auto differs = [&](const std::string& k) -> size_t {
    auto a = cur.find(k);
    auto b = recovered.find(k);
    if (a == cur.end() || b == recovered.end()) return (a == cur.end()) != (b == recovered.end());
    return a->second != b->second;
  };
  size_t mismatches = 0;
  for (const auto& [k, v] : cur) mismatches += differs(k);
  for (const auto& [k, v] : recovered) mismatches += cur.count(k) == 0;
  std::optional<size_t> match;
  size_t closest = 0, closest_mismatches = SIZE_MAX;
  for (size_t p = 0;; p++) {
    if (mismatches == 0 && p >= Required()) match = p;
    if (mismatches < closest_mismatches) {
      closest_mismatches = mismatches;
      closest = p;
    }
    if (p == ops_.size()) break;
    for (const auto& [k, v] : ops_[p].entries) {
      mismatches -= differs(k);
      if (v) {
        cur[k] = *v;
      } else {
        cur.erase(k);
      }
      mismatches += differs(k);
    }
  }
  if (match) return match;
  *why = "no prefix in [" + std::to_string(Required()) + ", " + std::to_string(ops_.size()) +
         "] of the attempted writes matches the database (acknowledged " + std::to_string(acked_) +
         ", durable " + std::to_string(durable_) + "); closest prefix " + std::to_string(closest) +
         " differs in " + std::to_string(closest_mismatches) + " keys:";
  Model best = StateAt(closest);
  int shown = 0;
  for (const auto& [k, v] : best) {
    auto r = recovered.find(k);
    if (shown < 3 && (r == recovered.end() || r->second != v)) {
      *why += " [" + k + ": expected " + std::to_string(v.size()) + " bytes, " +
              (r == recovered.end() ? "absent" : "got other bytes") + "]";
      shown++;
    }
  }
  for (const auto& [k, v] : recovered) {
    if (shown < 6 && best.count(k) == 0) {
      *why += " [" + k + ": unexpected]";
      shown++;
    }
  }
  return std::nullopt;
}

}  // namespace lsmdb::test
