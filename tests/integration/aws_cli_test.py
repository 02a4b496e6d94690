"""The real aws CLI against kms-emulator: create-key, encrypt with fileb://, decrypt, errors."""
import base64
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Emulator, client_env  # noqa: E402


class AwsCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emulator = Emulator()
        cls.env = client_env(cls.emulator.url)
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        rc = cls.emulator.stop()
        if rc != 0:
            raise AssertionError("emulator exited with %d" % rc)

    def aws(self, *args, ok=True):
        p = subprocess.run(["aws", "--endpoint-url", self.emulator.url, "kms", *args],
                           env=self.env, capture_output=True, text=True, timeout=60)
        if ok:
            self.assertEqual(p.returncode, 0, p.stderr)
            return json.loads(p.stdout) if p.stdout.strip() else {}
        self.assertNotEqual(p.returncode, 0, p.stdout)
        return p.stderr

    def path(self, name, data=None):
        p = os.path.join(self.tmp.name, name)
        if data is not None:
            with open(p, "wb") as f:
                f.write(data)
        return p

    def test_create_encrypt_decrypt_round_trip_with_fileb(self):
        key = self.aws("create-key", "--description", "cli")["KeyMetadata"]
        self.assertRegex(key["Arn"], r"^arn:aws:kms:us-east-1:111122223333:key/[0-9a-f-]{36}$")
        plain = self.path("plain.bin", bytes(range(256)) * 4)
        out = self.aws("encrypt", "--key-id", key["KeyId"], "--plaintext", "fileb://" + plain,
                       "--encryption-context", "app=cli")
        self.assertEqual(out["KeyId"], key["Arn"])
        blob = self.path("blob.bin", base64.b64decode(out["CiphertextBlob"]))
        out = self.aws("decrypt", "--ciphertext-blob", "fileb://" + blob,
                       "--encryption-context", "app=cli")
        self.assertEqual(base64.b64decode(out["Plaintext"]), bytes(range(256)) * 4)

    def test_text_output_and_aliases(self):
        arn = subprocess.run(
            ["aws", "--endpoint-url", self.emulator.url, "kms", "create-key", "--query",
             "KeyMetadata.Arn", "--output", "text"],
            env=self.env, capture_output=True, text=True, timeout=60).stdout.strip()
        self.aws("create-alias", "--alias-name", "alias/cli-test", "--target-key-id", arn)
        aliases = self.aws("list-aliases")["Aliases"]
        self.assertIn("alias/cli-test", [a["AliasName"] for a in aliases])

    def test_errors_carry_aws_code_and_message(self):
        err = self.aws("describe-key", "--key-id", "alias/does-not-exist", ok=False)
        self.assertIn("(NotFoundException) when calling the DescribeKey operation: Alias "
                      "arn:aws:kms:us-east-1:111122223333:alias/does-not-exist is not found.", err)
        key = self.aws("create-key")["KeyMetadata"]
        self.aws("disable-key", "--key-id", key["KeyId"])
        plain = self.path("p2.bin", b"x")
        err = self.aws("encrypt", "--key-id", key["KeyId"], "--plaintext", "fileb://" + plain,
                       ok=False)
        self.assertIn("(DisabledException) when calling the Encrypt operation: %s is disabled."
                      % key["Arn"], err)
        big = self.path("big.bin", b"x" * 4097)  # the CLI checks minimums only: this reaches us
        self.aws("enable-key", "--key-id", key["KeyId"])
        err = self.aws("encrypt", "--key-id", key["KeyId"], "--plaintext", "fileb://" + big,
                       ok=False)
        self.assertIn("(ValidationException) when calling the Encrypt operation: 1 validation "
                      "error detected: Value at 'plaintext' failed to satisfy constraint: Member "
                      "must have length less than or equal to 4096", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
