#include "tests/util/damage_db.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "io/mem_file_system.h"
#include "lsmdb/db.h"
#include "lsmdb/write_batch.h"
#include "tests/util/db_test_util.h"
#include "tests/util/gated_file_system.h"
#include "tests/util/test_util.h"
#include "util/random.h"
#include "wal/log_reader.h"

namespace lsmdb::test {
namespace {

constexpr size_t kValueSize = 100;
constexpr int kBaseKeys = 1200;

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%05d", i);
  return buf;
}

// Writes through db and records each acknowledged write in model.
class Writer {
 public:
  Writer(DB* db, AckModel* model, Random* rnd) : db_(db), model_(model), rnd_(rnd) {}

  // A value naming its key and write, padded with random bytes to kValueSize.
  std::string Value(const std::string& key) {
    std::string v = key + "@" + std::to_string(model_->size()) + "#";
    v += RandomString(rnd_, kValueSize - v.size());
    return v;
  }
  Status Put(const std::string& key, bool sync = false) {
    std::string v = Value(key);
    WriteOptions wo;
    wo.sync = sync;
    Status s = db_->Put(wo, key, v);
    if (s.ok()) model_->Add({{key, v}}, sync);
    return s;
  }
  Status Delete(const std::string& key, bool sync = false) {
    WriteOptions wo;
    wo.sync = sync;
    Status s = db_->Delete(wo, key);
    if (s.ok()) model_->Add({{key, std::nullopt}}, sync);
    return s;
  }
  // A batch putting keys [first, first + n) but deleting every third.
  Status Batch(int first, int n) {
    WriteBatch batch;
    std::vector<AckModel::Update> updates;
    for (int i = first; i < first + n; i++) {
      const std::string k = Key(i);
      if (i % 3 == 2) {
        batch.Delete(k);
        updates.emplace_back(k, std::nullopt);
      } else {
        std::string v = Value(k);
        batch.Put(k, v);
        updates.emplace_back(k, v);
      }
    }
    Status s = db_->Write(WriteOptions(), &batch);
    if (s.ok()) model_->Add(std::move(updates), false);
    return s;
  }

