/* The C API used from C (C11, -Wall -Wextra -Werror -pedantic), end to end, against the
 * shared library: open, write, batch, read, iterate, snapshot, property, flush, compact,
 * checkpoint, close, reopen, destroy. Exits 0 when everything behaved, 1 (with a message)
 * otherwise. Usage: lsmdb_c_api_c_test DIR (a database left in DIR by an earlier run is destroyed
 * first; DIR is destroyed at the end). */
#include "lsmdb/c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                              \
    }                                                                          \
  } while (0)

/* Fails the check when err holds a message, and frees it. */
#define CHECK_NO_ERROR(err)                                                        \
  do {                                                                             \
    if ((err) != NULL) {                                                           \
      fprintf(stderr, "%s:%d: unexpected error: %s\n", __FILE__, __LINE__, (err)); \
      failures++;                                                                  \
      lsmdb_free(err);                                                             \
      (err) = NULL;                                                                \
    }                                                                              \
  } while (0)

/* 1 when key holds exactly want (NULL want: the key must be missing). */
static int has_value(lsmdb_t* db, const lsmdb_readoptions_t* ro, const char* key,
                     const char* want) {
  char* err = NULL;
  size_t len = 0;
  char* v = lsmdb_get(db, ro, key, strlen(key), &len, &err);
  int ok;
  if (err != NULL) {
    fprintf(stderr, "get %s: %s\n", key, err);
    lsmdb_free(err);
    return 0;
  }
  if (want == NULL) {
    ok = v == NULL;
  } else {
    ok = v != NULL && len == strlen(want) && memcmp(v, want, len) == 0 && v[len] == '\0';
  }
  lsmdb_free(v);
  return ok;
}

int main(int argc, char** argv) {
  const char* path;
  char* err = NULL;
  lsmdb_options_t* options;
  lsmdb_readoptions_t* ro;
  lsmdb_writeoptions_t* wo;
  lsmdb_writebatch_t* batch;
  lsmdb_iterator_t* it;
  const lsmdb_snapshot_t* snap;
  lsmdb_t* db;
  char key[16];
  char ckpt[4096];
  char* prop;
  int i, n;

  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  path = argv[1];
  CHECK(strlen(lsmdb_version()) > 0);
  if (strlen(path) + 6 >= sizeof(ckpt)) return 2;
  strcpy(ckpt, path);
  strcat(ckpt, "-ckpt");

  options = lsmdb_options_create();
  ro = lsmdb_readoptions_create();
  wo = lsmdb_writeoptions_create();
  CHECK(options != NULL && ro != NULL && wo != NULL);
  lsmdb_destroy_db(options, path, &err);
  CHECK_NO_ERROR(err);
  lsmdb_destroy_db(options, ckpt, &err);
  CHECK_NO_ERROR(err);

  /* A bad option is refused, naming it. */
  lsmdb_options_set_create_if_missing(options, 1);
  lsmdb_options_set_block_size(options, 7);
  db = lsmdb_open(options, path, &err);
  CHECK(db == NULL);
  CHECK(err != NULL && strstr(err, "block_size") != NULL);
  lsmdb_free(err);
  err = NULL;

  lsmdb_options_set_block_size(options, 4096);
  lsmdb_options_set_compression(options, LSMDB_COMPRESSION_LZ4);
  db = lsmdb_open(options, path, &err);
  CHECK_NO_ERROR(err);
  if (db == NULL) return 1;

  lsmdb_put(db, wo, "hello", 5, "world", 5, &err);
  CHECK_NO_ERROR(err);
  CHECK(has_value(db, ro, "hello", "world"));
  CHECK(has_value(db, ro, "nope", NULL));

  /* A batch of 10 keys, one of them deleted again. */
  batch = lsmdb_writebatch_create();
  for (i = 0; i < 10; i++) {
    n = snprintf(key, sizeof key, "key%02d", i);
    lsmdb_writebatch_put(batch, key, (size_t)n, key, (size_t)n);
  }
  lsmdb_writebatch_delete(batch, "key05", 5);
  CHECK(lsmdb_writebatch_count(batch) == 11);
  lsmdb_write(db, wo, batch, &err);
  CHECK_NO_ERROR(err);
  lsmdb_writebatch_destroy(batch);

  snap = lsmdb_create_snapshot(db);
  CHECK(snap != NULL);
  lsmdb_delete(db, wo, "hello", 5, &err);
  CHECK_NO_ERROR(err);

  /* Iterate [key02, key08): 5 keys (key05 is gone). */
  lsmdb_readoptions_set_lower_bound(ro, "key02", 5);
  lsmdb_readoptions_set_upper_bound(ro, "key08", 5);
  it = lsmdb_create_iterator(db, ro);
  CHECK(it != NULL);
  n = 0;
  for (lsmdb_iter_seek_to_first(it); lsmdb_iter_valid(it); lsmdb_iter_next(it)) {
    size_t klen, vlen;
    const char* k = lsmdb_iter_key(it, &klen);
    const char* v = lsmdb_iter_value(it, &vlen);
    CHECK(klen == 5 && vlen == 5 && memcmp(k, v, 5) == 0);
    CHECK(memcmp(k, "key05", 5) != 0);
    n++;
  }
  CHECK(n == 5);
  lsmdb_iter_get_error(it, &err);
  CHECK_NO_ERROR(err);
  lsmdb_iter_destroy(it);
  lsmdb_readoptions_set_lower_bound(ro, NULL, 0);
  lsmdb_readoptions_set_upper_bound(ro, NULL, 0);

  /* The snapshot still sees "hello". */
  CHECK(has_value(db, ro, "hello", NULL));
  lsmdb_readoptions_set_snapshot(ro, snap);
  CHECK(has_value(db, ro, "hello", "world"));
  lsmdb_readoptions_set_snapshot(ro, NULL);
  lsmdb_release_snapshot(db, snap);

  lsmdb_flush(db, &err);
  CHECK_NO_ERROR(err);
  prop = lsmdb_property_value(db, "lsmdb.num-files-at-level0");
  CHECK(prop != NULL && strcmp(prop, "1") == 0);
  lsmdb_free(prop);
  lsmdb_compact_range(db, NULL, 0, NULL, 0, &err);
  CHECK_NO_ERROR(err);
  lsmdb_create_checkpoint(db, ckpt, &err);
  CHECK_NO_ERROR(err);
  lsmdb_close(db);

  /* The checkpoint opens and holds the data. */
  db = lsmdb_open(options, ckpt, &err);
  CHECK_NO_ERROR(err);
  if (db == NULL) return 1;
  CHECK(has_value(db, ro, "key09", "key09"));
  lsmdb_close(db);
  lsmdb_destroy_db(options, ckpt, &err);
  CHECK_NO_ERROR(err);

  /* Reopen: the data is there. */
  db = lsmdb_open(options, path, &err);
  CHECK_NO_ERROR(err);
  if (db == NULL) return 1;
  CHECK(has_value(db, ro, "key09", "key09"));
  CHECK(has_value(db, ro, "key05", NULL));
  lsmdb_close(db);

  lsmdb_destroy_db(options, path, &err);
  CHECK_NO_ERROR(err);
  lsmdb_options_destroy(options);
  lsmdb_readoptions_destroy(ro);
  lsmdb_writeoptions_destroy(wo);

  if (failures != 0) {
    fprintf(stderr, "c_api_c_test: %d check(s) failed\n", failures);
    return 1;
  }
  printf("c_api_c_test: ok\n");
  return 0;
}
