// Mutex, MutexLock and CondVar: std::mutex and std::condition_variable wrapped so that
// clang's -Wthread-safety can check the lock rules. SpinLock: for critical sections of a
// few instructions that many threads enter at once.
//
// Thread-safety: these are the synchronisation primitives.
#ifndef LSMDB_UTIL_MUTEX_H_
#define LSMDB_UTIL_MUTEX_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "util/thread_annotations.h"

namespace lsmdb {

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  void AssertHeld() ASSERT_CAPABILITY(this) {}

 private:
  friend class CondVar;
  std::mutex mu_;
};

class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() RELEASE() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// A condition variable tied to one Mutex for its whole life.
// A lock whose waiters spin instead of sleeping in the kernel: for critical sections of
// a few instructions (copying a shared_ptr) that many reader threads enter at once, where
// a futex sleep and wake would cost far more than the wait. Never hold it across a
// blocking call or a long computation.
class CAPABILITY("mutex") SpinLock {
 public:
  void Lock() ACQUIRE() {
    while (locked_.exchange(true, std::memory_order_acquire)) {
      int spins = 0;
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins > 1000) {
          std::this_thread::yield();  // the holder was preempted: let it run
          spins = 0;
        } else {
          Pause();
        }
      }
    }
  }
  void Unlock() RELEASE() { locked_.store(false, std::memory_order_release); }

 private:
  static void Pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  std::atomic<bool> locked_{false};
};

class SCOPED_CAPABILITY SpinLockGuard {
 public:
  explicit SpinLockGuard(SpinLock* lock) ACQUIRE(lock) : lock_(lock) { lock_->Lock(); }
  ~SpinLockGuard() RELEASE() { lock_->Unlock(); }
  SpinLockGuard(const SpinLockGuard&) = delete;
  SpinLockGuard& operator=(const SpinLockGuard&) = delete;

 private:
  SpinLock* const lock_;
};

class CondVar {
 public:
  explicit CondVar(Mutex* mu) : mu_(mu) {}
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // REQUIRES: the mutex given to the constructor is held. Releases it while waiting and
  // holds it again on return. (Not annotated: the analysis cannot name that mutex.)
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  // Like Wait, but returns after at most micros microseconds.
  void WaitFor(int64_t micros) {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    cv_.wait_for(lock, std::chrono::microseconds(micros));
    lock.release();
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  Mutex* const mu_;
  std::condition_variable cv_;
};

}  // namespace lsmdb

#endif  // LSMDB_UTIL_MUTEX_H_
