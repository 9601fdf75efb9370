// LSMDB_EXPORT marks the symbols of the public API. Everything else in the shared
// library is hidden (-fvisibility=hidden).
//
// The header is shared by the C++ headers and by the C header lsmdb/c.h, so it must also
// compile as C: C before C23 has no [[attribute]] syntax, and gets GNU's __attribute__.
#ifndef LSMDB_EXPORT_H_
#define LSMDB_EXPORT_H_

#if defined(__GNUC__) || defined(__clang__)
#if defined(__cplusplus)
#define LSMDB_EXPORT [[gnu::visibility("default")]]
#else
#define LSMDB_EXPORT __attribute__((visibility("default")))
#endif
#else
#define LSMDB_EXPORT
#endif

#endif  // LSMDB_EXPORT_H_
