// Clang thread-safety analysis attributes (no-ops elsewhere). See docs/DESIGN.md §7.
#ifndef LSMDB_UTIL_THREAD_ANNOTATIONS_H_
#define LSMDB_UTIL_THREAD_ANNOTATIONS_H_

#if defined(__clang__)
#define LSMDB_TSA(x) __attribute__((x))
#else
#define LSMDB_TSA(x)
#endif

#define CAPABILITY(x) LSMDB_TSA(capability(x))
#define SCOPED_CAPABILITY LSMDB_TSA(scoped_lockable)
#define GUARDED_BY(x) LSMDB_TSA(guarded_by(x))
#define PT_GUARDED_BY(x) LSMDB_TSA(pt_guarded_by(x))
#define REQUIRES(...) LSMDB_TSA(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) LSMDB_TSA(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) LSMDB_TSA(acquire_capability(__VA_ARGS__))
#define RELEASE(...) LSMDB_TSA(release_capability(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) LSMDB_TSA(assert_capability(x))
#define NO_THREAD_SAFETY_ANALYSIS LSMDB_TSA(no_thread_safety_analysis)

#endif  // LSMDB_UTIL_THREAD_ANNOTATIONS_H_
