"""Sharding with twemproxy (Debian's nutcracker): three lsmdb-server shards and one
nutcracker on loopback (ketama, hash tags). Keys written through the proxy land each on
exactly one shard and read back through the proxy; a restarted shard keeps its keys."""
import os
import shutil
import socket
import subprocess
import sys
import time
import unittest

import harness

KEYS = int(os.environ.get("LSMDB_PROXY_KEYS", "100000"))
BATCH = 1000

CONFIG = """lsmdb:
  listen: 127.0.0.1:{port}
  hash: fnv1a_64
  hash_tag: "{{}}"
  distribution: ketama
  auto_eject_hosts: false
  redis: true
  timeout: 5000
  server_retry_timeout: 200
  server_failure_limit: 1
  servers:
{servers}
"""


def pipeline(conn, cmds):
    conn.send(b"".join(harness.encode(*c) for c in cmds))
    return [conn.reply() for _ in cmds]


class ProxyTest(unittest.TestCase):
    def setUp(self):
        self.exe = shutil.which("nutcracker")
        if self.exe is None:
            self.skipTest("nutcracker is not installed (scripts/setup.sh)")
        self.tmp = harness.tempdir()
        self.shards = [harness.start_lsmdb(os.path.join(self.tmp, "s%d" % i)) for i in range(3)]
        self.port = harness.free_port()
        servers = "\n".join("   - 127.0.0.1:%d:1 s%d" % (s.port, i)
                            for i, s in enumerate(self.shards))
        conf = os.path.join(self.tmp, "nutcracker.yml")
        with open(conf, "w") as f:
            f.write(CONFIG.format(port=self.port, servers=servers))
        argv = [self.exe, "-c", conf, "-s", str(harness.free_port()), "-a", "127.0.0.1",
                "-o", os.path.join(self.tmp, "nutcracker.log")]
        self.proxy = harness.Proc(argv, self.port, os.path.join(self.tmp, "nutcracker.out"))

    def tearDown(self):
        self.proxy.stop()
        for s in self.shards:
            s.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def key(self, i):
        # Every tenth key carries a hash tag: {user:N} keys go to one shard together.
        return "user:%d:{tag%d}" % (i, i % 7) if i % 10 == 0 else "key:%d" % i

    def read_all_through_proxy(self):
        c = harness.Conn(self.port)
        for start in range(0, KEYS, BATCH):
            ids = range(start, min(KEYS, start + BATCH))
            got = pipeline(c, [("GET", self.key(i)) for i in ids])
            want = [b"$%d\r\n%s\r\n" % (len(str(i)), str(i).encode()) for i in ids]
            self.assertEqual(got, want)
        c.close()

    def shard_keys(self, shard):
        c = harness.Conn(shard.port, timeout=30)
        c.send(harness.encode("KEYS", "*"))
        parts = c.reply().split(b"\r\n")
        c.close()
        return set(parts[2::2][: int(parts[0][1:])])

    def test_sharding(self):
        c = harness.Conn(self.port)
        for start in range(0, KEYS, BATCH):
            ids = range(start, min(KEYS, start + BATCH))
            got = pipeline(c, [("SET", self.key(i), i) for i in ids])
            self.assertEqual(got, [b"+OK\r\n"] * len(ids))
        c.close()
        sets = [self.shard_keys(s) for s in self.shards]
        total = set().union(*sets)
        self.assertEqual(len(total), KEYS)
        self.assertEqual(sum(len(s) for s in sets), KEYS, "a key is on two shards")
        for s in sets:
            self.assertGreater(len(s), KEYS // 10, "ketama should spread the keys")
        for tag in range(7):  # keys with one hash tag share a shard
            holders = [i for i, s in enumerate(sets)
                       if any(k.endswith(b"{tag%d}" % tag) for k in s)]
            self.assertEqual(len(holders), 1, "tag%d on shards %r" % (tag, holders))
        self.read_all_through_proxy()
        # Restart one shard on the same port and directory: it keeps its keys.
        old = self.shards[1]
        self.assertEqual(old.stop(), 0)
        self.shards[1] = harness.start_lsmdb(os.path.join(self.tmp, "s1"), port=old.port)
        self.assertEqual(self.shard_keys(self.shards[1]), sets[1])
        # The proxy reconnects to it on its own (bounded wait for its retry timeout).
        end = time.monotonic() + harness.DEADLINE
        while True:
            c = harness.Conn(self.port)
            probe = next(iter(sets[1])).decode()
            c.send(harness.encode("GET", probe))
            r = c.reply()
            c.close()
            if r.startswith(b"$") or time.monotonic() > end:
                break
            time.sleep(0.1)
        self.read_all_through_proxy()


if __name__ == "__main__":
    unittest.main(verbosity=2)
