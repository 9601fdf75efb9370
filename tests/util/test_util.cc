#include "tests/util/test_util.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace lsmdb::test {

uint64_t RandomSeed() {
  uint64_t seed;
  if (const char* env = std::getenv("LSMDB_TEST_SEED"); env != nullptr && *env != '\0') {
    seed = std::strtoull(env, nullptr, 10);
  } else {
    seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) %
           1000000007ull;
  }
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::fprintf(stderr, "[seed] %s.%s LSMDB_TEST_SEED=%llu\n", info ? info->test_suite_name() : "?",
               info ? info->name() : "?", static_cast<unsigned long long>(seed));
  return seed;
}

std::string RandomBytes(Random* rnd, size_t len) {
  std::string s(len, '\0');
  for (auto& c : s) c = static_cast<char>(rnd->Uniform(256));
  return s;
}

std::string RandomString(Random* rnd, size_t len) {
  std::string s(len, '\0');
  for (auto& c : s) c = static_cast<char>(' ' + rnd->Uniform(95));
  return s;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/lsmdb_test_XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace lsmdb::test
