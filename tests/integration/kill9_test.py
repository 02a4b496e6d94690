"""Durability: an acknowledged CreateKey/Encrypt survives kill -9 of the emulator.

Clients create keys and encrypt under them as fast as they can; the emulator is killed with
SIGKILL mid-load; after a restart on the same database every key a client was told about must
exist and every ciphertext it received must decrypt to its plaintext.
"""
import base64
import http.client
import json
import os
import signal
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Emulator  # noqa: E402


def call(conn, op, body):
    conn.request("POST", "/", body=json.dumps(body), headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService." + op})
    r = conn.getresponse()
    return r.status, json.loads(r.read())


class KillNine(unittest.TestCase):
    def test_acknowledged_writes_survive_sigkill(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, "kms.db")
            for round_no in range(3):
                e = Emulator(db=db)
                acked_keys, acked_blobs = [], []
                lock = threading.Lock()
                stop = threading.Event()

                def worker(seed):
                    try:
                        c = http.client.HTTPConnection("127.0.0.1", e.port, timeout=10)
                        n = 0
                        while not stop.is_set() and n < 2000:
                            n += 1
                            st, body = call(c, "CreateKey", {"Description": "k%d-%d" % (seed, n)})
                            if st != 200:
                                continue
                            kid = body["KeyMetadata"]["KeyId"]
                            with lock:
                                acked_keys.append(kid)
                            plain = base64.b64encode(os.urandom(32)).decode()
                            st, body = call(c, "Encrypt", {"KeyId": kid, "Plaintext": plain,
                                                           "EncryptionContext": {"n": str(n)}})
                            if st == 200:
                                with lock:
                                    acked_blobs.append((body["CiphertextBlob"], plain, str(n)))
                    except (OSError, http.client.HTTPException, ValueError):
                        return  # the server died under us: only what was acknowledged counts

                threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
                for t in threads:
                    t.start()
                time.sleep(0.4 + 0.3 * round_no)
                os.kill(e.proc.pid, signal.SIGKILL)
                e.proc.wait(10)
                e.proc.stdout.close()
                stop.set()
                for t in threads:
                    t.join(30)
                self.assertGreater(len(acked_keys), 0, "no key was acknowledged before the kill")

                with Emulator(db=db) as e2:
                    c = http.client.HTTPConnection("127.0.0.1", e2.port, timeout=10)
                    for kid in acked_keys:
                        st, body = call(c, "DescribeKey", {"KeyId": kid})
                        self.assertEqual(st, 200, body)
                    for blob, plain, n in acked_blobs:
                        st, body = call(c, "Decrypt", {"CiphertextBlob": blob,
                                                       "EncryptionContext": {"n": n}})
                        self.assertEqual((st, body.get("Plaintext")), (200, plain), body)
                print("round %d: %d keys and %d ciphertexts acknowledged, all intact"
                      % (round_no, len(acked_keys), len(acked_blobs)))


if __name__ == "__main__":
    unittest.main(verbosity=2)
