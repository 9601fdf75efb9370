"""lsmdb: an embedded, persistent, ordered key-value store, with plyvel's API.

A plyvel user switches by changing the import::

    import lsmdb
    with lsmdb.DB('/tmp/db', create_if_missing=True) as db:
        db.put(b'key', b'value')
        assert db.get(b'key') == b'value'

docs/PYTHON.md lists the differences from plyvel and lsmdb's own options.
"""

from lsmdb._lsmdb import (  # noqa: F401
    CorruptionError,
    Error,
    IOError,
    IteratorInvalidError,
    Iterator,
    RawIterator,
    Snapshot,
    WriteBatch,
    destroy_db,
    repair_db,
)
from lsmdb import _lsmdb

__all__ = [
    "DB", "PrefixedDB", "WriteBatch", "Snapshot", "Iterator", "RawIterator", "Error",
    "IOError", "CorruptionError", "IteratorInvalidError", "destroy_db", "repair_db",
]
__version__ = "0.1.0"


def _check_key(key, what="key"):
    if isinstance(key, str):
        raise TypeError("%s must be bytes, not str; encode it first (for example %s.encode())"
                        % (what, what))
    if not isinstance(key, bytes):
        try:
            key = bytes(memoryview(key))
        except TypeError:
            raise TypeError("%s must be bytes or a bytes-like object, not %s"
                            % (what, type(key).__name__)) from None
    return key


class DB(_lsmdb.DB):
    """An lsmdb database: plyvel.DB's constructor, methods and semantics.

    DB(name, *, create_if_missing=False, error_if_exists=False, paranoid_checks=None,
    write_buffer_size=None, max_open_files=None, lru_cache_size=None, block_size=None,
    block_restart_interval=None, max_file_size=None, compression='snappy',
    bloom_filter_bits=0, comparator=None, comparator_name=None, zstd_level=None,
    wal_recovery_mode=None, max_background_jobs=None, max_write_buffer_number=None)

    Also a context manager (closes on exit) and safe to share between threads.
    """

    __slots__ = ()

    def prefixed_db(self, prefix):
        """A view of the keys starting with prefix (the prefix is not shown)."""
        return PrefixedDB(self, _check_key(prefix, "prefix"))


class PrefixedDB:
    """The keys of a DB that start with a prefix, with the prefix taken off."""

    __slots__ = ("db", "prefix")

    def __init__(self, db, prefix):
        self.db = db
        self.prefix = prefix

    def __repr__(self):
        return "<lsmdb.PrefixedDB with prefix %r at 0x%x>" % (self.prefix, id(self))

    def get(self, key, default=None, *, verify_checksums=False, fill_cache=True):
        return self.db.get(self.prefix + _check_key(key), default,
                           verify_checksums=verify_checksums, fill_cache=fill_cache)

    def put(self, key, value, *, sync=False):
        self.db.put(self.prefix + _check_key(key), value, sync=sync)

    def delete(self, key, *, sync=False):
        self.db.delete(self.prefix + _check_key(key), sync=sync)

    def write_batch(self, *, transaction=False, sync=False):
        return self.db._prefixed_write_batch(self.prefix, transaction, sync)

    def iterator(self, **kwargs):
        return self.db._prefixed_iterator(self.prefix, **kwargs)

    def __iter__(self):
        return self.iterator()

    def snapshot(self):
        return self.db._prefixed_snapshot(self.prefix)

    def prefixed_db(self, prefix):
        return PrefixedDB(self.db, self.prefix + _check_key(prefix, "prefix"))
