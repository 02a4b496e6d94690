"""The C++ SDK (through kmsctl) against the emulator over HTTPS with --auth sigv4: the same code
that runs against real AWS KMS, with the development CA from tools/make-dev-cert.sh, right and
wrong credentials, and certificate verification on.

Run by ctest with KMS_EMULATOR_BIN and KMSCTL_BIN set.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Emulator  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALICE = ("AKIAALICEEXAMPLE", "alice-secret-key")


class SdkOverTlsWithSigV4(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        certs = os.path.join(cls.tmp.name, "certs")
        subprocess.run(["bash", os.path.join(ROOT, "tools", "make-dev-cert.sh"), certs],
                       check=True, capture_output=True, timeout=60)
        cls.ca = os.path.join(certs, "ca.pem")
        creds = os.path.join(cls.tmp.name, "callers")
        with open(creds, "w") as f:
            f.write("[alice]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                    "aws_account_id = 444455556666\n" % ALICE)
        cls.emulator = Emulator("--auth", "sigv4", "--credentials", creds,
                                "--tls-cert", os.path.join(certs, "server.pem"),
                                "--tls-key", os.path.join(certs, "server.key"))
        assert cls.emulator.url.startswith("https://"), cls.emulator.url

    @classmethod
    def tearDownClass(cls):
        rc = cls.emulator.stop()
        cls.tmp.cleanup()
        if rc != 0:
            raise AssertionError("emulator exited with %d" % rc)

    def kmsctl(self, *args, key=ALICE, ca=True, ok=True):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_ACCESS_KEY_ID": key[0], "AWS_SECRET_ACCESS_KEY": key[1],
                    "AWS_REGION": "eu-west-1",
                    "AWS_CONFIG_FILE": os.path.join(self.tmp.name, "none"),
                    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.tmp.name, "none"),
                    "AWS_ENDPOINT_URL_KMS": self.emulator.url})
        if ca:
            env["AWS_CA_BUNDLE"] = self.ca
        p = subprocess.run([os.environ["KMSCTL_BIN"], *args], env=env, capture_output=True,
                           timeout=60)
        if ok:
            self.assertEqual(p.returncode, 0, p.stderr.decode())
            return json.loads(p.stdout) if p.stdout.strip() else {}
        self.assertNotEqual(p.returncode, 0)
        return p.stderr.decode()

    def test_round_trip_with_verified_tls_and_signatures(self):
        key = self.kmsctl("create-key", "--description", "tls")["KeyMetadata"]
        self.assertTrue(key["Arn"].startswith("arn:aws:kms:eu-west-1:444455556666:key/"))
        plain = os.path.join(self.tmp.name, "p.bin")
        with open(plain, "wb") as f:
            f.write(b"over tls, signed")
        blob = self.kmsctl("encrypt", "--key-id", key["KeyId"], "--plaintext",
                           "fileb://" + plain)["CiphertextBlob"]
        blob_file = os.path.join(self.tmp.name, "c.bin")
        with open(blob_file, "wb") as f:
            f.write(base64.b64decode(blob))
        out = self.kmsctl("decrypt", "--ciphertext-blob", "fileb://" + blob_file)
        self.assertEqual(base64.b64decode(out["Plaintext"]), b"over tls, signed")

    def test_envelope_encryption_over_tls(self):
        key = self.kmsctl("create-key")["KeyMetadata"]
        src = os.path.join(self.tmp.name, "src.bin")
        with open(src, "wb") as f:
            f.write(os.urandom(10000))
        enc, dec = src + ".enc", src + ".dec"
        self.kmsctl("envelope", "encrypt", "--key-id", key["Arn"], "--in", src, "--out", enc)
        self.kmsctl("envelope", "decrypt", "--in", enc, "--out", dec)
        with open(src, "rb") as a, open(dec, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_wrong_credentials_get_aws_errors(self):
        err = self.kmsctl("list-keys", key=("AKIAUNKNOWN", "x"), ok=False)
        self.assertIn("An error occurred (UnrecognizedClientException) when calling the ListKeys "
                      "operation: The security token included in the request is invalid.", err)
        err = self.kmsctl("list-keys", key=(ALICE[0], "wrong-secret"), ok=False)
        self.assertIn("An error occurred (InvalidSignatureException) when calling the ListKeys "
                      "operation: The request signature we calculated does not match the "
                      "signature you provided.", err)

    def test_certificate_verification_is_on_by_default(self):
        err = self.kmsctl("list-keys", ca=False, ok=False)
        self.assertRegex(err.lower(), "certificate|verif")


if __name__ == "__main__":
    unittest.main(verbosity=2)
