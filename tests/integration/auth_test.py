"""kms-emulator --auth sigv4 against boto3, the aws CLI and raw HTTP: right and wrong credentials,
AWS's errors (type, message, HTTP status), session tokens, clock skew, and accounts from the
credentials file keeping each caller's keys, aliases and lists to itself.

Run by ctest with KMS_EMULATOR_BIN set.
"""
import datetime
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import botocore.auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

import harness  # noqa: E402
from harness import Emulator, client_env, run_to_exit  # noqa: E402

ALICE = ("AKIAALICEEXAMPLE", "alice/secret+key")
BOB = ("AKIABOBEXAMPLE", "bob-secret")
TEMP = ("ASIATEMPEXAMPLE", "temp-secret", "FwoGZXIvYXdzEXAMPLE//token==")
BOB_ACCOUNT = "222233334444"
DEFAULT_ACCOUNT = "111122223333"

CREDENTIALS = """# callers of the emulator under test
[alice]
aws_access_key_id = %s
aws_secret_access_key = %s

[bob]
aws_access_key_id = %s
aws_secret_access_key = %s
aws_account_id = %s

[temp]
aws_access_key_id = %s
aws_secret_access_key = %s
aws_session_token = %s
""" % (ALICE + BOB + (BOB_ACCOUNT,) + TEMP)

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.")
INVALID_TOKEN = "The security token included in the request is invalid."
JSON11 = "application/x-amz-json-1.1"


def kms_client(url, key_id, secret, token=None, region="us-east-1"):
    return harness.kms_client(url, region, key_id, secret, token)


def signed_request(url, key_id, secret, target, body, at=None, token=None, region="us-east-1"):
    """A KMS request signed by botocore's SigV4Auth, at time `at` (default now)."""
    request = AWSRequest(method="POST", url=url + "/", data=json.dumps(body).encode(), headers={
        "Content-Type": JSON11, "X-Amz-Target": "TrentService." + target})
    auth = botocore.auth.SigV4Auth(Credentials(key_id, secret, token), "kms", region)
    if at is None:
        auth.add_auth(request)
    else:
        with mock.patch.object(botocore.auth, "get_current_datetime", return_value=at):
            auth.add_auth(request)
    return request


def send(port, method, headers, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, "/", body=body, headers=dict(headers))
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), json.loads(r.read())
    finally:
        conn.close()


class SigV4Emulator(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.credentials = os.path.join(cls.tmp.name, "credentials")
        with open(cls.credentials, "w") as f:
            f.write(CREDENTIALS)
        cls.emulator = Emulator("--auth", "sigv4", "--credentials", cls.credentials)
        cls.url = cls.emulator.url
        cls.alice = kms_client(cls.url, *ALICE)
        cls.bob = kms_client(cls.url, *BOB)

    @classmethod
    def tearDownClass(cls):
        rc = cls.emulator.stop()
        cls.tmp.cleanup()
        if rc != 0:
            raise AssertionError("emulator exited with %d: %s" % (rc, cls.emulator.stderr()))

    def assertError(self, code, message, fn, *args, **kwargs):
        with self.assertRaises(ClientError) as cm:
            fn(*args, **kwargs)
        response = cm.exception.response
        self.assertEqual(response["Error"]["Code"], code)
        self.assertEqual(response["Error"]["Message"], message)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 400)
        return response


