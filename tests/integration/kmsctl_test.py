"""The real kmsctl against the real kms-emulator: every command, fileb:// and --outfile round
trips, text output, errors (code, message, exit status), endpoint, region and credentials from
the environment and from a profile file. When the aws CLI is installed, kmsctl's output is also
compared byte for byte with `aws kms` for the same calls.

kmsctl comes from KMSCTL_BIN (set by ctest), else from beside KMS_EMULATOR_BIN.
"""
import base64
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import KMSCTL_CALLER, Emulator, client_env, kmsctl_bin, kmsctl_env  # noqa: E402

ACCOUNT = "111122223333"
ARN_PREFIX = "arn:aws:kms:us-east-1:%s:" % ACCOUNT


def aws_cli_v1():
    """True when `aws` is the aws CLI v1, whose output (epoch timestamps) kmsctl reproduces."""
    if not shutil.which("aws"):
        return False
    p = subprocess.run(["aws", "--version"], capture_output=True, text=True, timeout=60)
    return (p.stdout + p.stderr).startswith("aws-cli/1.")


def closed_port():
    """A 127.0.0.1 port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Kmsctl(unittest.TestCase):
    ran = set()  # commands run so far, for the coverage check at the end

    @classmethod
    def setUpClass(cls):
        cls.bin = kmsctl_bin()
        cls.emulator = Emulator()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.base_env = kmsctl_env(
            cls.tmp.name,
            AWS_CONFIG_FILE=os.path.join(cls.tmp.name, "absent-config"),
            AWS_SHARED_CREDENTIALS_FILE=os.path.join(cls.tmp.name, "absent-credentials"),
            AWS_MAX_ATTEMPTS="1")
        cls.env = dict(cls.base_env, **KMSCTL_CALLER)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        cls.emulator.stop_checked()

    # -- helpers --------------------------------------------------------------------------------

    def run_kmsctl(self, *args, env=None, stdin=None, status=0, endpoint=True):
        argv = [self.bin, *args]
        if endpoint:
            argv += ["--endpoint-url", self.emulator.url]
        for a in args:
            if not a.startswith("-"):
                Kmsctl.ran.add(a)
                break
        p = subprocess.run(argv, env=self.env if env is None else env, input=stdin,
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, status,
                         "kmsctl %s: stdout=%r stderr=%r" % (args, p.stdout, p.stderr))
        return p

    def json(self, *args, **kw):
        out = self.run_kmsctl(*args, **kw).stdout
        return json.loads(out) if out.strip() else {}

    def error(self, *args, status=254, **kw):
        p = self.run_kmsctl(*args, status=status, **kw)
        self.assertEqual(p.stdout, b"")
        return p.stderr.decode()

    def path(self, name, data=None):
        p = os.path.join(self.tmp.name, name)
        if data is not None:
            with open(p, "wb") as f:
                f.write(data)
        return p

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()

    def new_key(self, *args, **kw):
        return self.json("create-key", *args, **kw)["KeyMetadata"]

    # -- keys -----------------------------------------------------------------------------------

    def test_key_lifecycle(self):
        key = self.new_key("--description", "lifecycle", "--tags", "TagKey=team,TagValue=db")
        self.assertRegex(key["Arn"], r"^%skey/[0-9a-f-]{36}$" % ARN_PREFIX)
        self.assertEqual((key["KeyState"], key["Description"], key["KeySpec"]),
                         ("Enabled", "lifecycle", "SYMMETRIC_DEFAULT"))
        self.assertIsInstance(key["CreationDate"], float)
        kid = key["KeyId"]
        self.assertEqual(self.json("describe-key", "--key-id", key["Arn"])["KeyMetadata"], key)
        self.run_kmsctl("update-key-description", "--key-id", kid, "--description", "changed")
        self.assertEqual(self.json("describe-key", "--key-id", kid)["KeyMetadata"]["Description"],
                         "changed")
        self.assertEqual(self.run_kmsctl("disable-key", "--key-id", kid).stdout, b"")
        meta = self.json("describe-key", "--key-id", kid)["KeyMetadata"]
        self.assertEqual((meta["Enabled"], meta["KeyState"]), (False, "Disabled"))
        self.run_kmsctl("enable-key", "--key-id", kid)
        self.assertEqual(self.json("describe-key", "--key-id", kid)["KeyMetadata"]["KeyState"],
                         "Enabled")
        out = self.json("schedule-key-deletion", "--key-id", kid, "--pending-window-in-days", "7")
        self.assertEqual(list(out), ["KeyId", "DeletionDate", "KeyState", "PendingWindowInDays"])
        self.assertEqual((out["KeyId"], out["KeyState"], out["PendingWindowInDays"]),
                         (key["Arn"], "PendingDeletion", 7))
        self.assertAlmostEqual(out["DeletionDate"], time.time() + 7 * 86400, delta=600)
        err = self.error("encrypt", "--key-id", kid, "--plaintext", "eA==")
        self.assertEqual(err, "An error occurred (KMSInvalidStateException) when calling the "
                              "Encrypt operation: %s is pending deletion.\n" % key["Arn"])
        self.assertEqual(self.json("cancel-key-deletion", "--key-id", kid), {"KeyId": key["Arn"]})
        self.assertEqual(self.json("describe-key", "--key-id", kid)["KeyMetadata"]["KeyState"],
                         "Disabled")

    def test_list_keys_follows_every_page_unless_limit_or_marker_is_given(self):
        ids = {self.new_key()["KeyId"] for _ in range(3)}
        merged = self.json("list-keys")
        self.assertEqual(list(merged), ["Keys"])  # the aws CLI drops NextMarker / Truncated
        all_ids = [k["KeyId"] for k in merged["Keys"]]
        self.assertTrue(ids <= set(all_ids))
        pages, marker = [], None
        while True:
            page = self.json("list-keys", "--limit", "2", *(["--marker", marker] if marker else []))
            pages += [k["KeyId"] for k in page["Keys"]]
            self.assertLessEqual(len(page["Keys"]), 2)
            if not page["Truncated"]:
                self.assertNotIn("NextMarker", page)
                break
            marker = page["NextMarker"]
        self.assertEqual(pages, all_ids)
        one = self.json("list-keys", "--no-paginate")
        self.assertIn("Truncated", one)
        err = self.error("list-keys", "--marker", "not-a-marker")
        self.assertEqual(err, "An error occurred (InvalidMarkerException) when calling the "
                              "ListKeys operation: Invalid marker\n")

    # -- cryptography ---------------------------------------------------------------------------

    def test_encrypt_and_decrypt_round_trip_through_fileb_and_outfile(self):
        key = self.new_key()
        secret = bytes(range(256)) * 4
        plain = self.path("plain.bin", secret)
        out = self.json("encrypt", "--key-id", key["KeyId"], "--plaintext", "fileb://" + plain,
                        "--encryption-context", "app=kmsctl,purpose=test",
                        "--outfile", self.path("cipher.bin"))
        self.assertEqual(out, {"KeyId": key["Arn"], "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"})
        self.assertEqual(stat.S_IMODE(os.stat(self.path("cipher.bin")).st_mode), 0o600)
        blob = "fileb://" + self.path("cipher.bin")
        # JSON context, base64 Plaintext in the output.
        out = self.json("decrypt", "--ciphertext-blob", blob,
                        "--encryption-context", '{"purpose": "test", "app": "kmsctl"}')
        self.assertEqual(list(out), ["KeyId", "Plaintext", "EncryptionAlgorithm", "KeyMaterialId"])
        self.assertEqual(base64.b64decode(out["Plaintext"]), secret)
        # --outfile PATH: the raw plaintext, and no Plaintext member printed.
        out = self.json("decrypt", "--ciphertext-blob", blob, "--encryption-context",
                        "app=kmsctl,purpose=test", "--outfile", self.path("plain2.bin"))
        self.assertNotIn("Plaintext", out)
        self.assertEqual(self.read("plain2.bin"), secret)
        # --outfile -: the raw plaintext alone on stdout; the ciphertext read from stdin.
        p = self.run_kmsctl("decrypt", "--ciphertext-blob", "-", "--encryption-context",
                            "app=kmsctl,purpose=test", "--outfile", "-",
                            stdin=self.read("cipher.bin"))
        self.assertEqual(p.stdout, secret)
        # The wrong context fails as AWS does (empty message).
        err = self.error("decrypt", "--ciphertext-blob", blob, "--encryption-context", "app=other")
        self.assertEqual(err, "An error occurred (InvalidCiphertextException) when calling the "
                              "Decrypt operation: \n")

    def test_inline_plaintext_is_base64_or_raw_text(self):
        key = self.new_key()["KeyId"]
        b64 = self.json("encrypt", "--key-id", key, "--plaintext", "aGVsbG8=")["CiphertextBlob"]
        raw = self.json("--cli-binary-format", "raw-in-base64-out", "encrypt", "--key-id", key,
                        "--plaintext", "hello")["CiphertextBlob"]
        for blob in (b64, raw):
            p = self.run_kmsctl("decrypt", "--ciphertext-blob", blob, "--outfile", "-")
            self.assertEqual(p.stdout, b"hello")
        err = self.error("encrypt", "--key-id", key, "--plaintext", "hello", status=2)
        self.assertTrue(err.startswith("kmsctl: error: argument --plaintext: Invalid base64: "
                                       "\"hello\""), err)

    def test_re_encrypt_moves_a_ciphertext_to_another_key(self):
        a, b = self.new_key(), self.new_key()
        self.run_kmsctl("encrypt", "--key-id", a["KeyId"], "--plaintext", "c2VjcmV0",
                        "--encryption-context", "k=v", "--outfile", self.path("a.bin"))
        out = self.json("re-encrypt", "--ciphertext-blob", "fileb://" + self.path("a.bin"),
                        "--source-encryption-context", "k=v", "--destination-key-id", b["Arn"],
                        "--destination-encryption-context", "k=w", "--outfile",
                        self.path("b.bin"))
        self.assertEqual((out["SourceKeyId"], out["KeyId"]), (a["Arn"], b["Arn"]))
        self.assertEqual(out["DestinationEncryptionAlgorithm"], "SYMMETRIC_DEFAULT")
        self.assertNotIn("CiphertextBlob", out)
        out = self.json("decrypt", "--ciphertext-blob", "fileb://" + self.path("b.bin"),
                        "--encryption-context", "k=w", "--key-id", b["KeyId"])
        self.assertEqual((out["KeyId"], base64.b64decode(out["Plaintext"])), (b["Arn"], b"secret"))

    def test_generate_data_key_outputs_and_files(self):
        key = self.new_key()
        out = self.json("generate-data-key", "--key-id", key["KeyId"], "--key-spec", "AES_256",
                        "--encryption-context", "f=1")
        self.assertEqual(list(out), ["CiphertextBlob", "Plaintext", "KeyId", "KeyMaterialId"])
        data_key = base64.b64decode(out["Plaintext"])
        self.assertEqual(len(data_key), 32)
        p = self.run_kmsctl("decrypt", "--ciphertext-blob", out["CiphertextBlob"],
                            "--encryption-context", "f=1", "--outfile", "-")
        self.assertEqual(p.stdout, data_key)
        out = self.json("generate-data-key", "--key-id", key["Arn"], "--number-of-bytes", "64",
                        "--outfile", self.path("dk.enc"), "--plaintext-outfile",
                        self.path("dk.bin"))
        self.assertEqual(list(out), ["KeyId", "KeyMaterialId"])
        self.assertEqual(len(self.read("dk.bin")), 64)
        self.assertEqual(stat.S_IMODE(os.stat(self.path("dk.bin")).st_mode), 0o600)
        p = self.run_kmsctl("decrypt", "--ciphertext-blob", "fileb://" + self.path("dk.enc"),
                            "--outfile", "-")
        self.assertEqual(p.stdout, self.read("dk.bin"))
        out = self.json("generate-data-key-without-plaintext", "--key-id", key["KeyId"],
                        "--key-spec", "AES_128", "--outfile", self.path("wp.enc"))
        self.assertEqual(list(out), ["KeyId", "KeyMaterialId"])
        p = self.run_kmsctl("decrypt", "--ciphertext-blob", "fileb://" + self.path("wp.enc"),
                            "--outfile", "-")
        self.assertEqual(len(p.stdout), 16)

    def test_generate_random(self):
        out = self.json("generate-random", "--number-of-bytes", "48")
        self.assertEqual(len(base64.b64decode(out["Plaintext"])), 48)
        self.run_kmsctl("generate-random", "--number-of-bytes", "7", "--outfile", self.path("r"))
        self.assertEqual(len(self.read("r")), 7)
        text = self.run_kmsctl("generate-random", "--number-of-bytes", "3", "--output", "text")
        self.assertEqual(len(base64.b64decode(text.stdout.strip())), 3)
        err = self.error("generate-random", "--number-of-bytes", "0")
        self.assertEqual(err, "An error occurred (ValidationException) when calling the "
                              "GenerateRandom operation: 1 validation error detected: Value '0' at "
                              "'numberOfBytes' failed to satisfy constraint: Member must have "
                              "value greater than or equal to 1\n")

    # -- aliases and tags -----------------------------------------------------------------------

    def test_alias_commands(self):
        a, b = self.new_key(), self.new_key()
        self.assertEqual(self.run_kmsctl("create-alias", "--alias-name", "alias/kmsctl-app",
                                         "--target-key-id", a["KeyId"]).stdout, b"")
        aliases = self.json("list-aliases", "--key-id", a["KeyId"])["Aliases"]
        self.assertEqual([(x["AliasName"], x["AliasArn"], x["TargetKeyId"]) for x in aliases],
                         [("alias/kmsctl-app", ARN_PREFIX + "alias/kmsctl-app", a["KeyId"])])
        err = self.error("create-alias", "--alias-name", "alias/kmsctl-app", "--target-key-id",
                         b["KeyId"])
        self.assertEqual(err, "An error occurred (AlreadyExistsException) when calling the "
                              "CreateAlias operation: An alias with the name %salias/kmsctl-app "
                              "already exists\n" % ARN_PREFIX)
        self.run_kmsctl("update-alias", "--alias-name", "alias/kmsctl-app", "--target-key-id",
                        b["KeyId"])
        self.assertEqual(
            self.json("describe-key", "--key-id", "alias/kmsctl-app")["KeyMetadata"]["KeyId"],
            b["KeyId"])
        self.run_kmsctl("delete-alias", "--alias-name", "alias/kmsctl-app")
        err = self.error("describe-key", "--key-id", "alias/kmsctl-app")
        self.assertEqual(err, "An error occurred (NotFoundException) when calling the DescribeKey "
                              "operation: Alias %salias/kmsctl-app is not found.\n" % ARN_PREFIX)

    def test_tag_commands(self):
        kid = self.new_key()["KeyId"]
        self.run_kmsctl("tag-resource", "--key-id", kid, "--tags", "TagKey=a,TagValue=1",
                        "TagKey=b,TagValue=", "TagKey=c,TagValue=3")
        tags = self.json("list-resource-tags", "--key-id", kid)
        self.assertEqual(tags, {"Tags": [{"TagKey": "a", "TagValue": "1"},
                                         {"TagKey": "b", "TagValue": ""},
                                         {"TagKey": "c", "TagValue": "3"}]})
        text = self.run_kmsctl("list-resource-tags", "--key-id", kid, "--output", "text").stdout
        self.assertEqual(text, b"TAGS\ta\t1\nTAGS\tb\t\nTAGS\tc\t3\n")
        page = self.json("list-resource-tags", "--key-id", kid, "--limit", "2")
        self.assertEqual((len(page["Tags"]), page["Truncated"]), (2, True))
        rest = self.json("list-resource-tags", "--key-id", kid, "--marker", page["NextMarker"])
        self.assertEqual([t["TagKey"] for t in rest["Tags"]], ["c"])
        self.run_kmsctl("untag-resource", "--key-id", kid, "--tag-keys", "a", "c")
        self.assertEqual(self.json("list-resource-tags", "--key-id", kid)["Tags"],
                         [{"TagKey": "b", "TagValue": ""}])
        err = self.error("tag-resource", "--key-id", kid, "--tags", "TagKey=aws:x,TagValue=1")
        self.assertEqual(err, "An error occurred (TagException) when calling the TagResource "
                              "operation: Tags beginning with aws: are reserved\n")

    # -- output and errors ----------------------------------------------------------------------

    def test_text_output_is_tab_separated_like_the_aws_cli(self):
        key = self.new_key("--description", "text")
        out = self.run_kmsctl("encrypt", "--key-id", key["KeyId"], "--plaintext", "eA==",
                              "--output", "text").stdout.decode()
        blob, algorithm, key_arn = out.rstrip("\n").split("\t")  # sorted member names
        self.assertEqual((algorithm, key_arn), ("SYMMETRIC_DEFAULT", key["Arn"]))
        self.assertTrue(base64.b64decode(blob))
        lines = self.run_kmsctl("describe-key", "--key-id", key["KeyId"], "--output",
                                "text").stdout.decode().splitlines()
        self.assertEqual(lines[1], "ENCRYPTIONALGORITHMS\tSYMMETRIC_DEFAULT")
        fields = lines[0].split("\t")
        self.assertEqual((fields[0], fields[1], fields[2]), ("KEYMETADATA", ACCOUNT, key["Arn"]))
        self.assertIn("True", fields)

    @unittest.skipUnless(aws_cli_v1(), "aws CLI v1 is not installed (v2 prints ISO dates)")
    def test_output_is_byte_identical_to_the_aws_cli(self):
        key = self.new_key("--description", "same", "--tags", "TagKey=t,TagValue=v")
        self.run_kmsctl("create-alias", "--alias-name", "alias/kmsctl-same", "--target-key-id",
                        key["KeyId"])
        env = client_env(self.emulator.url)
        for args in (["describe-key", "--key-id", key["KeyId"]],
                     ["list-keys"], ["list-keys", "--limit", "1"],
                     ["list-aliases", "--key-id", key["KeyId"]],
                     ["list-resource-tags", "--key-id", key["KeyId"]]):
            for output in ("json", "text"):
                cmd = [*args, "--output", output]
                ours = self.run_kmsctl(*cmd).stdout
                theirs = subprocess.run(["aws", "--endpoint-url", self.emulator.url, "kms", *cmd],
                                        env=env, capture_output=True, timeout=60)
                self.assertEqual(theirs.returncode, 0, theirs.stderr)
                self.assertEqual(ours, theirs.stdout, cmd)

    def test_service_errors_exit_254_with_the_aws_cli_sentence(self):
        key = self.new_key()
        self.run_kmsctl("disable-key", "--key-id", key["KeyId"])
        err = self.error("encrypt", "--key-id", key["KeyId"], "--plaintext", "eA==")
        self.assertEqual(err, "An error occurred (DisabledException) when calling the Encrypt "
                              "operation: %s is disabled.\n" % key["Arn"])
        err = self.error("describe-key", "--key-id", "nope")
        self.assertEqual(err, "An error occurred (NotFoundException) when calling the DescribeKey "
                              "operation: Invalid keyId 'nope'\n")

    def test_usage_errors_exit_2(self):
        err = self.error("describe-key", status=2)
        self.assertEqual(err, "kmsctl: error: the following arguments are required: --key-id\n"
                              "Run 'kmsctl describe-key --help' for its options.\n")
        err = self.error("encrypt", "--key-id", "k", "--plaintext", "fileb:///nonexistent/x",
                         status=2)
        self.assertIn("Unable to load paramfile fileb:///nonexistent/x", err)

    def test_connection_and_configuration_failures_exit_255(self):
        url = "http://127.0.0.1:%d" % closed_port()
        err = self.error("list-keys", "--endpoint-url", url, status=255, endpoint=False)
        self.assertEqual(err, 'kmsctl: Could not connect to the endpoint URL: "%s/" '
                              '(Connection refused)\n' % url)
        env = dict(self.base_env, AWS_REGION="us-east-1")
        err = self.error("list-keys", env=env, status=255)
        self.assertTrue(err.startswith("kmsctl: Unable to locate credentials."), err)

    def test_help_texts(self):
        out = self.run_kmsctl("--help", endpoint=False).stdout.decode()
        for command in ("create-key", "encrypt", "generate-data-key-without-plaintext",
                        "list-resource-tags"):
            self.assertIn("\n  " + command, out)
        out = self.run_kmsctl("decrypt", "--help", endpoint=False).stdout.decode()
        self.assertTrue(out.startswith("usage: kmsctl [global options] decrypt"))
        self.assertIn("--outfile <path>", out)

    # -- endpoint, region, credentials ----------------------------------------------------------

    def test_endpoint_from_aws_endpoint_url_kms_then_aws_endpoint_url(self):
        bad = "http://127.0.0.1:%d" % closed_port()
        for extra in ({"AWS_ENDPOINT_URL_KMS": self.emulator.url},
                      {"AWS_ENDPOINT_URL": self.emulator.url},
                      {"AWS_ENDPOINT_URL_KMS": self.emulator.url, "AWS_ENDPOINT_URL": bad}):
            out = self.json("generate-random", "--number-of-bytes", "4",
                            env=dict(self.env, **extra), endpoint=False)
            self.assertEqual(len(base64.b64decode(out["Plaintext"])), 4, extra)
        # --endpoint-url wins over the environment.
        self.json("generate-random", "--number-of-bytes", "4",
                  env=dict(self.env, AWS_ENDPOINT_URL_KMS=bad))

    def test_region_comes_from_the_environment_and_flag(self):
        env = dict(self.env)
        del env["AWS_REGION"]
        env["AWS_DEFAULT_REGION"] = "eu-west-1"
        arn = self.new_key(env=env)["Arn"]
        self.assertTrue(arn.startswith("arn:aws:kms:eu-west-1:"), arn)
        arn = self.new_key(env=dict(env, AWS_REGION="eu-central-1"))["Arn"]
        self.assertTrue(arn.startswith("arn:aws:kms:eu-central-1:"), arn)
        arn = self.json("--region", "ap-south-1", "create-key", env=env)["KeyMetadata"]["Arn"]
        self.assertTrue(arn.startswith("arn:aws:kms:ap-south-1:"), arn)
        # Keys live per region: the eu-west-1 key is not found from us-east-1.
        kid = self.new_key(env=env)["KeyId"]
        err = self.error("describe-key", "--key-id", kid, "--region", "us-east-1", env=env)
        self.assertIn("(NotFoundException) when calling the DescribeKey operation:", err)

    def test_profile_file_gives_region_and_credentials(self):
        creds = self.path("profile-credentials",
                          b"[default]\naws_access_key_id = AKIADEFAULT\n"
                          b"aws_secret_access_key = s\n"
                          b"[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = s2\n")
        config = self.path("profile-config", b"[default]\nregion = us-west-2\n"
                                             b"[profile dev]\nregion = ap-southeast-2\n"
                                             b"[profile nocreds]\nregion = eu-north-1\n")
        env = dict(self.base_env, AWS_SHARED_CREDENTIALS_FILE=creds, AWS_CONFIG_FILE=config)
        arn = self.json("create-key", env=env)["KeyMetadata"]["Arn"]
        self.assertTrue(arn.startswith("arn:aws:kms:us-west-2:"), arn)
        arn = self.json("--profile", "dev", "create-key", env=env)["KeyMetadata"]["Arn"]
        self.assertTrue(arn.startswith("arn:aws:kms:ap-southeast-2:"), arn)
        arn = self.json("create-key", env=dict(env, AWS_PROFILE="dev"))["KeyMetadata"]["Arn"]
        self.assertTrue(arn.startswith("arn:aws:kms:ap-southeast-2:"), arn)
        err = self.error("list-keys", "--profile", "nocreds", env=env, status=255)
        self.assertTrue(err.startswith("kmsctl: Unable to locate credentials."), err)
        err = self.error("list-keys", "--profile", "missing", env=env, status=255)
        self.assertEqual(err, "kmsctl: The config profile (missing) could not be found\n")

    def last_access_key(self, event_name):
        events = self.json("audit", "--max-items", "1", "--output", "json")["Events"]
        self.assertEqual(events[0]["EventName"], event_name)
        return events[0]["AccessKeyId"]

    def test_an_explicit_profile_beats_the_environment_keys_as_in_the_aws_cli(self):
        # botocore: an explicitly given profile drops the environment's keys; AWS_PROFILE
        # does not.
        creds = self.path("p2-credentials", b"[p2]\naws_access_key_id = AKIAPROFILEP2\n"
                                            b"aws_secret_access_key = s\n")
        env = dict(self.env, AWS_SHARED_CREDENTIALS_FILE=creds)
        key = self.new_key(env=env)["KeyId"]
        self.json("--profile", "p2", "describe-key", "--key-id", key, env=env)
        self.assertEqual(self.last_access_key("DescribeKey"), "AKIAPROFILEP2")
        self.json("list-aliases", "--key-id", key, env=dict(env, AWS_PROFILE="p2"))
        self.assertEqual(self.last_access_key("ListAliases"),
                         KMSCTL_CALLER["AWS_ACCESS_KEY_ID"])

    def test_output_defaults_to_aws_default_output_then_the_profile(self):
        config = self.path("output-config", b"[default]\noutput = text\n"
                                            b"[profile js]\noutput = json\n")
        env = dict(self.env, AWS_CONFIG_FILE=config)
        key = self.new_key()["KeyId"]
        describe = ("describe-key", "--key-id", key, "--query", "KeyMetadata.KeyState")
        self.assertEqual(self.run_kmsctl(*describe, env=env).stdout, b"Enabled\n")
        self.assertEqual(self.run_kmsctl(*describe, env=dict(env, AWS_PROFILE="js")).stdout,
                         b'"Enabled"\n')
        for value, out in (("json", b'"Enabled"\n'), ("table", b'"Enabled"\n'),
                           ("text", b"Enabled\n")):
            self.assertEqual(
                self.run_kmsctl(*describe, env=dict(self.env, AWS_DEFAULT_OUTPUT=value)).stdout,
                out, value)
        # --output beats both.
        self.assertEqual(self.run_kmsctl(*describe, "--output", "json", env=env).stdout,
                         b'"Enabled"\n')
        p = self.run_kmsctl(*describe, env=dict(self.env, AWS_DEFAULT_OUTPUT="bogus"), status=2)
        self.assertEqual(p.stderr.decode(), "kmsctl: error: Unknown output type: bogus\n"
                                            "Run 'kmsctl describe-key --help' for its options.\n")

    def test_zz_every_command_was_run(self):
        help_text = self.run_kmsctl("--help", endpoint=False).stdout.decode()
        commands = {line.split()[0] for line in help_text.splitlines()
                    if line.startswith("  ") and not line.strip().startswith("-")
                    and line[2] != " "}
        self.assertGreaterEqual(len(commands), 21)
        if len(Kmsctl.ran) < 10:
            self.skipTest("only part of the suite ran")
        # envelope_cli_test.py runs the envelope commands, kmsctl_tools_test.py inspect and audit.
        elsewhere = {"envelope", "inspect", "audit"}
        self.assertEqual(commands & elsewhere, elsewhere)
        self.assertEqual(commands - Kmsctl.ran - elsewhere, set())


if __name__ == "__main__":
    unittest.main(verbosity=2)
