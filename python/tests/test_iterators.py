"""Iterator, RawIterator, Snapshot and PrefixedDB: lsmdb and plyvel side by side."""

import pytest

from conftest import fill, plyvel

KEYS = [b"a", b"b", b"c", b"d", b"e"]


@pytest.fixture
def full(db):
    fill(db, KEYS)
    return db


def keys(it):
    return list(it)


def test_iterate_db_and_shapes(full):
    assert list(full) == [(k, b"v" + k) for k in KEYS]
    assert keys(full.iterator(include_value=False)) == KEYS
    assert keys(full.iterator(include_key=False)) == [b"v" + k for k in KEYS]
    assert keys(full.iterator(include_key=False, include_value=False)) == [None] * 5


@pytest.mark.parametrize("kw,expected", [
    (dict(), KEYS),
    (dict(start=b"b"), [b"b", b"c", b"d", b"e"]),
    (dict(start=b"bb"), [b"c", b"d", b"e"]),
    (dict(stop=b"d"), [b"a", b"b", b"c"]),
    (dict(stop=b"d", include_stop=True), [b"a", b"b", b"c", b"d"]),
    (dict(start=b"b", include_start=False), [b"c", b"d", b"e"]),
    (dict(start=b"b", stop=b"d", include_start=False, include_stop=True), [b"c", b"d"]),
    (dict(start=b"x"), []),
    (dict(stop=b"a"), []),
    (dict(start=b"c", stop=b"b"), []),
    (dict(prefix=b"c"), [b"c"]),
    (dict(prefix=b"z"), []),
    (dict(reverse=True), KEYS[::-1]),
    (dict(reverse=True, stop=b"d"), [b"c", b"b", b"a"]),
    (dict(reverse=True, stop=b"d", include_stop=True), [b"d", b"c", b"b", b"a"]),
    (dict(reverse=True, stop=b"dd"), [b"d", b"c", b"b", b"a"]),
    (dict(reverse=True, start=b"b", include_start=False), [b"e", b"d", b"c"]),
    (dict(reverse=True, start=b"bb"), [b"e", b"d", b"c"]),
    (dict(reverse=True, start=b"a", stop=b"c", include_stop=True), [b"c", b"b", b"a"]),
    (dict(reverse=True, stop=b"a"), []),
])
def test_ranges(full, kw, expected):
    assert keys(full.iterator(include_value=False, **kw)) == expected


@pytest.mark.parametrize("kw,expected", [
    (dict(reverse=True, start=b"b"), [b"e", b"d", b"c", b"b"]),
    (dict(reverse=True, start=b"b", stop=b"c"), [b"b"]),
    (dict(reverse=True, start=b"b", stop=b"d"), [b"c", b"b"]),
    (dict(reverse=True, prefix=b"d"), [b"d"]),
])
def test_reverse_with_inclusive_start_key_present(full, mod, kw, expected):
    # plyvel 1.5 yields nothing when the first entry of a reverse range is its start key
    # (its check there ignores include_start); lsmdb yields the start key.
    got = keys(full.iterator(include_value=False, **kw))
    if mod is plyvel and got != expected:
        pytest.xfail("plyvel 1.5 drops a reverse range whose last entry is its start key")
    assert got == expected


def test_prefix_with_start_is_type_error(full):
    with pytest.raises(TypeError):
        full.iterator(prefix=b"a", start=b"a")


def test_prefix_iteration(db):
    fill(db, [b"ab1", b"ab2", b"ac", b"b", b"ab\xff", b"\xff\xff", b"\xff\xff\x01"])
    assert keys(db.iterator(prefix=b"ab", include_value=False)) == [b"ab1", b"ab2", b"ab\xff"]
    assert keys(db.iterator(prefix=b"\xff\xff", include_value=False)) == [b"\xff\xff",
                                                                         b"\xff\xff\x01"]
    assert keys(db.iterator(prefix=b"", include_value=False))[:2] == [b"ab1", b"ab2"]


def test_prev_and_next_cursor(full):
    it = full.iterator(include_value=False)
    assert next(it) == b"a"
    assert next(it) == b"b"
    assert it.prev() == b"b"
    assert it.prev() == b"a"
    with pytest.raises(StopIteration):
        it.prev()
    assert next(it) == b"a"


def test_seek_to_start_and_stop(full):
    it = full.iterator(start=b"b", stop=b"d", include_value=False)
    it.seek_to_stop()
    with pytest.raises(StopIteration):
        next(it)
    assert it.prev() == b"c"
    it.seek_to_start()
    assert list(it) == [b"b", b"c"]