class Boto3Credentials(SigV4Emulator):
    def test_right_credentials_create_encrypt_and_decrypt(self):
        key = self.alice.create_key(Description="signed")["KeyMetadata"]
        self.assertRegex(key["Arn"], r"^arn:aws:kms:us-east-1:%s:key/" % DEFAULT_ACCOUNT)
        blob = self.alice.encrypt(KeyId=key["KeyId"], Plaintext=b"signed and sealed",
                                  EncryptionContext={"by": "alice"})["CiphertextBlob"]
        out = self.alice.decrypt(CiphertextBlob=blob, EncryptionContext={"by": "alice"})
        self.assertEqual(out["Plaintext"], b"signed and sealed")

    def test_the_region_of_the_signature_scopes_the_key(self):
        eu = kms_client(self.url, *ALICE, region="eu-central-1")
        arn = eu.create_key()["KeyMetadata"]["Arn"]
        self.assertRegex(arn, r"^arn:aws:kms:eu-central-1:%s:key/" % DEFAULT_ACCOUNT)

    def test_a_caller_with_an_account_id_creates_keys_in_that_account(self):
        arn = self.bob.create_key()["KeyMetadata"]["Arn"]
        self.assertRegex(arn, r"^arn:aws:kms:us-east-1:%s:key/" % BOB_ACCOUNT)

    def test_an_unknown_access_key_is_unrecognized_client(self):
        stranger = kms_client(self.url, "AKIASTRANGER", "whatever")
        self.assertError("UnrecognizedClientException", INVALID_TOKEN, stranger.list_keys)

    def test_a_wrong_secret_is_invalid_signature_and_changes_nothing(self):
        before = len(self.alice.list_keys()["Keys"])
        wrong = kms_client(self.url, ALICE[0], "not-alice-secret")
        response = self.assertError("InvalidSignatureException", SIGNATURE_MISMATCH,
                                    wrong.create_key)
        self.assertEqual(response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"],
                         "InvalidSignatureException")
        self.assertEqual(len(self.alice.list_keys()["Keys"]), before)

    def test_a_session_token_must_be_the_callers(self):
        temp = kms_client(self.url, *TEMP)
        self.assertIn("Keys", temp.list_keys())
        wrong_token = kms_client(self.url, TEMP[0], TEMP[1], "FwoGZXIvYXdzOTHER")
        self.assertError("UnrecognizedClientException", INVALID_TOKEN, wrong_token.list_keys)
        no_token = kms_client(self.url, TEMP[0], TEMP[1])
        self.assertError("UnrecognizedClientException", INVALID_TOKEN, no_token.list_keys)
        alice_with_token = kms_client(self.url, ALICE[0], ALICE[1], "made-up")
        self.assertError("UnrecognizedClientException", INVALID_TOKEN,
                         alice_with_token.list_keys)


class RawRequests(SigV4Emulator):
    def test_no_authorization_is_missing_authentication_token(self):
        status, headers, body = send(self.emulator.port, "POST", {
            "Content-Type": JSON11, "X-Amz-Target": "TrentService.ListKeys"}, "{}")
        self.assertEqual(status, 400)
        self.assertEqual(body, {"__type": "MissingAuthenticationTokenException",
                                "message": "Missing Authentication Token"})
        self.assertEqual(headers["x-amzn-ErrorType"], "MissingAuthenticationTokenException")

    def test_a_malformed_authorization_header_is_incomplete_signature(self):
        status, _, body = send(self.emulator.port, "POST", {
            "Content-Type": JSON11, "X-Amz-Target": "TrentService.ListKeys",
            "X-Amz-Date": "20240820T230802Z",
            "Authorization": "AWS4-HMAC-SHA256 Credential=%s/20240820/us-east-1/kms/aws4_request"
                             % ALICE[0]}, "{}")
        self.assertEqual(status, 400)
        self.assertEqual(body, {
            "__type": "IncompleteSignatureException",
            "message": "Authorization header requires 'Signature' parameter. Authorization "
                       "header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 "
                       "Credential=%s/20240820/us-east-1/kms/aws4_request" % ALICE[0]})

    def test_a_request_signed_by_botocore_now_is_accepted(self):
        r = signed_request(self.url, *ALICE, "ListKeys", {})
        status, _, body = send(self.emulator.port, "POST", r.headers.items(), r.body)
        self.assertEqual(status, 200, body)
        self.assertIn("Keys", body)

    def skew_error(self, shift):
        """Signs at now + shift; returns (signed-at stamp, the error message)."""
        at = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + shift
        r = signed_request(self.url, *ALICE, "ListKeys", {}, at=at)
        status, _, body = send(self.emulator.port, "POST", r.headers.items(), r.body)
        self.assertEqual(status, 400, body)
        self.assertEqual(body["__type"], "InvalidSignatureException")
        return at.strftime("%Y%m%dT%H%M%SZ"), body["message"]

    def check_window(self, bound, server_now, sign):
        """bound = server_now (sign) 5 minutes, and server_now is about now."""
        fmt = "%Y%m%dT%H%M%SZ"
        bound, server_now = (datetime.datetime.strptime(t, fmt) for t in (bound, server_now))
        self.assertEqual(bound - server_now, sign * datetime.timedelta(minutes=5))
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        self.assertLess(abs(now - server_now), datetime.timedelta(seconds=60))

    def test_a_request_signed_ten_minutes_ago_is_expired(self):
        stamp, message = self.skew_error(datetime.timedelta(minutes=-10))
        m = re.fullmatch(r"Signature expired: (\w+) is now earlier than (\w+) \((\w+) - 5 min\.\)",
                         message)
        self.assertIsNotNone(m, message)
        self.assertEqual(m.group(1), stamp)
        self.check_window(m.group(2), m.group(3), -1)

    def test_a_request_signed_ten_minutes_ahead_is_not_yet_current(self):
        stamp, message = self.skew_error(datetime.timedelta(minutes=10))
        m = re.fullmatch(
            r"Signature not yet current: (\w+) is still later than (\w+) \((\w+) \+ 5 min\.\)",
            message)
        self.assertIsNotNone(m, message)
        self.assertEqual(m.group(1), stamp)
        self.check_window(m.group(2), m.group(3), 1)

    def test_a_request_signed_two_minutes_off_is_accepted(self):
        for minutes in (-2, 2):
            at = (datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) +
                  datetime.timedelta(minutes=minutes))
            r = signed_request(self.url, *ALICE, "ListKeys", {}, at=at)
            status, _, body = send(self.emulator.port, "POST", r.headers.items(), r.body)
            self.assertEqual(status, 200, body)

    def test_a_body_changed_after_signing_is_invalid_signature(self):
        r = signed_request(self.url, *ALICE, "CreateKey", {"Description": "signed"})
        status, _, body = send(self.emulator.port, "POST", r.headers.items(),
                               json.dumps({"Description": "swapped"}))
        self.assertEqual(status, 400)
        self.assertEqual(body, {"__type": "InvalidSignatureException",
                                "message": SIGNATURE_MISMATCH})

    def test_a_signed_session_token_of_the_caller_is_accepted(self):
        r = signed_request(self.url, *TEMP[0:2], "ListKeys", {}, token=TEMP[2])
        self.assertEqual(r.headers["X-Amz-Security-Token"], TEMP[2])
        status, _, body = send(self.emulator.port, "POST", r.headers.items(), r.body)
        self.assertEqual(status, 200, body)


