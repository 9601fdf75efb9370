// Operation-sequence fuzz target for lsmdb::DB: the input is decoded into a sequence of
// operations (put, delete, batch, get, full scans, seeks, snapshots, flush, compaction,
// reopen) run against a DB on the in-memory file system and against a std::map model.
// Any difference between the two, and any non-OK status, aborts.
//
// Encoding: each operation starts with one byte whose value modulo kNumOps picks it;
// keys take one byte (a small key space, so operations collide), values a length byte
// and that many bytes. An input that runs out simply ends the sequence.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "lsmdb/db.h"
#include "lsmdb/file_system.h"
#include "lsmdb/iterator.h"
#include "lsmdb/options.h"
#include "lsmdb/write_batch.h"

namespace lsmdb::fuzz {
namespace {

using Model = std::map<std::string, std::string>;

enum Op : uint8_t {
  kPut,
  kDelete,
  kBatch,
  kGet,
  kScan,
  kSeek,
  kSnapshot,
  kFlush,
  kCompact,
  kReopen,
  kNumOps,
};

constexpr size_t kMaxOps = 300;
constexpr size_t kMaxSnapshots = 4;
const char* const kPath = "/fuzzdb";

std::string Key(InputReader* in) {
  const uint8_t b = in->Byte();
  std::string key = "k" + std::to_string(b % 48);
  if (b >= 240) key.append(b - 200, 'x');  // a few long keys share a prefix
  return key;
}

std::string Value(InputReader* in) {
  const uint8_t len = in->Byte();
  std::string v = in->Bytes(len % 64);
  if (len >= 250) v.append(size_t{len} * 16, 'v');  // occasionally a large value
  return v;
}

void CheckOk(const Status& s, const char* what) {
  FUZZ_CHECK(s.ok(), std::string(what) + ": " + s.ToString());
}

class Harness {
 public:
  Harness() {
    options_.file_system = NewMemFileSystem();
    options_.create_if_missing = true;
    options_.compression = CompressionType::kNone;
    options_.block_size = 256;
    options_.block_restart_interval = 4;
    options_.write_buffer_size = 64 << 10;
    options_.level0_file_num_compaction_trigger = 2;
    options_.target_file_size = 64 << 10;
    options_.max_bytes_for_level_base = 64 << 10;
    options_.block_cache_capacity = 64 << 10;
    options_.paranoid_checks = true;
    Open();
  }
  ~Harness() { ReleaseSnapshots(); }

  void Run(InputReader* in) {
    for (size_t n = 0; n < kMaxOps && !in->empty(); ++n) Step(in);
    Scan(nullptr, model_);
  }

 private:
  struct Snap {
    const Snapshot* snapshot;
    Model model;
  };

  void Open() {
    db_.reset();
    CheckOk(DB::Open(options_, kPath, &db_), "Open");
  }

  void ReleaseSnapshots() {
    for (Snap& s : snaps_) db_->ReleaseSnapshot(s.snapshot);
    snaps_.clear();
  }

  // Picks the latest state or one of the live snapshots.
  std::pair<const Snapshot*, const Model*> PickView(InputReader* in) {
    const uint8_t b = in->Byte();
    if (snaps_.empty() || b % 2 == 0) return {nullptr, &model_};
    const Snap& s = snaps_[(b / 2) % snaps_.size()];
    return {s.snapshot, &s.model};
  }