def test_seek(full):
    it = full.iterator(include_value=False)
    it.seek(b"c")
    assert next(it) == b"c"
    it.seek(b"bb")
    assert it.prev() == b"b"
    it.seek(b"zz")
    with pytest.raises(StopIteration):
        next(it)
    assert it.prev() == b"e"
    bounded = full.iterator(start=b"b", stop=b"d", include_value=False)
    bounded.seek(b"a")
    assert next(bounded) == b"b"
    bounded.seek(b"z")
    with pytest.raises(StopIteration):
        next(bounded)


def test_reverse_seek_and_prev(full):
    it = full.iterator(reverse=True, include_value=False)
    assert next(it) == b"e"
    assert next(it) == b"d"
    assert it.prev() == b"d"
    it.seek(b"c")
    assert next(it) == b"b"


def test_iterator_close_and_context(full):
    with full.iterator() as it:
        next(it)
    with pytest.raises(RuntimeError):
        next(it)
    it2 = full.iterator()
    it2.close()
    it2.close()
    with pytest.raises(RuntimeError):
        it2.seek_to_start()


def test_iterator_sees_its_creation_point(full):
    it = full.iterator(include_value=False)
    full.put(b"aa", b"x")
    full.delete(b"e")
    assert list(it) == KEYS


def test_raw_iterator(full, mod):
    it = full.raw_iterator()
    assert not it.valid()
    with pytest.raises(mod.IteratorInvalidError):
        it.key()
    with pytest.raises(mod.IteratorInvalidError):
        it.next()
    it.seek_to_first()
    assert it.valid() and it.key() == b"a" and it.value() == b"va"
    it.next()
    assert it.item() == (b"b", b"vb")
    it.seek_to_last()
    assert it.key() == b"e"
    it.prev()
    assert it.key() == b"d"
    it.seek(b"cc")
    assert it.key() == b"d"
    it.seek(b"z")
    assert not it.valid()
    with pytest.raises(mod.IteratorInvalidError):
        it.prev()
    it.close()
    with pytest.raises(RuntimeError):
        it.valid()


def test_snapshot_isolation(full):
    snap = full.snapshot()
    full.put(b"a", b"new")
    full.delete(b"b")
    full.put(b"z", b"z")
    assert snap.get(b"a") == b"va" and snap.get(b"b") == b"vb" and snap.get(b"z") is None
    assert snap.get(b"z", b"d") == b"d"
    assert [k for k, _ in snap.iterator()] == KEYS
    assert [k for k, _ in snap] == KEYS
    raw = snap.raw_iterator()
    raw.seek_to_last()
    assert raw.key() == b"e"
    assert full.get(b"a") == b"new"


def test_snapshot_close_and_context(full):
    with full.snapshot() as snap:
        assert snap.get(b"a") == b"va"
    with pytest.raises(RuntimeError):
        snap.get(b"a")
    with pytest.raises(RuntimeError):
        snap.iterator()
    snap.close()
    s2 = full.snapshot()
    s2.release()
    with pytest.raises(RuntimeError):
        s2.get(b"a")


def test_prefixed_db(db):
    fill(db, [b"a1", b"b1", b"b2", b"b\xff", b"c1"])
    p = db.prefixed_db(b"b")
    assert p.prefix == b"b" and p.db is db
    assert p.get(b"1") == b"vb1" and p.get(b"3") is None and p.get(b"3", 0) == 0
    assert [k for k, _ in p] == [b"1", b"2", b"\xff"]
    assert list(p.iterator(start=b"2", include_value=False)) == [b"2", b"\xff"]
    assert list(p.iterator(stop=b"2", include_value=False)) == [b"1"]
    assert list(p.iterator(reverse=True, include_value=False)) == [b"\xff", b"2", b"1"]
    assert list(p.iterator(prefix=b"\xff", include_value=False)) == [b"\xff"]
    p.put(b"3", b"x")
    assert db.get(b"b3") == b"x"
    p.delete(b"3")
    assert db.get(b"b3") is None
    with p.write_batch() as wb:
        wb.put(b"4", b"y")
        wb.delete(b"1")
    assert db.get(b"b4") == b"y" and db.get(b"b1") is None
    snap = p.snapshot()
    p.put(b"5", b"z")
    assert snap.get(b"4") == b"y" and snap.get(b"5") is None
    assert list(snap.iterator(include_value=False)) == [b"2", b"4", b"\xff"]
    with pytest.raises(TypeError):
        p.get("1")


def test_prefixed_db_nesting(db):
    fill(db, [b"xy1", b"xy2", b"xz1", b"y"])
    px = db.prefixed_db(b"x")
    pxy = px.prefixed_db(b"y")
    assert pxy.prefix == b"xy"
    assert list(pxy.iterator(include_value=False)) == [b"1", b"2"]
    pxy.put(b"3", b"n")
    assert db.get(b"xy3") == b"n" and px.get(b"y3") == b"n"
    with pxy.write_batch(transaction=True) as wb:
        wb.put(b"4", b"m")
    assert px.get(b"y4") == b"m"
