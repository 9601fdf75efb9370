// Crash tests with real processes for docs/DESIGN.md §1, promises 1 and 2: a forked child
// writes to a database in a real directory from several threads and reports each
// acknowledged write through a pipe; the parent kills it with SIGKILL once K writes were
// acknowledged (K random, sometimes 0: a kill during open), reopens the database and
// checks that
//   - every acknowledged write is there, sync or not (both survive a process crash), or
//     superseded by a later write of the same thread;
//   - each thread's keys hold exactly the effect of a prefix of that thread's writes, so
//     no batch is torn and nothing is lost in the middle.
// Each thread owns its keys and numbers its writes 1, 2, 3, ...; write i of thread t is a
// pure function of (seed, t, i), so the parent can replay any thread's history. The next
// child resumes each thread after the last write found, and is killed in turn.
//
// The seed is printed (LSMDB_TEST_SEED replays it); LSMDB_KILL_CYCLES sets the number of
// kill cycles (default 50).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lsmdb/db.h"
#include "tests/util/test_util.h"

namespace lsmdb {
namespace {

constexpr int kThreads = 4;
constexpr int kKeysPerThread = 64;
// A fresh database every this many cycles (so kills during creation are covered too).
constexpr int kCyclesPerDatabase = 25;

std::string KeyName(int thread, int key) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "t%d/k%03d", thread, key);
  return buf;
}

// Write i of thread t: one Put, or a batch of Puts (and maybe a Delete) of one value.
struct ThreadWrite {
  std::vector<int> puts;
  int del = -1;  // a key the batch deletes, or -1
  bool sync = false;
  std::string value;
};

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

ThreadWrite MakeWrite(uint64_t seed, int thread, uint64_t i) {
  Random r(Mix(Mix(seed) ^ Mix(static_cast<uint64_t>(thread) << 48 ^ i)));
  ThreadWrite w;
  w.sync = r.OneIn(6);
  if (r.OneIn(3)) {
    const int n = 2 + static_cast<int>(r.Uniform(5));
    const int first = static_cast<int>(r.Uniform(kKeysPerThread));
    for (int j = 0; j < n; j++) w.puts.push_back((first + j * 7) % kKeysPerThread);
    if (r.OneIn(2)) w.del = (first + n * 7) % kKeysPerThread;
  } else {
    w.puts.push_back(static_cast<int>(r.Uniform(kKeysPerThread)));
  }
  const size_t len = r.OneIn(10) ? 1000 + r.Uniform(3000) : r.Uniform(200);
  w.value =
      "t" + std::to_string(thread) + "#" + std::to_string(i) + ":" + test::RandomString(&r, len);
  return w;
}

// What a child reports after each acknowledged write.
struct Ack {
  uint32_t thread;
  uint32_t pad;
  uint64_t index;
};
static_assert(sizeof(Ack) <= PIPE_BUF, "acks must be written atomically");

Options TestOptions() {
  Options o;
  o.create_if_missing = true;
  o.write_buffer_size = 64 << 10;
  o.max_manifest_file_size = 4096;
  o.target_file_size = 64 << 10;
  return o;
}

// The child: writes forever (until killed) from kThreads threads, thread t starting at
// write next[t]. Never returns.
[[noreturn]] void RunWriter(const std::string& path, uint64_t seed,
                            const std::array<uint64_t, kThreads>& next, int fd) {
  std::unique_ptr<DB> db;
  Status s = DB::Open(TestOptions(), path, &db);
  if (!s.ok()) {
    std::fprintf(stderr, "writer: open: %s\n", s.ToString().c_str());
    _exit(2);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      for (uint64_t i = next[t]; i < next[t] + 1000000; i++) {
        ThreadWrite w = MakeWrite(seed, t, i);
        WriteOptions wo;
        wo.sync = w.sync;
        Status st;
        if (w.puts.size() == 1 && w.del < 0) {
          st = db->Put(wo, KeyName(t, w.puts[0]), w.value);
        } else {
          WriteBatch b;
          for (int k : w.puts) b.Put(KeyName(t, k), w.value);
          if (w.del >= 0) b.Delete(KeyName(t, w.del));
          st = db->Write(wo, &b);
        }
        if (!st.ok()) {
          std::fprintf(stderr, "writer: thread %d write %llu: %s\n", t,
                       static_cast<unsigned long long>(i), st.ToString().c_str());
          _exit(3);
        }
        Ack a{static_cast<uint32_t>(t), 0, i};
        if (write(fd, &a, sizeof(a)) != static_cast<ssize_t>(sizeof(a))) _exit(4);
      }
      _exit(0);
    });
  }
  for (auto& th : threads) th.join();
  _exit(0);
}