class TwoAccounts(SigV4Emulator):
    def test_keys_aliases_and_lists_of_one_account_are_invisible_to_another(self):
        key = self.alice.create_key(Description="alice only")["KeyMetadata"]
        self.alice.create_alias(AliasName="alias/team-key", TargetKeyId=key["KeyId"])
        self.assertNotIn(key["KeyId"], [k["KeyId"] for k in self.bob.list_keys()["Keys"]])
        self.assertNotIn("alias/team-key",
                         [a["AliasName"] for a in self.bob.list_aliases()["Aliases"]])
        self.assertError(
            "NotFoundException",
            "Key 'arn:aws:kms:us-east-1:%s:key/%s' does not exist" % (BOB_ACCOUNT, key["KeyId"]),
            self.bob.describe_key, KeyId=key["KeyId"])
        self.assertError(
            "NotFoundException",
            "Alias arn:aws:kms:us-east-1:%s:alias/team-key is not found." % BOB_ACCOUNT,
            self.bob.encrypt, KeyId="alias/team-key", Plaintext=b"x")
        # The same alias name is free in the other account.
        bob_key = self.bob.create_key()["KeyMetadata"]
        self.bob.create_alias(AliasName="alias/team-key", TargetKeyId=bob_key["KeyId"])
        self.assertEqual(self.bob.describe_key(KeyId="alias/team-key")["KeyMetadata"]["Arn"],
                         bob_key["Arn"])
        self.assertEqual(self.alice.describe_key(KeyId="alias/team-key")["KeyMetadata"]["Arn"],
                         key["Arn"])
        self.assertIn(key["KeyId"], [k["KeyId"] for k in self.alice.list_keys()["Keys"]])
        self.assertNotIn(bob_key["KeyId"], [k["KeyId"] for k in self.alice.list_keys()["Keys"]])

    def test_a_key_arn_of_another_account_works_where_aws_allows_cross_account_use(self):
        key = self.alice.create_key()["KeyMetadata"]
        # Cross-account use: Yes (DescribeKey, Encrypt, GenerateDataKey) with the key ARN.
        described = self.bob.describe_key(KeyId=key["Arn"])["KeyMetadata"]
        self.assertEqual(described["AWSAccountId"], DEFAULT_ACCOUNT)
        blob = self.bob.encrypt(KeyId=key["Arn"], Plaintext=b"x")
        self.assertEqual(blob["KeyId"], key["Arn"])
        # Decrypt across accounts: the blob names the key ARN (Cross-account use: Yes).
        out = self.bob.decrypt(CiphertextBlob=blob["CiphertextBlob"])
        self.assertEqual((out["Plaintext"], out["KeyId"]), (b"x", key["Arn"]))
        self.assertEqual(len(self.bob.generate_data_key(KeyId=key["Arn"],
                                                        KeySpec="AES_256")["Plaintext"]), 32)
        # Cross-account use: No (key management, tags).
        for call in (lambda: self.bob.disable_key(KeyId=key["Arn"]),
                     lambda: self.bob.list_resource_tags(KeyId=key["Arn"]),
                     lambda: self.bob.schedule_key_deletion(KeyId=key["Arn"])):
            self.assertError("NotFoundException", "Key '%s' does not exist" % key["Arn"], call)
        self.assertEqual(self.alice.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"],
                         "Enabled")