 private:
  DB* db_;
  AckModel* model_;
  Random* rnd_;
};

#define RETURN_IF_ERROR(expr) \
  do {                        \
    Status _s = (expr);       \
    if (!_s.ok()) return _s;  \
  } while (0)

Status Fail(const std::string& what) { return Status::Aborted("damage db", what); }

std::vector<std::string> Names(FileSystem* fs, std::string_view suffix) {
  std::vector<std::string> names, out;
  fs->GetChildren(kDamageDbDir, &names).PermitUncheckedError();
  for (const auto& n : names) {
    if (n.ends_with(suffix) || (suffix == "MANIFEST" && n.starts_with("MANIFEST-"))) {
      out.push_back(n);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Path(const std::string& name) { return std::string(kDamageDbDir) + "/" + name; }

}  // namespace

Options DamageDbOptions(std::shared_ptr<FileSystem> fs, bool paranoid) {
  Options o = SmallDBOptions(std::move(fs), /*manual_compactions=*/true);
  o.create_if_missing = false;
  o.compression = CompressionType::kNone;
  o.target_file_size = 64 << 10;
  o.paranoid_checks = paranoid;
  return o;
}

Status BuildDamageDb(uint64_t seed, DamageDb* out) {
  auto mem = std::make_shared<MemFileSystem>();
  auto gated = std::make_shared<GatedFileSystem>(mem);
  Options options = DamageDbOptions(gated, false);
  options.create_if_missing = true;
  Random rnd(seed);
  std::unique_ptr<DB> db;

  // 1. The deep tables.
  RETURN_IF_ERROR(DB::Open(options, kDamageDbDir, &db));
  {
    Writer w(db.get(), &out->model, &rnd);
    for (int i = 0; i < kBaseKeys; i++) RETURN_IF_ERROR(w.Put(Key(i)));
    RETURN_IF_ERROR(db->CompactRange(nullptr, nullptr));
  }
  std::string prop;
  db->GetProperty("lsmdb.num-files-at-level1", &prop);
  if (std::stoi(prop) < 2) return Fail("L1 holds " + prop + " tables");
  const std::vector<std::string> deep = Names(mem.get(), ".sst");
  db.reset();
  out->old_manifest_name = Names(mem.get(), "MANIFEST").back();
  RETURN_IF_ERROR(mem->ReadFileToString(Path(out->old_manifest_name), &out->old_manifest));

  // 2. Two L0 tables.
  RETURN_IF_ERROR(DB::Open(options, kDamageDbDir, &db));
  Writer w(db.get(), &out->model, &rnd);
  for (int i = 0; i < kBaseKeys; i++) {
    if (i % 5 == 0) RETURN_IF_ERROR(w.Put(Key(i)));
    if (i % 9 == 0) RETURN_IF_ERROR(w.Delete(Key(i)));
  }
  RETURN_IF_ERROR(db->Flush());
  for (int i = 0; i < kBaseKeys; i++) {
    if (i % 7 == 0) RETURN_IF_ERROR(w.Put(Key(i)));
    if (i % 11 == 1) RETURN_IF_ERROR(w.Delete(Key(i)));
  }
  for (int i = kBaseKeys; i < kBaseKeys + 60; i += 4) RETURN_IF_ERROR(w.Batch(i, 4));
  RETURN_IF_ERROR(db->Flush());
  db->GetProperty("lsmdb.num-files-at-level0", &prop);
  if (prop != "2") return Fail("L0 holds " + prop + " tables, not 2");
  std::vector<std::string> l0;
  for (const std::string& t : Names(mem.get(), ".sst")) {
    if (std::find(deep.begin(), deep.end(), t) == deep.end()) l0.push_back(t);
  }
  if (l0.size() != 2) return Fail("not two new tables");

  // 3. Two live logs: the older one's flush held, then failed.
  gated->Hold();
  for (int i = 0; Names(mem.get(), ".log").size() < 2; i = (i + 3) % kBaseKeys) {
    if (out->model.size() > 20000) return Fail("no memtable switch");
    RETURN_IF_ERROR(w.Put(Key(i)));
  }
  const std::string newest = Names(mem.get(), ".log").back();
  for (int i = 2; i < 2 + 8 * 13; i += 13) RETURN_IF_ERROR(w.Put(Key(i), /*sync=*/true));
  RETURN_IF_ERROR(mem->GetFileSize(Path(newest), &out->newest_log_synced));
  for (int i = 0; i < kBaseKeys; i += 17) {
    RETURN_IF_ERROR(w.Put(Key(i + 3)));
    if (i % 2 == 0) RETURN_IF_ERROR(w.Delete(Key(i + 4)));
    if (i % 5 == 0) RETURN_IF_ERROR(w.Batch(i + 5, 5));
  }
  gated->Release(/*fail_tables=*/true);
  db.reset();
  gated->Release(/*fail_tables=*/false);

  // The files, and which is which.
  std::vector<std::string> names;
  RETURN_IF_ERROR(mem->GetChildren(kDamageDbDir, &names));
  for (const std::string& n : names) {
    if (n == "LOCK" || n.starts_with("LOG")) continue;
    RETURN_IF_ERROR(mem->ReadFileToString(Path(n), &out->files[n]));
  }
  const std::vector<std::string> logs = Names(mem.get(), ".log");
  if (logs.size() != 2 || logs.back() != newest) return Fail("not two live logs");
  out->older_log = logs[0];
  out->newest_log = logs[1];
  out->l0_other = l0[0];
  out->l0_table = l0[1];
  out->deep_table = deep[0];
  out->deep_other = deep[1];
  out->manifest = Names(mem.get(), "MANIFEST").back();
  out->current = "CURRENT";
  if (out->files.count(out->manifest) == 0 || out->files.count("CURRENT") == 0) {
    return Fail("no MANIFEST or CURRENT");
  }

  // The offset of the newest log's last record.
  std::unique_ptr<SequentialFile> file;
  RETURN_IF_ERROR(mem->NewSequentialFile(Path(newest), &file));
  log::Reader reader(file.get(), newest, nullptr);
  std::string scratch;
  std::string_view record;
  while (reader.ReadRecord(&record, &scratch)) out->newest_last_record = reader.LastRecordOffset();
  return Status::OK();
}

}  // namespace lsmdb::test
