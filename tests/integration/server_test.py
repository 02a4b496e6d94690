"""kms-emulator as a process: the DESIGN.md §2 contract and the HTTP edge cases, over raw HTTP."""
import http.client
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Emulator, emulator_bin  # noqa: E402

JSON11 = "application/x-amz-json-1.1"


def call(conn, op, body, target_prefix="TrentService.", content_type=JSON11):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    conn.request("POST", "/", body=data, headers={
        "Content-Type": content_type, "X-Amz-Target": target_prefix + op})
    r = conn.getresponse()
    payload = r.read()
    return r, (json.loads(payload) if payload else None)


class ServerContract(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emulator = Emulator()

    @classmethod
    def tearDownClass(cls):
        assert cls.emulator.stop() == 0

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.emulator.port, timeout=10)

    def test_health(self):
        self.assertEqual(self.emulator.health(), (200, {"status": "ok"}))

    def test_errors_are_aws_json_with_type_and_request_id_headers(self):
        c = self.conn()
        r, body = call(c, "NoSuchOperation", {})
        self.assertEqual(r.status, 400)
        self.assertEqual(body["__type"], "UnknownOperationException")
        self.assertEqual(r.getheader("x-amzn-ErrorType"), "UnknownOperationException")
        uuid.UUID(r.getheader("x-amzn-RequestId"))
        self.assertEqual(r.getheader("Content-Type"), JSON11)
        r, body = call(c, "CreateKey", "{not json")
        self.assertEqual((r.status, body["__type"]), (400, "SerializationException"))
        r, body = call(c, "CreateKey", "[1,2]")
        self.assertEqual((r.status, body["__type"]), (400, "SerializationException"))
        r, body = call(c, "CreateKey", {}, target_prefix="NotKms.")
        self.assertEqual((r.status, body["__type"]), (400, "UnknownOperationException"))

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        c = self.conn()
        key = call(c, "CreateKey", {})[1]["KeyMetadata"]["KeyId"]
        first_sock = c.sock
        for _ in range(50):
            r, body = call(c, "GenerateDataKey", {"KeyId": key, "NumberOfBytes": 16})
            self.assertEqual(r.status, 200, body)
        self.assertIs(c.sock, first_sock)

    def raw_exchange(self, request, responses=1):
        """Sends `request` bytes on a new socket; returns what comes back until `responses`
        complete responses (by Content-Length) arrived, or the server closed."""
        with socket.create_connection(("127.0.0.1", self.emulator.port), timeout=10) as sock:
            sock.sendall(request)
            data = b""
            while True:
                complete = 0
                rest = data
                while b"\r\n\r\n" in rest:
                    head, rest = rest.split(b"\r\n\r\n", 1)
                    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                    if len(rest) < length:
                        break
                    rest = rest[length:]
                    complete += 1
                if complete >= responses:
                    return data
                chunk = sock.recv(65536)
                if not chunk:
                    return data
                data += chunk

    def test_responses_on_the_wire_follow_http_1_0_and_1_1_connection_rules(self):
        body = b'{"NumberOfBytes": 8}'
        request = (b"POST / HTTP/%s\r\nHost: x\r\nContent-Type: " + JSON11.encode() +
                   b"\r\nX-Amz-Target: TrentService.GenerateRandom\r\n%sContent-Length: " +
                   str(len(body)).encode() + b"\r\n\r\n" + body)
        cases = [(b"1.1", b"", None, True), (b"1.1", b"Connection: close\r\n", b"close", False),
                 (b"1.0", b"", None, False),
                 (b"1.0", b"Connection: keep-alive\r\n", b"keep-alive", True)]
        for version, connection, token, stays_open in cases:
            with self.subTest(version=version, connection=connection):
                wire = self.raw_exchange(request % (version, connection))
                head, payload = wire.split(b"\r\n\r\n", 1)
                lines = head.split(b"\r\n")
                self.assertEqual(lines[0], b"HTTP/" + version + b" 200 OK")
                fields = [tuple(line.split(b": ", 1)) for line in lines[1:]]
                names = [name.lower() for name, _ in fields]
                self.assertEqual(names.count(b"content-length"), 1)
                self.assertEqual(dict(fields)[b"Content-Length"], str(len(payload)).encode())
                self.assertEqual(dict(fields).get(b"Connection"), token)
                self.assertEqual(dict(fields)[b"Content-Type"], JSON11.encode())
                self.assertEqual(len(json.loads(payload)["Plaintext"]), 12)  # 8 bytes, base64
        # Two pipelined HTTP/1.1 requests on one connection: two answers, in order.
        two = self.raw_exchange(request % (b"1.1", b"") * 2, responses=2)
        self.assertEqual(two.count(b"HTTP/1.1 200 OK\r\n"), 2)

    def test_head_answers_headers_only_and_errors_carry_their_reason_phrase(self):
        wire = self.raw_exchange(b"HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertTrue(wire.startswith(b"HTTP/1.1 "), wire)
        self.assertTrue(wire.endswith(b"Content-Length: 0\r\n\r\n"), wire)
        wire = self.raw_exchange(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Nope.X\r\n"
                                 b"Content-Type: " + JSON11.encode() +
                                 b"\r\nContent-Length: 2\r\n\r\n{}")
        self.assertTrue(wire.startswith(b"HTTP/1.1 400 Bad Request\r\n"), wire)

    def test_too_large_body_gets_a_clean_json_error(self):
        c = self.conn()
        r, body = call(c, "Encrypt", b"{" + b" " * (2 * 1024 * 1024) + b"}")
        self.assertEqual(r.status, 413)
        self.assertIn("__type", body)
        self.assertEqual(self.emulator.health()[0], 200)

    def test_garbage_on_the_socket_does_not_hurt_the_server(self):
        for junk in (b"\x00\xff" * 100 + b"\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                     b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", self.emulator.port), timeout=5) as s:
                s.sendall(junk)
                s.shutdown(socket.SHUT_WR)
                try:
                    while s.recv(4096):
                        pass
                except (ConnectionResetError, socket.timeout):
                    pass
        self.assertEqual(self.emulator.health()[0], 200)

    def test_concurrent_clients(self):
        c = self.conn()
        key = call(c, "CreateKey", {})[1]["KeyMetadata"]["KeyId"]
        failures = []

        def worker():
            cc = self.conn()
            for i in range(40):
                r, body = call(cc, "Encrypt", {"KeyId": key, "Plaintext": "aGVsbG8="})
                if r.status != 200:
                    failures.append(body)
                    return
                r, body = call(cc, "Decrypt", {"CiphertextBlob": body["CiphertextBlob"]})
                if r.status != 200 or body["Plaintext"] != "aGVsbG8=":
                    failures.append(body)
                    return

        threads = [threading.Thread(target=worker) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(failures, [])


class ProcessBehaviour(unittest.TestCase):
    def test_sigint_and_sigterm_exit_zero_promptly(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            e = Emulator()
            t0 = time.monotonic()
            self.assertEqual(e.stop(sig, timeout=5), 0, e.stderr())
            self.assertLess(time.monotonic() - t0, 5)

    def test_database_file_is_private_and_keys_survive_restart(self):
        with tempfile.TemporaryDirectory() as d:
            db = os.path.join(d, "kms.db")
            with Emulator(db=db) as e:
                c = http.client.HTTPConnection("127.0.0.1", e.port, timeout=10)
                key = call(c, "CreateKey", {"Description": "durable"})[1]["KeyMetadata"]
                blob = call(c, "Encrypt", {"KeyId": key["KeyId"], "Plaintext": "eA=="})[1]
            self.assertEqual(stat.S_IMODE(os.stat(db).st_mode), 0o600)
            with Emulator(db=db) as e:
                c = http.client.HTTPConnection("127.0.0.1", e.port, timeout=10)
                r, body = call(c, "DescribeKey", {"KeyId": key["KeyId"]})
                self.assertEqual(body["KeyMetadata"]["Description"], "durable")
                r, body = call(c, "Decrypt", {"CiphertextBlob": blob["CiphertextBlob"]})
                self.assertEqual((r.status, body["Plaintext"]), (200, "eA=="))

    def test_environment_variables_set_defaults_and_flags_win(self):
        env = {"KMS_ACCOUNT_ID": "444455556666", "KMS_REGION": "eu-central-1"}
        with Emulator(env=env) as e:
            c = http.client.HTTPConnection("127.0.0.1", e.port, timeout=10)
            arn = call(c, "CreateKey", {})[1]["KeyMetadata"]["Arn"]
            self.assertTrue(arn.startswith("arn:aws:kms:eu-central-1:444455556666:key/"), arn)
        with Emulator("--account-id", "777788889999", env=env) as e:
            c = http.client.HTTPConnection("127.0.0.1", e.port, timeout=10)
            arn = call(c, "CreateKey", {})[1]["KeyMetadata"]["Arn"]
            self.assertTrue(arn.startswith("arn:aws:kms:eu-central-1:777788889999:key/"), arn)

    def test_bad_flags_are_refused_with_a_message(self):
        for args in (["--port", "70000"], ["--account-id", "12"], ["--no-such-flag"]):
            p = subprocess.run([emulator_bin(), *args], capture_output=True, text=True,
                               timeout=10)
            self.assertEqual(p.returncode, 2, args)
            self.assertEqual(p.stdout, "")
            self.assertNotEqual(p.stderr.strip(), "")

    def test_help(self):
        p = subprocess.run([emulator_bin(), "--help"], capture_output=True, text=True, timeout=10)
        self.assertEqual(p.returncode, 0)
        for flag in ("--host", "--port", "--db", "--region", "--account-id", "--auth",
                     "--threads"):
            self.assertIn(flag, p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
