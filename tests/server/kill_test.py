"""SIGKILL with --appendfsync always: clients write through lsmdb-server, the server is
killed at random moments, and after each restart every acknowledged write is present."""
import os
import random
import shutil
import signal
import sys
import threading
import time
import unittest

import harness

SEED = int(os.environ.get("LSMDB_TEST_SEED", random.randrange(1 << 30)))
print("kill_test seed:", SEED, "(LSMDB_TEST_SEED)", file=sys.stderr)
ROUNDS = 4
WRITERS = 4


class KillTest(unittest.TestCase):
    def test_acknowledged_writes_survive_sigkill(self):
        rnd = random.Random(SEED)
        tmp = harness.tempdir()
        db = os.path.join(tmp, "db")
        acked = {}  # key -> value of the last acknowledged write
        lock = threading.Lock()
        try:
            for rnd_i in range(ROUNDS):
                srv = harness.start_lsmdb(db, extra=["--appendfsync", "always"])
                c = harness.Conn(srv.port)
                # Everything acknowledged before is there.
                for k, v in sorted(acked.items()):
                    if k.startswith("h:"):
                        c.send(harness.encode("HGET", "hash", k))
                    else:
                        c.send(harness.encode("GET", k))
                    self.assertEqual(c.reply(), b"$%d\r\n%s\r\n" % (len(v), v.encode()),
                                     "round %d key %s" % (rnd_i, k))
                c.close()
                stop = threading.Event()

                def writer(w):
                    try:
                        conn = harness.Conn(srv.port, timeout=5)
                        n = 0
                        while not stop.is_set():
                            k = "r%d:w%d:%d" % (rnd_i, w, n)
                            v = "v%d" % n
                            if n % 5 == 0:
                                k = "h:" + k
                                conn.send(harness.encode("HSET", "hash", k, v))
                                ok = conn.reply() in (b":1\r\n", b":0\r\n")
                            else:
                                conn.send(harness.encode("SET", k, v))
                                ok = conn.reply() == b"+OK\r\n"
                            if ok:
                                with lock:
                                    acked[k] = v
                            n += 1
                    except (OSError, EOFError):
                        pass  # the server was killed under us

                threads = [threading.Thread(target=writer, args=(w,)) for w in range(WRITERS)]
                for t in threads:
                    t.start()
                time.sleep(rnd.uniform(0.05, 0.4))  # a random moment to kill at
                srv.proc.send_signal(signal.SIGKILL)
                srv.proc.wait(timeout=harness.DEADLINE)
                stop.set()
                for t in threads:
                    t.join(timeout=harness.DEADLINE)
                srv.stop()
            srv = harness.start_lsmdb(db)
            c = harness.Conn(srv.port)
            c.send(harness.encode("DBSIZE"))
            n = sum(1 for k in acked if not k.startswith("h:")) + (
                1 if any(k.startswith("h:") for k in acked) else 0)
            self.assertGreaterEqual(int(c.reply()[1:-2]), n)
            c.close()
            srv.stop()
            self.assertGreater(len(acked), 0)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
