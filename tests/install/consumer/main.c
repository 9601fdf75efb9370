/* A C program using lsmdb: writes two keys (one through a batch), reads one back, lists
 * them all. docs/C_API.md shows this file; tests/install/check_install.sh builds it
 * against the installed package. Usage: main DIR */
#include <lsmdb/c.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  char* err = NULL;
  if (argc != 2) return 2;

  lsmdb_options_t* options = lsmdb_options_create();
  lsmdb_options_set_create_if_missing(options, 1);
  lsmdb_t* db = lsmdb_open(options, argv[1], &err);
  lsmdb_options_destroy(options); /* the database keeps its own copy */
  if (db == NULL) {
    fprintf(stderr, "open: %s\n", err);
    lsmdb_free(err);
    return 1;
  }

  lsmdb_writeoptions_t* wo = lsmdb_writeoptions_create();
  lsmdb_put(db, wo, "hello", 5, "world", 5, &err);
  lsmdb_writebatch_t* batch = lsmdb_writebatch_create();
  lsmdb_writebatch_put(batch, "lsm", 3, "tree", 4);
  lsmdb_write(db, wo, batch, &err); /* err collects the last failure, if any */
  lsmdb_writebatch_destroy(batch);
  lsmdb_writeoptions_destroy(wo);

  lsmdb_readoptions_t* ro = lsmdb_readoptions_create();
  size_t len = 0;
  char* value = lsmdb_get(db, ro, "hello", 5, &len, &err);
  int ok = err == NULL && value != NULL && len == 5 && memcmp(value, "world", 5) == 0;
  if (value != NULL) printf("hello=%s\n", value); /* values are NUL-terminated copies */
  lsmdb_free(value);

  lsmdb_iterator_t* it = lsmdb_create_iterator(db, ro);
  for (lsmdb_iter_seek_to_first(it); lsmdb_iter_valid(it); lsmdb_iter_next(it)) {
    size_t klen, vlen;
    const char* k = lsmdb_iter_key(it, &klen); /* borrowed until the iterator moves */
    const char* v = lsmdb_iter_value(it, &vlen);
    printf("  %.*s -> %.*s\n", (int)klen, k, (int)vlen, v);
  }
  lsmdb_iter_get_error(it, &err);
  lsmdb_iter_destroy(it); /* before lsmdb_close */
  lsmdb_readoptions_destroy(ro);
  lsmdb_close(db);

  if (err != NULL) {
    fprintf(stderr, "error: %s\n", err);
    lsmdb_free(err);
    return 1;
  }
  return ok ? 0 : 1;
}