class AwsCli(SigV4Emulator):
    def aws(self, key_id, secret, *args, token=None, ok=True):
        env = client_env(self.url)
        env.update({"AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": secret})
        if token:
            env["AWS_SESSION_TOKEN"] = token
        p = subprocess.run(["aws", "--endpoint-url", self.url, "kms", *args], env=env,
                           capture_output=True, text=True, timeout=60)
        if ok:
            self.assertEqual(p.returncode, 0, p.stderr)
            return json.loads(p.stdout) if p.stdout.strip() else {}
        self.assertNotEqual(p.returncode, 0, p.stdout)
        return p.stderr.strip()

    def test_right_credentials_work(self):
        key = self.aws(*BOB, "create-key")["KeyMetadata"]
        self.assertRegex(key["Arn"], r"^arn:aws:kms:us-east-1:%s:key/" % BOB_ACCOUNT)
        keys = self.aws(*BOB, "list-keys")["Keys"]
        self.assertIn(key["KeyId"], [k["KeyId"] for k in keys])

    def test_a_session_token_from_the_environment_works(self):
        self.assertIn("Keys", self.aws(*TEMP[0:2], "list-keys", token=TEMP[2]))

    def test_wrong_credentials_print_aws_errors(self):
        self.assertEqual(
            self.aws(ALICE[0], "wrong", "list-keys", ok=False),
            "An error occurred (InvalidSignatureException) when calling the ListKeys operation: "
            + SIGNATURE_MISMATCH)
        self.assertEqual(
            self.aws("AKIASTRANGER", "x", "list-keys", ok=False),
            "An error occurred (UnrecognizedClientException) when calling the ListKeys "
            "operation: " + INVALID_TOKEN)
        self.assertEqual(
            self.aws(*TEMP[0:2], "list-keys", token="stale", ok=False),
            "An error occurred (UnrecognizedClientException) when calling the ListKeys "
            "operation: " + INVALID_TOKEN)


class AuthNoneWithCredentialsFile(unittest.TestCase):
    def test_the_access_key_selects_the_account_without_verification(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "credentials")
            with open(path, "w") as f:
                f.write(CREDENTIALS)
            with Emulator("--credentials", path) as emulator:
                not_bob = kms_client(emulator.url, BOB[0], "not-bobs-secret")
                arn = not_bob.create_key()["KeyMetadata"]["Arn"]
                self.assertRegex(arn, r"^arn:aws:kms:us-east-1:%s:key/" % BOB_ACCOUNT)
                stranger = kms_client(emulator.url, "AKIASTRANGER", "x")
                arn = stranger.create_key()["KeyMetadata"]["Arn"]
                self.assertRegex(arn, r"^arn:aws:kms:us-east-1:%s:key/" % DEFAULT_ACCOUNT)
                self.assertEqual(emulator.stop(), 0)


class StartUpErrors(unittest.TestCase):
    def test_sigv4_without_credentials_is_a_usage_error(self):
        rc, out, err = run_to_exit("--auth", "sigv4")
        self.assertEqual(rc, 2)
        self.assertEqual(out, "")
        self.assertEqual(err, "kms-emulator: --auth sigv4 needs --credentials FILE (the callers "
                              "allowed to sign requests)\nRun 'kms-emulator --help' for usage.\n")

    def test_an_unusable_credentials_file_stops_the_start(self):
        with tempfile.TemporaryDirectory() as tmp:
            missing = os.path.join(tmp, "missing")
            rc, out, err = run_to_exit("--auth", "sigv4", "--credentials", missing)
            self.assertEqual((rc, out), (1, ""))
            self.assertEqual(err, "kms-emulator: cannot read credentials file %s: No such file "
                                  "or directory\n" % missing)
            bad = os.path.join(tmp, "bad")
            with open(bad, "w") as f:
                f.write("[alice]\naws_access_key_id = A\n")
            rc, out, err = run_to_exit("--auth", "sigv4", "--credentials", bad)
            self.assertEqual((rc, out), (1, ""))
            self.assertEqual(err, "kms-emulator: %s:1: section [alice] lacks "
                                  "aws_secret_access_key\n" % bad)


if __name__ == "__main__":
    unittest.main(verbosity=2)