bool ReadAck(int fd, Ack* a) {
  size_t got = 0;
  auto* p = reinterpret_cast<char*>(a);
  while (got < sizeof(*a)) {
    ssize_t n = read(fd, p + got, sizeof(*a) - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  return true;
}

// Kills and reaps the child when it goes out of scope, also when an assertion returns
// early.
struct ChildGuard {
  ~ChildGuard() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
  pid_t pid = -1;
};

// Per thread: the write index each key holds (0: absent), after write `last` of the thread.
struct ThreadState {
  std::array<uint64_t, kKeysPerThread> keys{};
  uint64_t last = 0;
};

void Replay(uint64_t seed, int thread, uint64_t i, ThreadState* st) {
  ThreadWrite w = MakeWrite(seed, thread, i);
  for (int k : w.puts) st->keys[k] = i;
  if (w.del >= 0) st->keys[w.del] = 0;
  st->last = i;
}

TEST(KillTest, SigkillKeepsEveryAcknowledgedWriteAndWholeBatches) {
  const uint64_t seed = test::RandomSeed();
  Random rnd(seed);
  const char* env = std::getenv("LSMDB_KILL_CYCLES");
  const int cycles = env != nullptr && std::atoi(env) > 0 ? std::atoi(env) : 50;
  test::TempDir dir;
  std::string path;
  std::array<ThreadState, kThreads> state;  // as of the last check
  // Since the last check: the newest acknowledged write of each thread, and counts.
  std::array<uint64_t, kThreads> acked{};
  uint64_t acks = 0, sync_acks = 0;
  uint64_t acks_checked = 0, sync_acks_checked = 0, kills_in_open = 0, found_beyond_acks = 0;
  int checks = 0;

  for (int cycle = 0; cycle < cycles; cycle++) {
    SCOPED_TRACE("kill cycle " + std::to_string(cycle));
    if (cycle % kCyclesPerDatabase == 0) {
      path = dir.path() + "/db" + std::to_string(cycle);
      state = {};
    }
    // A thread resumes after its last write found or acknowledged. At most one write
    // after that (the one in flight at the kill) can be applied; it is redone unchanged.
    std::array<uint64_t, kThreads> next;
    for (int t = 0; t < kThreads; t++) next[t] = std::max(state[t].last, acked[t]) + 1;
    // Kill after K acknowledgements; now and then at once (during open).
    const uint64_t kill_after = rnd.OneIn(10) ? 0 : 1 + rnd.Uniform(rnd.OneIn(3) ? 300 : 3000);
    // Half the time the next writer, not this test, recovers what this one left, so that
    // kills also land in the middle of a real recovery.
    const bool check = rnd.OneIn(2) || cycle + 1 == cycles || (cycle + 1) % kCyclesPerDatabase == 0;

    int fds[2];
    ASSERT_EQ(0, pipe(fds));
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      RunWriter(path, seed, next, fds[1]);
    }
    ChildGuard guard;
    guard.pid = pid;
    close(fds[1]);
    const uint64_t acks_before = acks;
    Ack a;
    auto record = [&] {
      if (a.thread >= kThreads) return false;
      acked[a.thread] = std::max(acked[a.thread], a.index);
      acks++;
      if (MakeWrite(seed, static_cast<int>(a.thread), a.index).sync) sync_acks++;
      return true;
    };
    while (acks - acks_before < kill_after && ReadAck(fds[0], &a))
      ASSERT_TRUE(record()) << "bad ack";
    kill(pid, SIGKILL);
    while (ReadAck(fds[0], &a)) ASSERT_TRUE(record()) << "bad ack";  // sent before death
    close(fds[0]);
    int status = 0;
    ASSERT_EQ(pid, waitpid(pid, &status, 0));
    guard.pid = -1;
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the writer died on its own with status " << status << " (see its stderr)";
    if (acks == acks_before) kills_in_open++;
    if (!check) continue;
    checks++;

    std::unique_ptr<DB> db;
    Status s = DB::Open(TestOptions(), path, &db);
    ASSERT_TRUE(s.ok()) << s.ToString();
    // What each thread's keys hold: the write index in each value, checked byte for byte.
    std::array<std::array<uint64_t, kKeysPerThread>, kThreads> found{};
    auto it = db->NewIterator({});
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      int t = -1, key = -1;
      unsigned long long index = 0;
      const std::string k(it->key()), v(it->value());
      ASSERT_EQ(2, std::sscanf(k.c_str(), "t%d/k%d", &t, &key)) << "unexpected key " << k;
      ASSERT_TRUE(t >= 0 && t < kThreads && key >= 0 && key < kKeysPerThread) << k;
      ASSERT_EQ(KeyName(t, key), k);
      int vt = -1;
      ASSERT_EQ(2, std::sscanf(v.c_str(), "t%d#%llu:", &vt, &index)) << k << ": bad value";
      ASSERT_EQ(t, vt) << k << " holds another thread's value";
      ASSERT_EQ(MakeWrite(seed, t, index).value, v) << k << ": damaged value of write " << index;
      found[t][key] = index;
    }
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    it.reset();
    db.reset();

    for (int t = 0; t < kThreads; t++) {
      SCOPED_TRACE("thread " + std::to_string(t));
      // The newest write present; the writes after the last check up to it must all be
      // applied, none after it.
      uint64_t newest = state[t].last;
      for (uint64_t i : found[t]) newest = std::max(newest, i);
      ASSERT_GE(newest, acked[t]) << "acknowledged write " << acked[t] << " was lost";
      found_beyond_acks += newest - std::max(acked[t], state[t].last);
      for (uint64_t i = state[t].last + 1; i <= newest; i++) Replay(seed, t, i, &state[t]);
      state[t].last = newest;
      for (int key = 0; key < kKeysPerThread; key++) {
        ASSERT_EQ(state[t].keys[key], found[t][key])
            << KeyName(t, key) << ": not the state after writes 1.." << newest
            << " of the thread (a lost or torn write)";
      }
    }
    acks_checked += acks;
    sync_acks_checked += sync_acks;
    acks = sync_acks = 0;
    acked = {};
  }
  std::fprintf(stderr,
               "[kill] %d kill cycles (%llu before any acknowledgement), %d checks, %llu "
               "acknowledged writes checked (%llu sync), %llu unacknowledged writes found "
               "applied\n",
               cycles, static_cast<unsigned long long>(kills_in_open), checks,
               static_cast<unsigned long long>(acks_checked),
               static_cast<unsigned long long>(sync_acks_checked),
               static_cast<unsigned long long>(found_beyond_acks));
}

}  // namespace
}  // namespace lsmdb
