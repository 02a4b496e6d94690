"""kms-emulator over HTTPS (--tls-cert/--tls-key) with a certificate from tools/make-dev-cert.sh:
boto3 and the aws CLI trusting the development CA (verify= / --ca-bundle / AWS_CA_BUNDLE),
clients without it failing verification, TLS with --auth sigv4, and start-up errors.

Run by ctest with KMS_EMULATOR_BIN set.
"""
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError, SSLError  # noqa: E402

from harness import Emulator, client_env, run_to_exit  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAKE_DEV_CERT = os.path.join(ROOT, "tools", "make-dev-cert.sh")
ALICE = ("AKIAALICEEXAMPLE", "alice-secret")


def make_dev_cert(directory):
    p = subprocess.run(["bash", MAKE_DEV_CERT, directory], capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        raise RuntimeError("make-dev-cert.sh failed: %s" % p.stderr)
    return p.stdout


def kms_client(url, verify, key_id="AKIAIOSFODNN7EXAMPLE", secret="test"):
    session = boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=secret,
                                    region_name="us-east-1")
    return session.client("kms", endpoint_url=url, verify=verify,
                          config=Config(retries={"max_attempts": 1}))


class DevCert(unittest.TestCase):
    """One CA and server certificate for the whole module."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.certs = os.path.join(cls.tmp.name, "certs")
        cls.make_output = make_dev_cert(cls.certs)
        cls.ca = os.path.join(cls.certs, "ca.pem")
        cls.cert = os.path.join(cls.certs, "server.pem")
        cls.key = os.path.join(cls.certs, "server.key")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()


class MakeDevCert(DevCert):
    def test_the_script_makes_a_ca_and_a_server_certificate_and_says_how_to_use_them(self):
        for name in ("ca.pem", "ca.key", "server.pem", "server.key"):
            self.assertTrue(os.path.isfile(os.path.join(self.certs, name)), name)
        self.assertEqual(os.stat(self.key).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(os.path.join(self.certs, "ca.key")).st_mode & 0o777, 0o600)
        self.assertIn("--tls-cert %s --tls-key %s" % (self.cert, self.key), self.make_output)
        self.assertIn("--ca-bundle %s" % self.ca, self.make_output)
        self.assertIn("AWS_CA_BUNDLE=%s" % self.ca, self.make_output)
        text = subprocess.run(["openssl", "x509", "-in", self.cert, "-noout", "-text"],
                              capture_output=True, text=True, check=True).stdout
        self.assertIn("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1", text)
        verify = subprocess.run(["openssl", "verify", "-x509_strict", "-CAfile", self.ca,
                                 self.cert], capture_output=True, text=True)
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)

    def test_running_it_again_keeps_the_ca_and_the_certificate(self):
        with open(self.ca, "rb") as f:
            ca = f.read()
        with open(self.cert, "rb") as f:
            cert = f.read()
        make_dev_cert(self.certs)
        with open(self.ca, "rb") as f:
            self.assertEqual(f.read(), ca)
        with open(self.cert, "rb") as f:
            self.assertEqual(f.read(), cert)


class Https(DevCert):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emulator = Emulator("--tls-cert", cls.cert, "--tls-key", cls.key)

    @classmethod
    def tearDownClass(cls):
        rc = cls.emulator.stop()
        super().tearDownClass()
        if rc != 0:
            raise AssertionError("emulator exited with %d: %s" % (rc, cls.emulator.stderr()))

    def test_the_start_line_says_https(self):
        self.assertRegex(self.emulator.url, r"^https://127\.0\.0\.1:\d+$")

    def test_health_over_tls_with_the_ca(self):
        context = ssl.create_default_context(cafile=self.ca)
        self.assertEqual(self.emulator.health(context), (200, {"status": "ok"}))

    def test_boto3_with_the_ca_round_trips(self):
        kms = kms_client(self.emulator.url, self.ca)
        key = kms.create_key(Description="over tls")["KeyMetadata"]
        blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"tls")["CiphertextBlob"]
        self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"tls")

    def test_the_audit_trail_records_the_tls_details_of_each_call(self):
        kms = kms_client(self.emulator.url, self.ca)
        kms.list_keys(Limit=3)
        session = boto3.session.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                                        aws_secret_access_key="test", region_name="us-east-1")
        trail = session.client("cloudtrail", endpoint_url=self.emulator.url, verify=self.ca)
        events = trail.lookup_events(LookupAttributes=[
            {"AttributeKey": "EventName", "AttributeValue": "ListKeys"}])["Events"]
        self.assertTrue(events)
        record = json.loads(events[0]["CloudTrailEvent"])
        tls = record["tlsDetails"]
        self.assertEqual(list(tls), ["tlsVersion", "cipherSuite", "clientProvidedHostHeader"])
        self.assertIn(tls["tlsVersion"], ("TLSv1.2", "TLSv1.3"))
        self.assertRegex(tls["cipherSuite"], r"^(TLS_AES_|ECDHE-|TLS_CHACHA20)")
        self.assertEqual(tls["clientProvidedHostHeader"], "127.0.0.1:%d" % self.emulator.port)
        self.assertEqual(list(record)[-1], "tlsDetails")

    def test_boto3_by_host_name_localhost(self):
        url = "https://localhost:%d" % self.emulator.port
        self.assertIn("Keys", kms_client(url, self.ca).list_keys())

    def test_boto3_without_the_ca_fails_verification(self):
        with self.assertRaises(SSLError) as cm:
            kms_client(self.emulator.url, True).list_keys()
        self.assertIn("CERTIFICATE_VERIFY_FAILED", str(cm.exception))

    def aws(self, *args, extra_env=None):
        env = client_env(self.emulator.url)
        env.pop("AWS_CA_BUNDLE", None)
        env.update(extra_env or {})
        return subprocess.run(["aws", "--endpoint-url", self.emulator.url, *args, "kms",
                               "list-keys"], env=env, capture_output=True, text=True, timeout=60)

    def test_aws_cli_with_ca_bundle_option_or_environment(self):
        p = self.aws("--ca-bundle", self.ca)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Keys", json.loads(p.stdout))
        p = self.aws(extra_env={"AWS_CA_BUNDLE": self.ca})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Keys", json.loads(p.stdout))

    def test_aws_cli_without_the_ca_fails_verification(self):
        p = self.aws()
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("SSL validation failed for %s/" % self.emulator.url, p.stderr)
        self.assertIn("certificate verify failed", p.stderr)

    def test_plain_http_to_the_tls_port_gets_no_http_answer(self):
        with socket.create_connection(("127.0.0.1", self.emulator.port), timeout=5) as s:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                data = s.recv(4096)
            except ConnectionResetError:
                data = b""
            self.assertFalse(data.startswith(b"HTTP/"), data)

    def tls_socket(self):
        context = ssl.create_default_context(cafile=self.ca)
        raw = socket.create_connection(("127.0.0.1", self.emulator.port), timeout=5)
        return context.wrap_socket(raw, server_hostname="127.0.0.1", suppress_ragged_eofs=False)

    def test_keep_alive_then_connection_close_ends_with_close_notify(self):
        with self.tls_socket() as s:
            self.assertIn(s.version(), ("TLSv1.2", "TLSv1.3"))
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            first = s.recv(4096)
            self.assertTrue(first.startswith(b"HTTP/1.1 200 OK\r\n"), first)
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            second = b""
            while True:
                chunk = s.recv(4096)  # SSLEOFError (no close_notify) would fail the test
                if not chunk:
                    break
                second += chunk
            self.assertTrue(second.startswith(b"HTTP/1.1 200 OK\r\n"), second)
            self.assertTrue(second.endswith(b'{"status":"ok"}'), second)


class HttpsWithSigV4(DevCert):
    def test_signatures_are_verified_over_tls(self):
        creds = os.path.join(self.tmp.name, "credentials")
        with open(creds, "w") as f:
            f.write("[alice]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % ALICE)
        with Emulator("--tls-cert", self.cert, "--tls-key", self.key, "--auth", "sigv4",
                      "--credentials", creds) as emulator:
            self.assertTrue(emulator.url.startswith("https://"))
            good = kms_client(emulator.url, self.ca, *ALICE)
            self.assertRegex(good.create_key()["KeyMetadata"]["Arn"],
                             r"^arn:aws:kms:us-east-1:111122223333:key/")
            with self.assertRaises(ClientError) as cm:
                kms_client(emulator.url, self.ca, ALICE[0], "wrong").list_keys()
            self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidSignatureException")
            self.assertEqual(emulator.stop(signal.SIGINT), 0)


class TlsStartUpErrors(DevCert):
    def test_a_missing_certificate_or_key_file_exits_1_with_the_reason(self):
        missing = os.path.join(self.tmp.name, "missing.pem")
        self.assertEqual(run_to_exit("--tls-cert", missing, "--tls-key", self.key),
                         (1, "", "kms-emulator: cannot read --tls-cert %s: No such file or "
                                 "directory\n" % missing))
        self.assertEqual(run_to_exit("--tls-cert", self.cert, "--tls-key", missing),
                         (1, "", "kms-emulator: cannot read --tls-key %s: No such file or "
                                 "directory\n" % missing))

    def test_files_that_are_not_pem_exit_1(self):
        junk = os.path.join(self.tmp.name, "junk.pem")
        with open(junk, "w") as f:
            f.write("not a certificate\n")
        rc, out, err = run_to_exit("--tls-cert", junk, "--tls-key", self.key)
        self.assertEqual((rc, out), (1, ""))
        self.assertTrue(err.startswith("kms-emulator: --tls-cert %s holds no PEM certificate "
                                       "chain (" % junk), err)
        rc, out, err = run_to_exit("--tls-cert", self.cert, "--tls-key", junk)
        self.assertEqual((rc, out), (1, ""))
        self.assertTrue(err.startswith("kms-emulator: --tls-key %s holds no unencrypted PEM "
                                       "private key (" % junk), err)

    def test_a_key_of_another_certificate_exits_1(self):
        other = os.path.join(self.certs, "ca.key")
        self.assertEqual(run_to_exit("--tls-cert", self.cert, "--tls-key", other),
                         (1, "", "kms-emulator: --tls-key %s does not match the certificate in "
                                 "--tls-cert %s\n" % (other, self.cert)))

    def test_a_certificate_without_a_key_is_a_usage_error(self):
        self.assertEqual(run_to_exit("--tls-cert", self.cert),
                         (2, "", "kms-emulator: --tls-cert needs --tls-key (the private key)\n"
                                 "Run 'kms-emulator --help' for usage.\n"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
