"""`kmsctl envelope encrypt|decrypt` against the real kms-emulator: round trips of edge sizes and
multi-MiB files under both suites we encrypt, stdin/stdout, several keys, discovery, wrong
context, disabled keys, the friendly errors for the two common mix-ups, I/O errors, and that a
failed run leaves no output file (but never removes a FIFO it wrote to).

kmsctl comes from KMSCTL_BIN (set by ctest), else from beside KMS_EMULATOR_BIN.
"""
import json
import os
import stat
import subprocess
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import KMSCTL_CALLER, Emulator, kmsctl_bin, kmsctl_env  # noqa: E402

SUITES = [None, "0x0478"]  # None: the default, 0x0578
SIZES = [0, 1, 4095, 4096, 4097, 3 * 1024 * 1024 + 7]
ESDK_HINT = ("kmsctl: This is an AWS Encryption SDK message, not a KMS ciphertext blob; decrypt "
             "it with an Encryption SDK (kmsctl envelope decrypt)\n")
BLOB_HINT = ("kmsctl: Malformed message: this is a KMS ciphertext blob of the kms emulator, not an "
             "AWS Encryption SDK message; decrypt it with KMS Decrypt (kmsctl decrypt)\n")


class EnvelopeCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bin = kmsctl_bin()
        cls.emulator = Emulator()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.env = kmsctl_env(
            cls.tmp.name, AWS_CONFIG_FILE=os.path.join(cls.tmp.name, "absent-config"),
            AWS_SHARED_CREDENTIALS_FILE=os.path.join(cls.tmp.name, "absent-credentials"),
            AWS_ENDPOINT_URL=cls.emulator.url, **KMSCTL_CALLER)
        cls.key_a = cls.create_key()["Arn"]    # used by its ARN
        cls.key_b = cls.create_key()["KeyId"]  # used by its bare key id
        cls.run_static(cls, "create-alias", "--alias-name", "alias/envelope-b",
                       "--target-key-id", cls.key_b)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        cls.emulator.stop_checked()

    @classmethod
    def create_key(cls):
        p = cls.run_static(cls, "create-key")
        return json.loads(p.stdout)["KeyMetadata"]

    def run_static(self, *args, stdin=None):
        p = subprocess.run([self.bin, *args], env=self.env, input=stdin, capture_output=True,
                           timeout=120)
        if p.returncode != 0:
            raise AssertionError("kmsctl %s failed: %r" % (args, p.stderr))
        return p

    def kmsctl(self, *args, stdin=None, status=0):
        p = subprocess.run([self.bin, *args], env=self.env, input=stdin, capture_output=True,
                           timeout=120)
        self.assertEqual(p.returncode, status,
                         "kmsctl %s: stderr=%r" % (args[:3], p.stderr[:2000]))
        return p

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def write(self, name, data):
        with open(self.path(name), "wb") as f:
            f.write(data)
        return self.path(name)

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def encrypt(self, data, *options):
        src = self.write("plain.in", data)
        out = self.path("message.enc")
        self.kmsctl("envelope", "encrypt", *options, "--in", src, "--out", out)
        return self.read(out)

    def assert_fails_without_output(self, args, stderr, status=255, stdin=None):
        out = self.path("failed.out")
        p = self.kmsctl(*args, "--out", out, stdin=stdin, status=status)
        self.assertEqual(p.stderr.decode(), stderr)
        self.assertFalse(os.path.exists(out), "a failed run left %s behind" % out)

    # -- round trips ----------------------------------------------------------------------------

    def test_round_trips_edge_and_multi_mib_sizes_under_both_suites(self):
        for suite in SUITES:
            for size in SIZES:
                with self.subTest(suite=suite, size=size):
                    data = os.urandom(size)
                    options = ["--key-id", self.key_a] + (["--algorithm", suite] if suite else [])
                    message = self.encrypt(data, *options)
                    self.assertEqual(message[0], 2)  # message format version 2
                    self.assertEqual(message[1:3].hex(), (suite or "0x0578")[2:])
                    enc = self.write("round.enc", message)
                    out = self.path("round.out")
                    self.kmsctl("envelope", "decrypt", "--in", enc, "--out", out)
                    self.assertEqual(self.read(out), data)
                    self.assertEqual(stat.S_IMODE(os.stat(out).st_mode), 0o600)
                    self.assertEqual(stat.S_IMODE(os.stat(self.path("message.enc")).st_mode),
                                     0o600)

    def test_frame_length_sets_the_frame_size(self):
        data = os.urandom(1000)
        small = self.encrypt(data, "--key-id", self.key_a, "--algorithm", "0x0478",
                             "--frame-length", "100")
        large = self.encrypt(data, "--key-id", self.key_a, "--algorithm", "0x0478")
        # 10 frames of 100 bytes plus an empty final frame versus one final frame: each frame
        # adds a sequence number, an IV and a tag.
        self.assertGreater(len(small), len(large) + 9 * (4 + 12 + 16))
        p = self.kmsctl("envelope", "decrypt", stdin=small)
        self.assertEqual(p.stdout, data)

    def test_standard_input_and_output_both_ways(self):
        data = os.urandom(100_000)
        message = self.kmsctl("envelope", "encrypt", "--key-id", self.key_a, stdin=data).stdout
        self.assertEqual(self.kmsctl("envelope", "decrypt", stdin=message).stdout, data)
        message = self.kmsctl("envelope", "encrypt", "--key-id", self.key_a, "--in", "-",
                              "--out", "-", stdin=data).stdout
        p = self.kmsctl("envelope", "decrypt", "--in", "-", "--out", "-", stdin=message)
        self.assertEqual(p.stdout, data)
        self.assertEqual(p.stderr, b"")

    def test_a_message_for_two_keys_decrypts_with_either(self):
        data = b"shared secret" * 1000
        message = self.encrypt(data, "--key-id", self.key_a, "--key-id", "alias/envelope-b",
                               "--context", "team=db", "--context", "env=dev,tier=1")
        for keys in (["--key-id", self.key_a], ["--key-id", self.key_b],
                     ["--key-id", "alias/envelope-b"], ["--key-id", "alias/envelope-b", self.key_a],
                     []):
            with self.subTest(keys=keys):
                p = self.kmsctl("envelope", "decrypt", *keys, "--context", "team=db", stdin=message)
                self.assertEqual(p.stdout, data)

    def test_decrypt_with_only_another_key_fails(self):
        other = self.create_key()["Arn"]
        message = self.encrypt(b"data", "--key-id", self.key_a)
        self.assert_fails_without_output(
            ["envelope", "decrypt", "--key-id", other, "--in", self.write("m", message)],
            "kmsctl: No keyring could decrypt a data key: AWS KMS keyring (key \"%s\"): no "
            "encrypted data key matches\n" % other)

    # -- encryption context ---------------------------------------------------------------------

    def test_decrypt_checks_the_expected_context(self):
        message = self.encrypt(b"data" * 5000, "--key-id", self.key_a, "--context", "purpose=test")
        enc = self.write("ctx.enc", message)
        self.assertEqual(self.kmsctl("envelope", "decrypt", "--context", "purpose=test",
                                     "--in", enc).stdout, b"data" * 5000)
        self.assert_fails_without_output(
            ["envelope", "decrypt", "--context", "purpose=other", "--in", enc],
            "kmsctl: Encryption context does not match the message: the value of key \"purpose\" "
            "differs\n")
        # A pair the message does not store is authenticated as a required pair: KMS, which
        # gets the whole context, refuses the data key first (AWS answers without a message);
        # the error names the unstored key as the likely reason.
        key_arn = json.loads(self.kmsctl("describe-key", "--key-id", self.key_a).stdout)
        self.assert_fails_without_output(
            ["envelope", "decrypt", "--context", "purpose=test", "--context", "extra=1",
             "--in", enc],
            "kmsctl: No keyring could decrypt a data key: AWS KMS discovery keyring: Decrypt with "
            "%s failed: InvalidCiphertextException (the message does not store the encryption "
            "context key(s) \"extra\" given for decryption; they can only be right if it was "
            "encrypted with them as required encryption context)\n"
            % key_arn["KeyMetadata"]["Arn"])

    def test_context_as_json_objects_and_arrays_mixed_with_pairs(self):
        # A JSON object gives any key (with '=', ',', spaces); a JSON array value is a list of
        # k=v values even next to other --context values.
        message = self.encrypt(b"ctx", "--key-id", self.key_a,
                               "--context", '{"a=b": "1", " k ": "x,y"}',
                               "--context", "plain=p", "--context", '["[br=z", "q=r"]')
        enc = self.write("json-ctx.enc", message)
        expected = {"a=b": "1", " k ": "x,y", "plain": "p", "[br": "z", "q": "r"}
        self.assertEqual(self.kmsctl("envelope", "decrypt", "--context", json.dumps(expected),
                                     "--in", enc).stdout, b"ctx")
        for key in expected:
            wrong = dict(expected)
            wrong[key] = "other"
            self.assert_fails_without_output(
                ["envelope", "decrypt", "--context", json.dumps(wrong), "--in", enc],
                "kmsctl: Encryption context does not match the message: the value of key "
                "\"%s\" differs\n" % key)

    def test_bad_option_values_are_refused_before_anything_is_written(self):
        src = self.write("p", b"x")
        usage = "Run 'kmsctl envelope %s --help' for its options.\n"
        self.assert_fails_without_output(
            ["envelope", "encrypt", "--key-id", self.key_a, "--algorithm", "0x9999", "--in", src],
            "kmsctl: error: argument --algorithm: Unknown algorithm suite '0x9999'\n"
            + usage % "encrypt", status=2)
        self.assert_fails_without_output(
            ["envelope", "encrypt", "--key-id", self.key_a, "--frame-length", "0", "--in", src],
            "kmsctl: error: argument --frame-length: must be at least 1 (got 0)\n"
            + usage % "encrypt", status=2)
        self.assert_fails_without_output(
            ["envelope", "encrypt", "--key-id", self.key_a, "--context", "novalue", "--in", src],
            "kmsctl: error: argument --context: expected 'key=value' in 'novalue'\n"
            + usage % "encrypt", status=2)
        self.assert_fails_without_output(
            ["envelope", "encrypt", "--key-id", self.key_a, "--context", "a=1", "--context",
             "a=2", "--in", src],
            "kmsctl: error: argument --context: key 'a' given twice with different values\n"
            + usage % "encrypt", status=2)
        self.assert_fails_without_output(
            ["envelope", "decrypt", "--context", '{"a": 1}', "--in", src],
            "kmsctl: error: argument --context: the value of 'a' is not a string\n"
            + usage % "decrypt", status=2)
        self.assert_fails_without_output(
            ["envelope", "decrypt", "--commitment-policy", "allow-everything", "--in", src],
            "kmsctl: error: argument --commitment-policy: invalid choice: 'allow-everything' "
            "(choose from require-encrypt-require-decrypt, require-encrypt-allow-decrypt, "
            "forbid-encrypt-allow-decrypt)\n" + usage % "decrypt", status=2)
        self.assert_fails_without_output(
            ["envelope", "encrypt", "--key-id", self.key_a, "--context", "aws-crypto-x=1",
             "--in", src],
            "kmsctl: Encryption context key \"aws-crypto-x\" uses the reserved prefix "
            "aws-crypto-\n")
        self.assert_fails_without_output(
            ["envelope", "encrypt", "--key-id", self.key_a, "--in", self.path("absent")],
            "kmsctl: Cannot open %s: No such file or directory\n" % self.path("absent"))
        p = self.kmsctl("envelope", "encrypt", "--in", src, status=2)
        self.assertEqual(p.stderr.decode(),
                         "kmsctl: error: the following arguments are required: --key-id\n"
                         "Run 'kmsctl envelope encrypt --help' for its options.\n")

    def test_in_and_out_naming_one_file_is_refused_and_the_file_kept(self):
        enc = self.write("same.enc", self.encrypt(b"keep me", "--key-id", self.key_a))
        before = self.read(enc)
        p = self.kmsctl("envelope", "decrypt", "--in", enc, "--out", enc, status=255)
        self.assertEqual(p.stderr.decode(), "kmsctl: --in and --out name the same file: %s\n" % enc)
        self.assertEqual(self.read(enc), before)

    # -- key state ------------------------------------------------------------------------------

    def test_a_disabled_key_fails_both_ways(self):
        key = self.create_key()["Arn"]
        message = self.encrypt(b"x" * 10000, "--key-id", key)
        self.run_static("disable-key", "--key-id", key)
        self.assert_fails_without_output(
            ["envelope", "decrypt", "--in", self.write("dis.enc", message)],
            "kmsctl: No keyring could decrypt a data key: AWS KMS discovery keyring: Decrypt with "
            "%s failed: DisabledException: %s is disabled.\n" % (key, key))
        self.assert_fails_without_output(
            ["envelope", "encrypt", "--key-id", key, "--in", self.write("dis.in", b"abc")],
            "kmsctl: AWS KMS keyring (key \"%s\"): GenerateDataKey failed: DisabledException: "
            "%s is disabled.\n" % (key, key))
        self.run_static("enable-key", "--key-id", key)
        self.assertEqual(self.kmsctl("envelope", "decrypt", stdin=message).stdout, b"x" * 10000)

    # -- friendly errors and failed output ------------------------------------------------------

    def test_kms_decrypt_of_an_envelope_message_says_what_it_is(self):
        for size in (10, 100_000):
            with self.subTest(size=size):
                enc = self.write("mixup.enc", self.encrypt(b"y" * size, "--key-id", self.key_a))
                p = self.kmsctl("decrypt", "--ciphertext-blob", "fileb://" + enc, status=255)
                self.assertEqual(p.stderr.decode(), ESDK_HINT)
                self.assertEqual(p.stdout, b"")

    def test_envelope_decrypt_of_a_kms_blob_says_what_it_is(self):
        blob = self.path("kms.blob")
        self.kmsctl("encrypt", "--key-id", self.key_a, "--plaintext",
                    "fileb://" + self.write("small", b"hello"), "--outfile", blob)
        self.assert_fails_without_output(["envelope", "decrypt", "--in", blob], BLOB_HINT)
        with open(blob, "rb") as f:
            p = self.kmsctl("envelope", "decrypt", "--key-id", self.key_a, stdin=f.read(),
                            status=255)
        self.assertEqual(p.stderr.decode(), BLOB_HINT)

    def test_a_failed_decrypt_removes_what_it_wrote(self):
        data = os.urandom(2 * 1024 * 1024)
        message = bytearray(self.encrypt(data, "--key-id", self.key_a, "--algorithm", "0x0478"))
        message[-1] ^= 1  # the final frame's tag: every earlier frame was written already
        enc = self.write("tampered.enc", bytes(message))
        out = self.write("existing.out", b"old contents")
        p = self.kmsctl("envelope", "decrypt", "--in", enc, "--out", out, status=255)
        self.assertRegex(p.stderr.decode(), r"^kmsctl: Frame \d+ failed authentication\n$")
        self.assertFalse(os.path.exists(out))
        self.assert_fails_without_output(
            ["envelope", "decrypt", "--in", self.write("trunc.enc", bytes(message[:-1000]))],
            "kmsctl: Message is truncated: it ends in frame 512\n")
        signed = bytearray(self.encrypt(data, "--key-id", self.key_a))
        signed[-10] ^= 1  # the footer signature: the final frame is held back until it verifies
        self.assert_fails_without_output(
            ["envelope", "decrypt", "--in", self.write("sig.enc", bytes(signed))],
            "kmsctl: Signature verification failed\n")

    def test_a_failed_decrypt_to_a_fifo_leaves_the_fifo(self):
        # Only a regular file the command created or truncated is removed on failure: a FIFO or
        # a device (/dev/null) named by --out belongs to someone else.
        message = bytearray(self.encrypt(os.urandom(300_000), "--key-id", self.key_a,
                                         "--algorithm", "0x0478"))
        message[-1] ^= 1
        enc = self.write("fifo.enc", bytes(message))
        fifo = self.path("out.fifo")
        os.mkfifo(fifo, 0o600)
        received = []
        reader = threading.Thread(target=lambda: received.append(self.read(fifo)))
        reader.start()
        p = self.kmsctl("envelope", "decrypt", "--in", enc, "--out", fifo, status=255)
        reader.join(timeout=60)
        self.assertRegex(p.stderr.decode(), r"^kmsctl: Frame \d+ failed authentication\n$")
        self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode))
        self.assertLessEqual(len(received[0]), 300_000)

    def test_input_and_output_errors_name_the_file_and_the_reason(self):
        self.assert_fails_without_output(
            ["envelope", "encrypt", "--key-id", self.key_a, "--in", self.tmp.name],
            "kmsctl: Cannot read %s: Is a directory\n" % self.tmp.name)
        self.assert_fails_without_output(
            ["envelope", "decrypt", "--in", self.tmp.name],
            "kmsctl: Cannot read %s: Is a directory\n" % self.tmp.name)
        with open("/dev/full", "wb") as full:
            p = subprocess.run([self.bin, "envelope", "encrypt", "--key-id", self.key_a],
                               env=self.env, input=os.urandom(3 * 1024 * 1024), stdout=full,
                               stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(p.returncode, 255)
        self.assertEqual(p.stderr.decode(),
                         "kmsctl: Cannot write standard output: No space left on device\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
