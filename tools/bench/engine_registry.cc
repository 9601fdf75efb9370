// Which engines this binary was built with (see CMakeLists.txt: each store is optional).
#include "engine.h"

namespace lsmdb::bench {

std::vector<std::string> BuiltEngines() {
  std::vector<std::string> names;
#ifdef LSMDB_BENCH_HAVE_LSMDB
  names.emplace_back("lsmdb");
#endif
#ifdef LSMDB_BENCH_HAVE_LEVELDB
  names.emplace_back("leveldb");
#endif
#ifdef LSMDB_BENCH_HAVE_ROCKSDB
  names.emplace_back("rocksdb");
#endif
  return names;
}

std::unique_ptr<Engine> NewEngine(std::string_view name) {
#ifdef LSMDB_BENCH_HAVE_LSMDB
  if (name == "lsmdb") return NewLsmdbEngine();
#endif
#ifdef LSMDB_BENCH_HAVE_LEVELDB
  if (name == "leveldb") return NewLevelDBEngine();
#endif
#ifdef LSMDB_BENCH_HAVE_ROCKSDB
  if (name == "rocksdb") return NewRocksDBEngine();
#endif
  (void)name;
  return nullptr;
}

}  // namespace lsmdb::bench
