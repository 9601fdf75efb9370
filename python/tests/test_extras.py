"""What lsmdb adds to plyvel's API: context manager, own options, engine messages,
a Python comparator, and the checks plyvel leaves out."""

import pytest

import lsmdb


def test_db_context_manager(tmp_path):
    with lsmdb.DB(str(tmp_path / "d"), create_if_missing=True) as db:
        db.put(b"a", b"1")
    assert db.closed
    with lsmdb.DB(str(tmp_path / "d")) as db:
        assert db.get(b"a") == b"1"


def test_str_message_says_encode(ldb):
    with pytest.raises(TypeError, match="encode"):
        ldb.get("key")
    with pytest.raises(TypeError, match="encode"):
        ldb.put(b"k", "value")
    with pytest.raises(TypeError, match="encode"):
        ldb.prefixed_db(b"p").get("key")
    with pytest.raises(TypeError, match="bytes-like"):
        ldb.get(12)


def test_bytes_like_keys(ldb):
    ldb.put(bytearray(b"k"), b"v")
    assert ldb.get(memoryview(b"k")) == b"v"
    assert list(ldb.iterator(start=bytearray(b"k"), include_value=False)) == [b"k"]


def test_errors_carry_engine_message(tmp_path):
    with pytest.raises(lsmdb.Error, match="create_if_missing|does not exist|missing"):
        lsmdb.DB(str(tmp_path / "missing"))
    with pytest.raises(lsmdb.Error, match="write_buffer_size"):
        lsmdb.DB(str(tmp_path / "d"), create_if_missing=True, write_buffer_size=1)


@pytest.mark.parametrize("compression", ["snappy", "lz4", "zstd", None, b"zstd"])
def test_compressions(tmp_path, compression):
    path = str(tmp_path / "d")
    with lsmdb.DB(path, create_if_missing=True, compression=compression, zstd_level=5) as db:
        for i in range(3000):
            db.put(b"%06d" % i, b"x" * 100)
        db.flush()
    with lsmdb.DB(path) as db:
        assert db.get(b"002999") == b"x" * 100
        assert len(list(db.iterator(include_value=False))) == 3000


@pytest.mark.parametrize("mode", ["tolerate_corrupted_tail_records", "absolute_consistency",
                                  "point_in_time_recovery"])
def test_wal_recovery_modes(tmp_path, mode):
    path = str(tmp_path / "d")
    with lsmdb.DB(path, create_if_missing=True) as db:
        db.put(b"a", b"1")
    with lsmdb.DB(path, wal_recovery_mode=mode, max_background_jobs=1,
                  max_write_buffer_number=3, bloom_filter_bits=None) as db:
        assert db.get(b"a") == b"1"


def test_bad_option_values(tmp_path):
    with pytest.raises(ValueError):
        lsmdb.DB(str(tmp_path / "d"), create_if_missing=True, wal_recovery_mode="sometimes")
    with pytest.raises(ValueError):
        lsmdb.DB(str(tmp_path / "d"), create_if_missing=True, block_size=-1)
    with pytest.raises(TypeError):
        lsmdb.DB(str(tmp_path / "d"), create_if_missing=True, block_size="big")
    with pytest.raises(TypeError):
        lsmdb.DB(str(tmp_path / "d"), no_such_option=True)


def test_properties(ldb):
    ldb.put(b"a", b"1")
    assert b"Level" in ldb.get_property(b"lsmdb.stats") or ldb.get_property(b"lsmdb.stats")
    assert ldb.get_property(b"lsmdb.num-files-at-level0") == b"0"
    ldb.flush()
    assert ldb.get_property(b"lsmdb.num-files-at-level0") == b"1"


def test_approximate_size_counts_the_range(ldb):
    for i in range(100):
        ldb.put(b"k%03d" % i, b"x" * 10)
    assert ldb.approximate_size(b"k000", b"k050") == 50 * (4 + 10)
    assert ldb.approximate_sizes((b"k050", b"k100"), (b"z", b"zz")) == [50 * 14, 0]
    with pytest.raises(TypeError):
        ldb.approximate_sizes(b"k")


def test_custom_comparator(tmp_path):
    def reverse(a, b):
        return (a < b) - (a > b)

    path = str(tmp_path / "d")
    with lsmdb.DB(path, create_if_missing=True, comparator=reverse,
                  comparator_name=b"test.Reverse") as db:
        for k in [b"a", b"c", b"b"]:
            db.put(k, k)
        assert list(db.iterator(include_value=False)) == [b"c", b"b", b"a"]
        assert list(db.iterator(start=b"b", include_value=False)) == [b"b", b"a"]
        db.flush()
        db.compact_range()
        assert db.get(b"b") == b"b"
    with pytest.raises(lsmdb.Error):
        lsmdb.DB(path)  # the other comparator's name
    with pytest.raises(ValueError):
        lsmdb.DB(path, comparator=reverse)


def test_iterators_closed_by_db_close(ldb):
    ldb.put(b"a", b"1")
    it, raw, snap = ldb.iterator(), ldb.raw_iterator(), ldb.snapshot()
    ldb.close()
    with pytest.raises(RuntimeError):
        next(it)
    with pytest.raises(RuntimeError):
        raw.seek_to_first()
    with pytest.raises(RuntimeError):
        snap.get(b"a")
    it.close()
    snap.close()


def test_reverse_start_equal_key_included(ldb):
    for k in [b"a", b"b", b"c"]:
        ldb.put(k, k)
    assert list(ldb.iterator(reverse=True, start=b"b", stop=b"c", include_value=False)) == [b"b"]


def test_seek_then_prev_stays_in_range(ldb):
    for k in [b"a", b"b", b"c"]:
        ldb.put(k, k)
    it = ldb.iterator(start=b"b", include_value=False)
    it.seek(b"a")  # clamped to the start
    with pytest.raises(StopIteration):
        it.prev()  # b"a" is outside the range
    assert next(it) == b"b"


def test_repr(ldb):
    assert "lsmdb.DB" in repr(ldb) and "closed" not in repr(ldb)
    assert "PrefixedDB" in repr(ldb.prefixed_db(b"x"))