  void Step(InputReader* in) {
    const WriteOptions wo;
    switch (in->Byte() % kNumOps) {
      case kPut: {
        std::string k = Key(in);
        std::string v = Value(in);
        CheckOk(db_->Put(wo, k, v), "Put");
        model_[k] = v;
        break;
      }
      case kDelete: {
        std::string k = Key(in);
        CheckOk(db_->Delete(wo, k), "Delete");
        model_.erase(k);
        break;
      }
      case kBatch: {
        WriteBatch batch;
        Model after = model_;
        const int n = in->Byte() % 8;
        for (int i = 0; i < n; ++i) {
          std::string k = Key(in);
          if (in->Byte() % 3 == 0) {
            batch.Delete(k);
            after.erase(k);
          } else {
            std::string v = Value(in);
            batch.Put(k, v);
            after[k] = v;
          }
        }
        CheckOk(db_->Write(wo, &batch), "Write");
        model_ = std::move(after);
        break;
      }
      case kGet: {
        auto [snap, model] = PickView(in);
        std::string k = Key(in);
        ReadOptions ro;
        ro.snapshot = snap;
        std::string v;
        Status s = db_->Get(ro, k, &v);
        auto it = model->find(k);
        if (it == model->end()) {
          FUZZ_CHECK(s.IsNotFound(), "Get(" + k + ") want NotFound, got " + s.ToString());
        } else {
          CheckOk(s, "Get");
          FUZZ_CHECK(v == it->second, "Get(" + k + ") returned a wrong value");
        }
        break;
      }
      case kScan: {
        auto [snap, model] = PickView(in);
        Scan(snap, *model);
        break;
      }
      case kSeek: {
        auto [snap, model] = PickView(in);
        Seek(snap, *model, Key(in), in->Byte() % 2 == 0);
        break;
      }
      case kSnapshot: {
        const uint8_t b = in->Byte();
        if (b % 2 == 0 && snaps_.size() < kMaxSnapshots) {
          snaps_.push_back({db_->GetSnapshot(), model_});
        } else if (!snaps_.empty()) {
          const size_t i = b / 2 % snaps_.size();
          db_->ReleaseSnapshot(snaps_[i].snapshot);
          snaps_.erase(snaps_.begin() + static_cast<std::ptrdiff_t>(i));
        }
        break;
      }
      case kFlush:
        CheckOk(db_->Flush(), "Flush");
        break;
      case kCompact: {
        std::string a = Key(in);
        std::string b = Key(in);
        if (b < a) std::swap(a, b);
        std::string_view begin = a;
        std::string_view end = b;
        const bool whole = in->Byte() % 2 == 0;
        CheckOk(db_->CompactRange(whole ? nullptr : &begin, whole ? nullptr : &end),
                "CompactRange");
        break;
      }
      case kReopen:
        ReleaseSnapshots();
        Open();
        break;
      default:
        break;
    }
  }

  // A full scan forward and backward must equal the model.
  void Scan(const Snapshot* snap, const Model& model) {
    ReadOptions ro;
    ro.snapshot = snap;
    std::unique_ptr<Iterator> it = db_->NewIterator(ro);
    auto m = model.begin();
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++m) {
      FUZZ_CHECK(m != model.end(), "scan has extra key " + std::string(it->key()));
      FUZZ_CHECK(it->key() == m->first, "scan key " + std::string(it->key()) + " want " + m->first);
      FUZZ_CHECK(it->value() == m->second, "scan value differs at " + m->first);
    }
    CheckOk(it->status(), "forward scan");
    FUZZ_CHECK(m == model.end(), "scan misses key " + (m == model.end() ? "" : m->first));
    auto r = model.rbegin();
    for (it->SeekToLast(); it->Valid(); it->Prev(), ++r) {
      FUZZ_CHECK(r != model.rend(), "reverse scan has extra key " + std::string(it->key()));
      FUZZ_CHECK(it->key() == r->first,
                 "reverse scan key " + std::string(it->key()) + " want " + r->first);
      FUZZ_CHECK(it->value() == r->second, "reverse scan value differs at " + r->first);
    }
    CheckOk(it->status(), "backward scan");
    FUZZ_CHECK(r == model.rend(), "reverse scan misses a key");
  }

  // Seek (or SeekForPrev) to target and take a few steps each way, against the model.
  void Seek(const Snapshot* snap, const Model& model, const std::string& target, bool forward) {
    ReadOptions ro;
    ro.snapshot = snap;
    std::unique_ptr<Iterator> it = db_->NewIterator(ro);
    Model::const_iterator m;
    if (forward) {
      it->Seek(target);
      m = model.lower_bound(target);
    } else {
      it->SeekForPrev(target);
      m = model.upper_bound(target);
      m = m == model.begin() ? model.end() : std::prev(m);
    }
    for (int step = 0; step < 4; ++step) {
      CheckOk(it->status(), "seek");
      FUZZ_CHECK(it->Valid() == (m != model.end()),
                 std::string(forward ? "Seek(" : "SeekForPrev(") + target + ") validity");
      if (!it->Valid()) return;
      FUZZ_CHECK(it->key() == m->first, "seek to " + target + " landed on " +
                                            std::string(it->key()) + " want " + m->first);
      FUZZ_CHECK(it->value() == m->second, "seek value differs at " + m->first);
      if (forward) {
        it->Next();
        ++m;
      } else {
        it->Prev();
        m = m == model.begin() ? model.end() : std::prev(m);
      }
    }
  }

  Options options_;
  std::unique_ptr<DB> db_;
  Model model_;
  std::vector<Snap> snaps_;
};

}  // namespace
}  // namespace lsmdb::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lsmdb::fuzz::InputReader in(data, size);
  lsmdb::fuzz::Harness harness;
  harness.Run(&in);
  return 0;
}
