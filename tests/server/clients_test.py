"""lsmdb-server driven by real clients: redis-cli (redis-tools) and python3-redis; the
Unix socket; AUTH with --requirepass; limits; malformed input never crashes the server;
clean shutdown by SIGTERM and SHUTDOWN keeps every write."""
import os
import random
import shutil
import socket
import subprocess
import sys
import unittest

import harness

try:
    import redis
except ImportError:  # python3-redis missing
    redis = None

SEED = int(os.environ.get("LSMDB_TEST_SEED", random.randrange(1 << 30)))
print("clients_test seed:", SEED, "(LSMDB_TEST_SEED)", file=sys.stderr)


def cli(*args, port=None, sock=None, stdin=None):
    exe = shutil.which("redis-cli")
    if exe is None:
        raise unittest.SkipTest("redis-cli is not installed (scripts/setup.sh)")
    where = ["-s", sock] if sock else ["-p", str(port)]
    r = subprocess.run([exe] + where + list(args), input=stdin, capture_output=True,
                       timeout=harness.DEADLINE)
    return r.stdout.decode()


class ClientsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = harness.tempdir()
        self.sock = os.path.join(self.tmp, "s.sock")
        self.db = os.path.join(self.tmp, "db")
        self.srv = harness.start_lsmdb(self.db, extra=["--unixsocket", self.sock])

    def tearDown(self):
        self.srv.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_redis_cli(self):
        p = self.srv.port
        self.assertEqual(cli("PING", port=p), "PONG\n")
        self.assertEqual(cli("SET", "k", "hello world", port=p), "OK\n")
        self.assertEqual(cli("GET", "k", sock=self.sock), "hello world\n")
        self.assertEqual(cli("HSET", "h", "a", "1", "b", "2", port=p), "2\n")
        self.assertEqual(cli("HGETALL", "h", port=p), "a\n1\nb\n2\n")
        self.assertEqual(cli("-3", "HGETALL", "h", port=p), "a 1\nb 2\n")  # a RESP3 map
        self.assertEqual(cli("INCR", "k", port=p),
                         "ERR value is not an integer or out of range\n\n")
        # Piped commands, one per line (redis-cli sends them pipelined).
        out = cli(port=p, stdin=b"SET a 1\nINCRBY a 41\nGET a\n")
        self.assertEqual(out, "OK\n42\n42\n")
        info = cli("INFO", "server", port=p)
        self.assertIn("redis_version:", info)

    def test_python_redis(self):
        if redis is None:
            self.skipTest("python3-redis is not installed (scripts/setup.sh)")
        r = redis.Redis(host="127.0.0.1", port=self.srv.port, socket_timeout=harness.DEADLINE)
        self.assertTrue(r.ping())
        r.set("a", "1", ex=100)
        self.assertEqual(r.get("a"), b"1")
        self.assertTrue(0 < r.ttl("a") <= 100)
        self.assertEqual(r.incrbyfloat("f", 2.5), 2.5)
        r.hset("h", mapping={"x": "1", "y": "2"})
        self.assertEqual(r.hgetall("h"), {b"x": b"1", b"y": b"2"})
        p = r.pipeline(transaction=True)
        p.set("t", "1").incr("t").get("t")
        self.assertEqual(p.execute(), [True, 2, b"2"])
        self.assertEqual(sorted(r.scan_iter(count=1)), [b"a", b"f", b"h", b"t"])
        self.assertEqual(sorted(r.hscan_iter("h", count=1)), [(b"x", b"1"), (b"y", b"2")])
        r.close()
        u = redis.Redis(unix_socket_path=self.sock, protocol=3) if "protocol" in \
            redis.Redis.__init__.__code__.co_varnames else redis.Redis(unix_socket_path=self.sock)
        self.assertEqual(u.get("t"), b"2")
        u.close()

    def test_many_keys_scan(self):
        c = harness.Conn(self.srv.port)
        n = 2500
        c.send(b"".join(harness.encode("SET", "key:%05d" % i, i) for i in range(n)))
        for _ in range(n):
            self.assertEqual(c.reply(), b"+OK\r\n")
        seen, cursor, rounds = set(), b"0", 0
        while True:
            c.send(harness.encode("SCAN", cursor, "COUNT", 100))
            r = c.reply().split(b"\r\n")
            cursor = r[2]
            seen.update(x for x in r[5::2] if x)
            rounds += 1
            self.assertLess(rounds, n)
            if cursor == b"0":
                break
        self.assertEqual(len(seen), n)
        c.close()

    def test_malformed_input_never_crashes(self):
        rnd = random.Random(SEED)
        pieces = [b"*", b"$", b"\r\n", b"\r", b"\n", b"-1", b"0", b"3", b"99999999999", b"GET",
                  b"SET", b"\"", b"'", b"\\x4", b" ", b"MULTI", b"EXEC", b"HSET", b"\x00",
                  b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"]
        for _ in range(200):
            data = b"".join(rnd.choice(pieces) for _ in range(rnd.randrange(1, 40)))
            c = harness.Conn(self.srv.port, timeout=2)
            try:
                c.send(data)
                c.closed(timeout=0.05)
            except OSError:
                pass
            c.close()
        c = harness.Conn(self.srv.port)
        c.send(harness.encode("PING"))
        self.assertEqual(c.reply(), b"+PONG\r\n")
        c.close()

    def test_limits(self):
        self.srv.stop()
        self.srv = harness.start_lsmdb(self.db, extra=[
            "--proto-max-bulk-len", "100", "--max-args", "5",
            "--client-query-buffer-limit", "100000", "--maxclients", "3"])
        c = harness.Conn(self.srv.port)
        c.send(b"*1\r\n$101\r\n")
        self.assertEqual(c.reply(), b"-ERR Protocol error: invalid bulk length\r\n")
        self.assertTrue(c.closed())
        c = harness.Conn(self.srv.port)
        c.send(b"*6\r\n")
        self.assertEqual(c.reply(),
                         b"-ERR Protocol error: too many arguments in request (limit 5)\r\n")
        self.assertTrue(c.closed())
        c = harness.Conn(self.srv.port)
        c.send(harness.encode("SET", "a", "x" * 99) * 2000)  # 230 KB pipelined, no reads
        got = c.sock.recv(1 << 20)
        self.assertTrue(c.closed())
        self.assertIn(b"query buffer limit exceeded", got + c.buf)
        conns = [harness.Conn(self.srv.port) for _ in range(3)]
        for k in conns:
            k.send(harness.encode("PING"))
            self.assertEqual(k.reply(), b"+PONG\r\n")
        extra = harness.Conn(self.srv.port)
        self.assertEqual(extra.reply(), b"-ERR max number of clients reached\r\n")
        for k in conns + [extra]:
            k.close()

    def test_auth(self):
        self.srv.stop()
        self.srv = harness.start_lsmdb(self.db, extra=["--requirepass", "s3cret"])
        c = harness.Conn(self.srv.port)
        c.send(harness.encode("GET", "a"))
        self.assertEqual(c.reply(), b"-NOAUTH Authentication required.\r\n")
        c.send(harness.encode("AUTH", "wrong"))
        self.assertEqual(c.reply(),
                         b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        c.send(harness.encode("AUTH", "s3cret"))
        self.assertEqual(c.reply(), b"+OK\r\n")
        c.send(harness.encode("SET", "a", "1"))
        self.assertEqual(c.reply(), b"+OK\r\n")
        c.send(harness.encode("RESET") + harness.encode("GET", "a"))
        self.assertEqual(c.reply(), b"+RESET\r\n")
        self.assertEqual(c.reply(), b"-NOAUTH Authentication required.\r\n")
        c.send(harness.encode("HELLO", "3", "AUTH", "default", "s3cret") +
               harness.encode("GET", "nokey"))
        self.assertTrue(c.reply().startswith(b"%7\r\n"))
        self.assertEqual(c.reply(), b"_\r\n")
        c.close()

    def test_shutdown_keeps_writes(self):
        for how in ("sigterm", "shutdown"):
            c = harness.Conn(self.srv.port)
            c.send(harness.encode("SET", "via", how) + harness.encode("HSET", "h", how, "1"))
            self.assertEqual(c.reply(), b"+OK\r\n")
            self.assertEqual(c.reply(), b":1\r\n")
            if how == "shutdown":
                c.send(harness.encode("SHUTDOWN"))
                self.assertTrue(c.closed())
                self.assertEqual(self.srv.proc.wait(timeout=harness.DEADLINE), 0)
            else:
                self.assertEqual(self.srv.stop(), 0)
            c.close()
            self.srv.stop()
            self.srv = harness.start_lsmdb(self.db)
            c = harness.Conn(self.srv.port)
            c.send(harness.encode("GET", "via") + harness.encode("HGET", "h", how))
            self.assertEqual(c.reply(), b"$%d\r\n%s\r\n" % (len(how), how.encode()))
            self.assertEqual(c.reply(), b"$1\r\n1\r\n")
            c.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
