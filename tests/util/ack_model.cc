#include "tests/util/ack_model.h"

namespace lsmdb::test {

void AckModel::Add(std::vector<Update> updates, bool synced) {
  for (const auto& [key, state] : updates) {
    keys_.insert(key);
    latest_[key] = state;
    if (state) history_[key].insert(*state);
  }
  writes_.push_back(std::move(updates));
  if (synced) synced_prefix_ = writes_.size();
}

std::map<std::string, KeyState> AckModel::StateAfter(size_t n) const {
  std::map<std::string, KeyState> state;
  for (const std::string& k : keys_) state[k] = std::nullopt;
  for (size_t i = 0; i < n && i < writes_.size(); i++) {
    for (const auto& [key, s] : writes_[i]) state[key] = s;
  }
  return state;
}

const KeyState& AckModel::Latest(const std::string& key) const {
  static const KeyState kAbsent;
  auto it = latest_.find(key);
  return it == latest_.end() ? kAbsent : it->second;
}

bool AckModel::EverHeld(const std::string& key, const std::string& value) const {
  auto it = history_.find(key);
  return it != history_.end() && it->second.count(value) > 0;
}

Judgement AckModel::JudgeLatest(const Observation& obs) const {
  Judgement j;
  for (const auto& [key, got] : obs.seen) {
    const KeyState& want = Latest(key);
    if (got == want) continue;
    if (!got) {
      j.missing++;
    } else {
      j.wrong++;
      if (!EverHeld(key, *got)) j.garbage++;
    }
    if (j.example.empty()) {
      j.example =
          key + " read " +
          (got ? "a value of " + std::to_string(got->size()) + " bytes" : std::string("absent")) +
          ", latest " + (want ? "a value" : std::string("absent"));
    }
  }
  return j;
}

bool AckModel::MatchesPrefix(const Observation& obs, size_t min_prefix) const {
  // Walk the prefixes from min_prefix on, keeping the count of observed keys whose
  // state differs from the prefix's.
  std::map<std::string, KeyState> state = StateAfter(min_prefix);
  size_t mismatches = 0;
  for (const auto& [key, got] : obs.seen) {
    if (state[key] != got) mismatches++;
  }
  if (mismatches == 0) return true;
  for (size_t i = min_prefix; i < writes_.size(); i++) {
    for (const auto& [key, s] : writes_[i]) {
      auto o = obs.seen.find(key);
      if (o == obs.seen.end()) {
        state[key] = s;
        continue;
      }
      const bool before = state[key] == o->second;
      state[key] = s;
      const bool after = state[key] == o->second;
      if (before && !after) mismatches++;
      if (!before && after) mismatches--;
    }
    if (mismatches == 0) return true;
  }
  return false;
}

}  // namespace lsmdb::test
