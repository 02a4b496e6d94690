"""kmsctl's tools against the real kms-emulator: `kmsctl audit` (CloudTrail LookupEvents: filters,
time range, text and JSON, CloudTrail errors, --follow bounded by a SIGINT to the child's PID) and
`kmsctl inspect` on real emulator output (envelope messages, CiphertextBlobs raw, base64 and as
the JSON answer of `kmsctl encrypt`).

kmsctl comes from KMSCTL_BIN (set by ctest), else from beside KMS_EMULATOR_BIN.
"""
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import KMSCTL_CALLER, Emulator, kmsctl_bin, kmsctl_env  # noqa: E402

ACCOUNT = "111122223333"


class KmsctlTools(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bin = kmsctl_bin()
        cls.emulator = Emulator()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.env = kmsctl_env(cls.tmp.name, AWS_CONFIG_FILE=os.devnull,
                             AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                             AWS_ENDPOINT_URL_KMS=cls.emulator.url, **KMSCTL_CALLER)
        cls.key = cls.json_of("create-key", "--description", "tools")["KeyMetadata"]
        cls.other = cls.json_of("create-key")["KeyMetadata"]
        cls.run_ok("create-alias", "--alias-name", "alias/tools", "--target-key-id",
                   cls.key["KeyId"])
        cls.blob_answer = cls.json_of("encrypt", "--key-id", cls.key["KeyId"], "--plaintext",
                                      base64.b64encode(b"hello").decode(),
                                      "--encryption-context", "app=tools,team=db")
        cls.run_ok("encrypt", "--key-id", cls.other["KeyId"], "--plaintext",
                   base64.b64encode(b"x").decode())
        cls.run_kmsctl("decrypt", "--ciphertext-blob", cls.blob_answer["CiphertextBlob"],
                       "--encryption-context", "app=wrong", status=254)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        cls.emulator.stop_checked()

    @classmethod
    def run_kmsctl(cls, *args, status=0, stdin=None, env=None):
        p = subprocess.run([cls.bin, *args], capture_output=True, env=env or cls.env, input=stdin,
                           timeout=30)
        if p.returncode != status:
            raise AssertionError("kmsctl %s exited %d (wanted %d): %s" % (
                " ".join(args), p.returncode, status, p.stderr.decode(errors="replace")))
        return p

    @classmethod
    def run_ok(cls, *args):
        return cls.run_kmsctl(*args).stdout.decode()

    @classmethod
    def json_of(cls, *args):
        return json.loads(cls.run_ok(*args))

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    # -- audit ------------------------------------------------------------------------------------

    def test_audit_lists_every_event_newest_first_as_text_lines(self):
        lines = self.run_ok("audit").splitlines()[-6:]  # setUpClass's calls; later tests add more
        names = [line.split("\t")[1] for line in lines]
        self.assertEqual(names, ["Decrypt", "Encrypt", "Encrypt", "CreateAlias", "CreateKey",
                                 "CreateKey"])
        self.assertEqual(lines[3].split("\t")[3], "key/%s,alias/tools" % self.key["KeyId"])
        failed = lines[0].split("\t")
        self.assertEqual(len(failed), 6)
        self.assertRegex(failed[0], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(failed[1:], ["Decrypt", "root", "key/" + self.key["KeyId"], "app=wrong",
                                      "InvalidCiphertextException"])

    def test_audit_filters_by_key_given_as_arn_id_or_alias(self):
        for key_id in (self.key["Arn"], self.key["KeyId"], "alias/tools"):
            with self.subTest(key_id=key_id):
                events = self.json_of("audit", "--key-id", key_id, "--output", "json",
                                      "--event-name", "Encrypt")["Events"]
                self.assertEqual(len(events), 1)
                event = events[0]
                self.assertEqual(event["EventName"], "Encrypt")
                self.assertEqual(event["Resources"][0]["ResourceName"], self.key["Arn"])
                self.assertIsInstance(event["EventTime"], float)
                record = json.loads(event["CloudTrailEvent"])
                self.assertEqual(record["requestParameters"]["encryptionContext"],
                                 {"app": "tools", "team": "db"})
        names = [e["EventName"] for e in self.json_of(
            "audit", "--key-id", self.other["Arn"], "--output", "json")["Events"]]
        self.assertEqual(names, ["Encrypt", "CreateKey"])

    def test_audit_event_name_max_items_and_time_range(self):
        lines = self.run_ok("audit", "--event-name", "CreateKey").splitlines()
        self.assertEqual([l.split("\t")[4] for l in lines], ["-", "-"])
        self.assertEqual(len(self.run_ok("audit", "--max-items", "2").splitlines()), 2)
        self.assertEqual(self.run_ok("audit", "--start-time", "2000-01-01", "--end-time",
                                     "2000-01-02"), "")
        self.assertEqual(len(self.run_ok("audit", "--start-time", "1h", "--event-name",
                                         "CreateKey").splitlines()), 2)
        self.assertEqual(self.run_ok("audit", "--start-time", "2100-01-01T00:00:00Z"), "")
        self.assertEqual(self.run_kmsctl("audit", "--output", "json", "--event-name",
                                         "NoSuchThing").stdout.decode(),
                         '{\n    "Events": []\n}\n')

    def test_audit_reports_cloudtrail_and_kms_errors(self):
        p = self.run_kmsctl("audit", "--start-time", "2030-01-01", "--end-time", "2029-01-01",
                            status=254)
        self.assertEqual(p.stderr.decode(),
                         "An error occurred (InvalidTimeRangeException) when calling the "
                         "LookupEvents operation: StartTime must not be after EndTime.\n")
        p = self.run_kmsctl("audit", "--key-id", "alias/nope", status=254)
        self.assertEqual(p.stderr.decode(),
                         "An error occurred (NotFoundException) when calling the DescribeKey "
                         "operation: Alias arn:aws:kms:us-east-1:%s:alias/nope is not found.\n"
                         % ACCOUNT)
        p = self.run_kmsctl("audit", "--follow", "--end-time", "1h", status=2)
        self.assertIn("argument --end-time: not allowed with --follow", p.stderr.decode())

    def test_audit_follow_prints_new_events_until_sigint(self):
        key = self.json_of("create-key")["KeyMetadata"]
        argv = [self.bin, "audit", "--follow", "--key-id", key["Arn"], "--max-items", "1"]
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env=self.env, stdin=subprocess.DEVNULL)
        try:
            first = child.stdout.readline().decode()  # the backlog: the CreateKey event
            self.assertEqual(first.split("\t")[1], "CreateKey")
            self.run_ok("encrypt", "--key-id", key["KeyId"], "--plaintext", "aGk=",
                        "--encryption-context", "step=1")
            self.run_ok("disable-key", "--key-id", key["KeyId"])
            lines = [child.stdout.readline().decode() for _ in range(2)]
            self.assertEqual([l.split("\t")[1] for l in lines], ["Encrypt", "DisableKey"])
            self.assertEqual(lines[0].split("\t")[4], "step=1")
        finally:
            child.send_signal(signal.SIGINT)
            try:
                out, err = child.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.communicate(timeout=5)
                raise AssertionError("kmsctl audit --follow ignored SIGINT")
        self.assertEqual(child.returncode, 0, err.decode())
        self.assertEqual(out.decode(), "")  # nothing printed twice after the two new events
        self.assertEqual(err.decode(), "")

    def test_audit_follow_json_prints_one_object_per_line(self):
        key = self.json_of("create-key")["KeyMetadata"]
        child = subprocess.Popen([self.bin, "audit", "--follow", "--output", "json", "--key-id",
                                  key["Arn"]], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env=self.env, stdin=subprocess.DEVNULL)
        try:
            event = json.loads(child.stdout.readline())
            self.assertEqual(event["EventName"], "CreateKey")
            self.assertEqual(event["Resources"][0]["ResourceName"], key["Arn"])
        finally:
            child.send_signal(signal.SIGINT)
            try:
                child.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.communicate(timeout=5)
                raise
        self.assertEqual(child.returncode, 0)

    # -- inspect ----------------------------------------------------------------------------------

    def test_inspect_explains_an_envelope_message_of_the_emulator(self):
        plain, enc = self.path("plain.bin"), self.path("plain.enc")
        with open(plain, "wb") as f:
            f.write(os.urandom(9000))
        self.run_ok("envelope", "encrypt", "--key-id", "alias/tools", "--context", "purpose=it",
                    "--in", plain, "--out", enc)
        with open(enc, "rb") as f:
            message = f.read()
        data = self.json_of("inspect", enc, "--output", "json")
        self.assertEqual(data["Kind"], "AwsEncryptionSdkMessage")
        self.assertEqual(data["Length"], len(message))
        self.assertEqual(data["AlgorithmSuite"]["Id"], "0x0578")
        self.assertEqual(data["EncryptionContext"]["purpose"], "it")
        self.assertEqual(data["EncryptedDataKeys"][0]["ProviderInfo"], self.key["Arn"])
        self.assertEqual(data["FrameCount"], 3)
        self.assertEqual(data["ContentLength"], 9000)
        fields = {f["Field"]: f for s in data["Sections"] for f in s["Fields"] if f["Depth"] < 3}
        arn = fields["Key ARN"]
        self.assertEqual(message[arn["Offset"] + 2:arn["Offset"] + arn["Length"]],
                         self.key["Arn"].encode())
        sig = fields["Signature"]
        self.assertEqual(sig["Offset"] + sig["Length"], len(message))
        text = self.run_ok("inspect", enc)
        self.assertTrue(text.startswith("AWS Encryption SDK message, %d bytes, read as raw bytes.\n"
                                        % len(message)))
        self.assertIn("0x0578 ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384", text)
        self.assertEqual(self.run_kmsctl("inspect", "-", stdin=message).stdout.decode(), text)
        p = self.run_kmsctl("inspect", "-", stdin=message[:-10], status=255)
        self.assertEqual(p.stderr.decode(), "kmsctl: Cannot inspect standard input: Message is "
                                            "truncated: it ends in the footer\n")

    def test_inspect_explains_ciphertext_blobs_raw_base64_and_as_the_encrypt_answer(self):
        blob = base64.b64decode(self.blob_answer["CiphertextBlob"])
        path = self.path("blob.kms")
        with open(path, "wb") as f:
            f.write(blob)
        raw = self.json_of("--output", "json", "inspect", path)
        self.assertEqual(raw["Kind"], "KmsEmulatorCiphertextBlob")
        self.assertEqual(raw["KeyArn"], self.key["Arn"])
        self.assertEqual(raw["KeyId"], self.key["KeyId"])
        self.assertEqual(raw["CiphertextLength"], 5)
        self.assertEqual(raw["Input"], "raw bytes")
        decrypted = self.json_of("decrypt", "--ciphertext-blob", "fileb://" + path,
                                 "--encryption-context", "app=tools,team=db")
        self.assertEqual(raw["KeyMaterialId"], decrypted["KeyMaterialId"])
        p = self.run_kmsctl("--output", "json", "inspect", "-",
                            stdin=self.blob_answer["CiphertextBlob"].encode() + b"\n")
        b64 = json.loads(p.stdout)
        self.assertTrue(b64["Input"].startswith("base64 text ("))
        self.assertEqual(b64["Sections"], raw["Sections"])
        answer = self.run_kmsctl("encrypt", "--key-id", "alias/tools", "--plaintext",
                                 "aGk=").stdout
        piped = json.loads(self.run_kmsctl("--output", "json", "inspect", stdin=answer).stdout)
        self.assertTrue(piped["Input"].startswith("the base64 CiphertextBlob member"))
        self.assertEqual(piped["KeyArn"], self.key["Arn"])

    def test_inspect_rejects_garbage_with_exit_255(self):
        p = self.run_kmsctl("inspect", "-", stdin=b"\x00\x01\x02\x03", status=255)
        self.assertEqual(p.stderr.decode(),
                         "kmsctl: Cannot inspect standard input: Unrecognised input: neither an "
                         "AWS Encryption SDK message nor a kms-emulator ciphertext blob, raw or "
                         "base64 (it starts 00 01 02 03)\n")
        self.assertEqual(p.stdout, b"")


if __name__ == "__main__":
    unittest.main(verbosity=2)
