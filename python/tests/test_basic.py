"""DB open/close, get/put/delete, write batches, errors: lsmdb and plyvel side by side."""

import pytest

from conftest import fill


def test_open_missing_without_create_is_error(mod, tmp_path):
    with pytest.raises(mod.Error):
        mod.DB(str(tmp_path / "nope"))


def test_error_if_exists(mod, tmp_path):
    mod.DB(str(tmp_path / "d"), create_if_missing=True).close()
    with pytest.raises(mod.Error):
        mod.DB(str(tmp_path / "d"), error_if_exists=True)


def test_second_open_is_io_error(db, mod):
    with pytest.raises(mod.IOError) as e:
        mod.DB(db.name)
    assert isinstance(e.value, mod.Error) and isinstance(e.value, OSError)


def test_name_closed_and_close_twice(db, tmp_path):
    assert db.name == str(tmp_path / "db")
    assert not db.closed
    db.close()
    assert db.closed
    db.close()


def test_get_put_delete(db):
    assert db.get(b"k") is None
    assert db.get(b"k", b"dflt") == b"dflt"
    assert db.get(b"k", default=7) == 7
    db.put(b"k", b"v")
    assert db.get(b"k") == b"v"
    db.put(b"k", b"w", sync=True)
    assert db.get(b"k", verify_checksums=True, fill_cache=False) == b"w"
    db.delete(b"k")
    assert db.get(b"k") is None
    db.delete(b"never-there", sync=True)


def test_empty_key_and_value_and_binary(db):
    db.put(b"", b"")
    assert db.get(b"") == b""
    db.put(b"\x00\xff", b"\x00" * 1000)
    assert db.get(b"\x00\xff") == b"\x00" * 1000


def test_value_accepts_buffers(db):
    db.put(b"a", bytearray(b"xy"))
    db.put(b"b", memoryview(b"zw"))
    assert db.get(b"a") == b"xy" and db.get(b"b") == b"zw"


def test_str_key_is_type_error(db):
    for call in (lambda: db.get("k"), lambda: db.put("k", b"v"), lambda: db.delete("k"),
                 lambda: db.put(b"k", "v")):
        with pytest.raises(TypeError):
            call()
    with pytest.raises(TypeError):
        db.get(None)


def test_reopen_keeps_data(mod, tmp_path):
    path = str(tmp_path / "d")
    with_db = mod.DB(path, create_if_missing=True)
    fill(with_db, [b"a", b"b"])
    with_db.close()
    again = mod.DB(path)
    assert again.get(b"a") == b"va" and again.get(b"b") == b"vb"
    again.close()


def test_use_after_close_is_runtime_error(db):
    it = db.iterator()
    db.close()
    for call in (lambda: db.get(b"k"), lambda: db.put(b"k", b"v"), lambda: db.delete(b"k"),
                 lambda: db.write_batch(), lambda: next(it), lambda: db.snapshot(),
                 lambda: db.iterator(), lambda: db.get_property(b"x"),
                 lambda: db.compact_range()):
        with pytest.raises(RuntimeError):
            call()


def test_write_batch(db):
    db.put(b"gone", b"x")
    wb = db.write_batch()
    wb.put(b"a", b"1")
    wb.put(b"b", b"2")
    wb.delete(b"gone")
    assert db.get(b"a") is None
    wb.write()
    assert db.get(b"a") == b"1" and db.get(b"b") == b"2" and db.get(b"gone") is None
    wb.clear()
    wb.put(b"c", b"3")
    wb.clear()
    wb.write()
    assert db.get(b"c") is None


def test_write_batch_order_within_batch(db):
    with db.write_batch() as wb:
        wb.put(b"k", b"a")
        wb.delete(b"k")
        wb.put(b"j", b"a")
        wb.put(b"j", b"b")
    assert db.get(b"k") is None and db.get(b"j") == b"b"


def test_write_batch_context_writes_and_clears(db):
    with db.write_batch(sync=True) as wb:
        wb.put(b"a", b"1")
    assert db.get(b"a") == b"1"
    db.delete(b"a")
    wb.write()  # cleared on exit: writing again changes nothing
    assert db.get(b"a") is None


def test_non_transaction_batch_written_despite_exception(db):
    with pytest.raises(ValueError):
        with db.write_batch() as wb:
            wb.put(b"a", b"1")
            raise ValueError()
    assert db.get(b"a") == b"1"


def test_transaction_batch_discarded_on_exception(db):
    with pytest.raises(ValueError):
        with db.write_batch(transaction=True) as wb:
            wb.put(b"a", b"1")
            wb.delete(b"b")
            raise ValueError()
    assert db.get(b"a") is None
    with db.write_batch(transaction=True) as wb:
        wb.put(b"a", b"2")
    assert db.get(b"a") == b"2"


def test_write_batch_append_and_size(db):
    a, b = db.write_batch(), db.write_batch()
    a.put(b"a", b"1")
    b.put(b"b", b"2")
    b.delete(b"a")
    empty = a.approximate_size()
    a.append(b)
    assert a.approximate_size() > empty
    a.write()
    assert db.get(b"a") is None and db.get(b"b") == b"2"


def test_batch_str_is_type_error(db):
    wb = db.write_batch()
    with pytest.raises(TypeError):
        wb.put("a", b"1")
    with pytest.raises(TypeError):
        wb.delete("a")


def test_batch_after_close(db):
    wb = db.write_batch()
    db.close()
    with pytest.raises(RuntimeError):
        wb.put(b"a", b"1")
    with pytest.raises(RuntimeError):
        wb.write()


def test_compact_range_and_property(db):
    fill(db, [b"%05d" % i for i in range(2000)])
    db.compact_range()
    db.compact_range(start=b"00100", stop=b"00200")
    db.compact_range(start=b"00100")
    assert db.get(b"00150") == b"v00150"
    assert db.get_property(b"no-such-property") is None


def test_approximate_sizes(db):
    assert db.approximate_sizes() == []
    sizes = db.approximate_sizes((b"a", b"b"), (b"c", b"d"))
    assert len(sizes) == 2 and all(s >= 0 for s in sizes)
    assert db.approximate_size(b"a", b"b") >= 0


def test_destroy_and_repair(mod, tmp_path):
    path = str(tmp_path / "d")
    d = mod.DB(path, create_if_missing=True)
    fill(d, [b"a"])
    d.close()
    mod.repair_db(path)
    d = mod.DB(path)
    assert d.get(b"a") == b"va"
    d.close()
    mod.destroy_db(path)
    with pytest.raises(mod.Error):
        mod.DB(path)


def test_options_accepted(mod, tmp_path):
    d = mod.DB(str(tmp_path / "d"), create_if_missing=True, paranoid_checks=True,
               write_buffer_size=1 << 20, max_open_files=100, lru_cache_size=1 << 20,
               block_size=4096, block_restart_interval=8, max_file_size=2 << 20,
               compression=None, bloom_filter_bits=10)
    d.put(b"a", b"b")
    assert d.get(b"a") == b"b"
    d.close()
    with pytest.raises(ValueError):
        mod.DB(str(tmp_path / "e"), create_if_missing=True, compression="rot13")
