"""The audit trail against the real kms-emulator: CloudTrail LookupEvents with boto3's cloudtrail
client and `aws cloudtrail lookup-events`, KMS GetKeyLastUsage with boto3, the --audit-log file,
and a search of the trail file and the database for plaintexts and data keys.

Run by ctest with KMS_EMULATOR_BIN set. Every expected error checks its code and message.
"""
import base64
import ctypes
import ctypes.util
import datetime
import glob
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from botocore.exceptions import ClientError  # noqa: E402

from harness import ClientErrorAssertions, Emulator, client_env, kms_client  # noqa: E402

ACCOUNT = "111122223333"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"


def attribute(key, value):
    return [{"AttributeKey": key, "AttributeValue": value}]


def records(events):
    return [json.loads(e["CloudTrailEvent"]) for e in events]


def _varint(buf, pos):
    value, shift = 0, 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def batch_records(content, fmt):
    """The records of one decompressed batch (emulator/src/audit/batch_codec.hpp): format 1
    stores each whole, format 2 each as the bytes it shares with the start and the end of the
    record before it, and its own middle part."""
    count, pos = _varint(content, 0)
    heads = []
    for _ in range(count):
        _, pos = _varint(content, pos)  # time
        same = 0
        if fmt == 2:
            same, pos = _varint(content, pos)
        sizes = []
        for bit in (1, 2, 4):  # account, region, event name: absent when as the one before
            if fmt == 2 and same & bit:
                continue
            size, pos = _varint(content, pos)
            sizes.append(size)
        prefix = suffix = 0
        if fmt == 2:
            prefix, pos = _varint(content, pos)
            suffix, pos = _varint(content, pos)
        middle, pos = _varint(content, pos)
        heads.append((sum(sizes), prefix, suffix, middle))
    out, last = [], b""
    for texts, prefix, suffix, middle in heads:
        pos += texts
        record = last[:prefix] + content[pos:pos + middle] + last[len(last) - suffix:][:suffix]
        pos += middle
        out.append(record)
        last = record
    if pos != len(content):
        raise AssertionError("audit batch content is not what the records say")
    return out


def stored_batches(db):
    """Every audit_batches row: its decompressed content (zstd frames, through the system's
    libzstd: Debian's apt needs it, so it is on every Debian 12 machine) and its records rebuilt
    from it, so a search sees both the bytes on disk and every record whole."""
    zstd = ctypes.CDLL(ctypes.util.find_library("zstd") or "libzstd.so.1")
    zstd.ZSTD_getFrameContentSize.restype = ctypes.c_ulonglong
    zstd.ZSTD_getFrameContentSize.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    zstd.ZSTD_decompress.restype = ctypes.c_size_t
    zstd.ZSTD_decompress.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p,
                                     ctypes.c_size_t]
    zstd.ZSTD_isError.argtypes = [ctypes.c_size_t]
    contents, records = [], []
    with sqlite3.connect(db) as connection:
        for data, fmt in connection.execute(
                "SELECT data, format FROM audit_batches ORDER BY id"):
            size = zstd.ZSTD_getFrameContentSize(data, len(data))
            buffer = ctypes.create_string_buffer(size)
            n = zstd.ZSTD_decompress(buffer, size, data, len(data))
            if zstd.ZSTD_isError(n) or n != size:
                raise AssertionError("audit batch does not decompress")
            contents.append(buffer.raw[:n])
            records.extend(batch_records(buffer.raw[:n], fmt))
    return contents, records


class TrailTestCase(ClientErrorAssertions, unittest.TestCase):
    """One emulator with a database file and --audit-log, shared by the tests of a class."""
    emulator_args = ()

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.db = os.path.join(cls.tmp.name, "kms.db")
        cls.log = os.path.join(cls.tmp.name, "audit.jsonl")
        cls.emulator = Emulator("--audit-log", cls.log, *cls.emulator_args, db=cls.db)
        cls.kms = kms_client(cls.emulator.url)
        cls.cloudtrail = kms_client(cls.emulator.url, service="cloudtrail")

    @classmethod
    def tearDownClass(cls):
        rc = cls.emulator.stop()
        cls.tmp.cleanup()
        if rc != 0:
            raise AssertionError("emulator exited with %d: %s" % (rc, cls.emulator.stderr()))

    def events_of(self, key_arn, **kwargs):
        """Every event naming `key_arn`, newest first, following NextToken."""
        out, token = [], None
        while True:
            args = dict(LookupAttributes=attribute("ResourceName", key_arn), **kwargs)
            if token:
                args["NextToken"] = token
            page = self.cloudtrail.lookup_events(**args)
            out += page["Events"]
            token = page.get("NextToken")
            if not token:
                return out


class LookupEventsWithBoto3(TrailTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key = cls.kms.create_key(Description="audited")["KeyMetadata"]
        cls.enc = cls.kms.encrypt(KeyId=cls.key["KeyId"], Plaintext=b"audit me",
                                  EncryptionContext={"app": "audit-test"})
        cls.dec = cls.kms.decrypt(CiphertextBlob=cls.enc["CiphertextBlob"],
                                  EncryptionContext={"app": "audit-test"})
        try:
            cls.kms.decrypt(CiphertextBlob=cls.enc["CiphertextBlob"],
                            EncryptionContext={"app": "wrong"})
        except ClientError as e:
            cls.failed = e.response
        else:
            raise AssertionError("Decrypt with the wrong context succeeded")

    def test_success_and_failure_events_are_recorded_newest_first(self):
        events = self.events_of(self.key["Arn"])
        self.assertEqual([e["EventName"] for e in events],
                         ["Decrypt", "Decrypt", "Encrypt", "CreateKey"])
        failed, ok, enc, create = records(events)
        self.assertEqual(failed["errorCode"], "InvalidCiphertextException")
        self.assertEqual(failed["errorMessage"], "")
        self.assertEqual(failed["requestID"], self.failed["ResponseMetadata"]["RequestId"])
        self.assertEqual(failed["requestParameters"],
                         {"encryptionContext": {"app": "wrong"},
                          "encryptionAlgorithm": "SYMMETRIC_DEFAULT"})
        self.assertNotIn("errorCode", ok)
        self.assertEqual(ok["requestID"], self.dec["ResponseMetadata"]["RequestId"])
        self.assertEqual(ok["additionalEventData"]["keyMaterialId"], self.dec["KeyMaterialId"])
        self.assertIsNone(ok["responseElements"])
        self.assertEqual(enc["requestParameters"]["keyId"], self.key["KeyId"])
        self.assertEqual(enc["resources"], [{"accountId": ACCOUNT, "type": "AWS::KMS::Key",
                                             "ARN": self.key["Arn"]}])
        self.assertEqual(create["responseElements"]["keyMetadata"]["keyId"], self.key["KeyId"])
        self.assertFalse(create["readOnly"])

    def test_record_names_the_caller_and_the_call(self):
        event = self.events_of(self.key["Arn"])[2]
        self.assertEqual(event["EventSource"], "kms.amazonaws.com")
        self.assertEqual(event["Username"], "root")
        self.assertEqual(event["AccessKeyId"], ACCESS_KEY)
        self.assertEqual(event["ReadOnly"], "true")
        self.assertEqual(event["Resources"],
                         [{"ResourceType": "AWS::KMS::Key", "ResourceName": self.key["Arn"]}])
        self.assertIsInstance(event["EventTime"], datetime.datetime)
        record = json.loads(event["CloudTrailEvent"])
        self.assertEqual(record["eventVersion"], "1.11")
        self.assertEqual(record["eventID"], event["EventId"])
        self.assertEqual(record["userIdentity"],
                         {"type": "Root", "principalId": ACCOUNT,
                          "arn": "arn:aws:iam::%s:root" % ACCOUNT, "accountId": ACCOUNT,
                          "accessKeyId": ACCESS_KEY})
        self.assertEqual(record["sourceIPAddress"], "127.0.0.1")
        self.assertIn("Boto3/", record["userAgent"])
        self.assertEqual(record["awsRegion"], "us-east-1")
        self.assertEqual(record["recipientAccountId"], ACCOUNT)
        self.assertEqual(record["eventType"], "AwsApiCall")
        self.assertEqual(record["eventCategory"], "Management")
        self.assertTrue(record["managementEvent"])
        self.assertNotIn("tlsDetails", record)  # plain HTTP; tls_test.py checks the TLS case
        self.assertEqual(record["requestID"], self.enc["ResponseMetadata"]["RequestId"])
        self.assertRegex(record["eventTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_every_lookup_attribute_filters(self):
        def names(key, value):
            return [e["EventName"] for e in
                    self.cloudtrail.lookup_events(LookupAttributes=attribute(key, value))["Events"]]

        event_id = self.events_of(self.key["Arn"])[2]["EventId"]
        self.assertEqual(names("EventId", event_id), ["Encrypt"])
        self.assertIn("Encrypt", names("EventName", "Encrypt"))
        self.assertEqual(set(names("EventName", "Encrypt")), {"Encrypt"})
        self.assertEqual(set(names("ReadOnly", "false")) & {"Encrypt", "Decrypt"}, set())
        self.assertIn("CreateKey", names("ReadOnly", "false"))
        self.assertIn("Decrypt", names("ReadOnly", "true"))
        self.assertIn("Encrypt", names("Username", "root"))
        self.assertEqual(names("Username", "nobody"), [])
        self.assertEqual(names("ResourceName", self.key["Arn"]),
                         ["Decrypt", "Decrypt", "Encrypt", "CreateKey"])
        self.assertIn("Encrypt", names("ResourceType", "AWS::KMS::Key"))
        self.assertEqual(names("ResourceType", "AWS::S3::Bucket"), [])
        self.assertIn("Encrypt", names("EventSource", "kms.amazonaws.com"))
        self.assertEqual(names("EventSource", "s3.amazonaws.com"), [])
        self.assertIn("Encrypt", names("AccessKeyId", ACCESS_KEY))
        self.assertEqual(names("AccessKeyId", "AKIANOBODY"), [])

    def test_time_range_is_inclusive_and_in_whole_seconds(self):
        key = self.kms.create_key()["KeyMetadata"]
        time.sleep(1.1)
        middle = datetime.datetime.now(datetime.timezone.utc)
        time.sleep(1.1)
        self.kms.describe_key(KeyId=key["KeyId"])
        names = lambda **kw: [e["EventName"] for e in self.events_of(key["Arn"], **kw)]  # noqa
        self.assertEqual(names(StartTime=middle), ["DescribeKey"])
        self.assertEqual(names(EndTime=middle), ["CreateKey"])
        self.assertEqual(names(StartTime=key["CreationDate"] - datetime.timedelta(seconds=1),
                               EndTime=datetime.datetime.now(datetime.timezone.utc)),
                         ["DescribeKey", "CreateKey"])
        self.assertEqual(names(StartTime=middle, EndTime=middle), [])

    def test_paging_with_max_results_next_token_and_the_paginator(self):
        key = self.kms.create_key()["KeyMetadata"]
        for i in range(6):
            self.kms.generate_data_key(KeyId=key["KeyId"], NumberOfBytes=i + 1)
        pages = []
        token = None
        while True:
            args = dict(LookupAttributes=attribute("ResourceName", key["Arn"]), MaxResults=3)
            if token:
                args["NextToken"] = token
            page = self.cloudtrail.lookup_events(**args)
            pages.append([e["EventName"] for e in page["Events"]])
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(pages, [["GenerateDataKey"] * 3, ["GenerateDataKey"] * 3, ["CreateKey"]])
        sizes = [json.loads(e["CloudTrailEvent"])["requestParameters"].get("numberOfBytes")
                 for e in self.events_of(key["Arn"])]
        self.assertEqual(sizes, [6, 5, 4, 3, 2, 1, None])
        paginator = self.cloudtrail.get_paginator("lookup_events")
        seen = [e["EventId"] for page in paginator.paginate(
            LookupAttributes=attribute("ResourceName", key["Arn"]),
            PaginationConfig={"PageSize": 2}) for e in page["Events"]]
        self.assertEqual(len(seen), 7)
        self.assertEqual(len(set(seen)), 7)

    def test_events_are_per_account_and_region(self):
        other = kms_client(self.emulator.url, region="eu-west-1", service="cloudtrail")
        self.assertEqual(other.lookup_events(
            LookupAttributes=attribute("ResourceName", self.key["Arn"]))["Events"], [])
        kms_client(self.emulator.url, region="eu-west-1").list_keys()
        events = other.lookup_events()["Events"]
        self.assertEqual([e["EventName"] for e in events], ["ListKeys"])

    def test_lookup_errors_have_cloudtrail_codes_and_messages(self):
        self.assertError(
            "InvalidLookupAttributesException",
            "Only one lookup attribute is allowed; the request has 2.",
            self.cloudtrail.lookup_events,
            LookupAttributes=attribute("EventName", "Encrypt") + attribute("Username", "root"))
        self.assertError(
            "InvalidLookupAttributesException",
            "The value of lookup attribute EventName must be 1 to 2000 characters long.",
            self.cloudtrail.lookup_events, LookupAttributes=attribute("EventName", "x" * 2001))
        self.assertError("InvalidMaxResultsException", "MaxResults must be from 1 to 50.",
                         self.cloudtrail.lookup_events, MaxResults=51)
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertError("InvalidTimeRangeException", "StartTime must not be after EndTime.",
                         self.cloudtrail.lookup_events, StartTime=now,
                         EndTime=now - datetime.timedelta(minutes=1))
        self.assertError(
            "InvalidNextTokenException",
            "The NextToken is not valid, or was issued for a request with other parameters.",
            self.cloudtrail.lookup_events, NextToken="not-a-token")
        self.assertError("InvalidEventCategoryException",
                         "EventCategory 'data' is not valid; it can only be insight.",
                         self.cloudtrail.lookup_events, EventCategory="data")
        self.assertEqual(self.cloudtrail.lookup_events(EventCategory="insight")["Events"], [])

    def test_get_key_last_usage_reports_the_last_cryptographic_call(self):
        key = self.kms.create_key()["KeyMetadata"]
        unused = self.kms.get_key_last_usage(KeyId=key["KeyId"])
        self.assertEqual(unused["KeyId"], key["KeyId"])
        self.assertEqual(unused["KeyLastUsage"], {})
        self.assertEqual(unused["KeyCreationDate"], key["CreationDate"])
        self.assertEqual(unused["TrackingStartDate"], key["CreationDate"])
        blob = self.kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        dec = self.kms.decrypt(CiphertextBlob=blob)
        self.kms.describe_key(KeyId=key["Arn"])
        used = self.kms.get_key_last_usage(KeyId=key["Arn"])["KeyLastUsage"]
        self.assertEqual(used["Operation"], "Decrypt")
        self.assertEqual(used["KmsRequestId"], dec["ResponseMetadata"]["RequestId"])
        events = self.events_of(key["Arn"])
        self.assertEqual([e["EventName"] for e in events],
                         ["GetKeyLastUsage", "DescribeKey", "Decrypt", "Encrypt",
                          "GetKeyLastUsage", "CreateKey"])
        decrypt_event = events[2]
        self.assertEqual(used["CloudTrailEventId"], decrypt_event["EventId"])
        self.assertIsInstance(used["Timestamp"], datetime.datetime)
        self.assertError("NotFoundException", "Invalid keyId 'alias/aws/kms'",
                         self.kms.get_key_last_usage, KeyId="alias/aws/kms")

    def test_audit_log_file_has_one_json_line_per_call_and_is_private(self):
        self.kms.list_keys()
        self.cloudtrail.lookup_events(MaxResults=1)  # waits for the writer
        mode = stat.S_IMODE(os.stat(self.log).st_mode)
        self.assertEqual(mode, 0o600)
        with open(self.log) as f:
            lines = [json.loads(line) for line in f]
        self.assertGreaterEqual(len(lines), 5)
        self.assertEqual(lines[0]["eventName"], "CreateKey")
        self.assertEqual(lines[-1]["eventName"], "ListKeys")
        ids = {e["EventId"] for e in self.cloudtrail.lookup_events(
            LookupAttributes=attribute("EventName", "ListKeys"))["Events"]}
        self.assertIn(lines[-1]["eventID"], ids)


class LookupEventsWithTheAwsCli(TrailTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = client_env(cls.emulator.url)
        cls.key = cls.kms.create_key()["KeyMetadata"]
        for _ in range(4):
            cls.kms.encrypt(KeyId=cls.key["KeyId"], Plaintext=b"cli")

    def aws(self, *args, ok=True):
        p = subprocess.run(["aws", "--endpoint-url", self.emulator.url, "cloudtrail",
                            "lookup-events", *args, "--output", "json"],
                           env=self.env, capture_output=True, text=True, timeout=60)
        if ok:
            self.assertEqual(p.returncode, 0, p.stderr)
            return json.loads(p.stdout)
        self.assertNotEqual(p.returncode, 0, p.stdout)
        return p.stderr

    def by_key(self):
        return ["--lookup-attributes", "AttributeKey=ResourceName,AttributeValue=" + self.key["Arn"]]

    def test_lookup_events_with_an_attribute(self):
        out = self.aws("--lookup-attributes", "AttributeKey=EventName,AttributeValue=Encrypt")
        self.assertGreaterEqual(len(out["Events"]), 4)
        for event in out["Events"]:
            self.assertEqual(event["EventName"], "Encrypt")
            self.assertEqual(json.loads(event["CloudTrailEvent"])["eventName"], "Encrypt")

    def test_the_cli_follows_next_token_across_small_pages(self):
        out = self.aws(*self.by_key(), "--page-size", "2")
        self.assertEqual([e["EventName"] for e in out["Events"]], ["Encrypt"] * 4 + ["CreateKey"])

    def test_max_items_and_starting_token(self):
        first = self.aws(*self.by_key(), "--max-items", "3")
        self.assertEqual(len(first["Events"]), 3)
        rest = self.aws(*self.by_key(), "--starting-token", first["NextToken"])
        self.assertEqual([e["EventName"] for e in rest["Events"]], ["Encrypt", "CreateKey"])

    def test_time_range(self):
        future = (datetime.datetime.now(datetime.timezone.utc) +
                  datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertEqual(self.aws(*self.by_key(), "--start-time", future)["Events"], [])
        out = self.aws(*self.by_key(), "--end-time", future, "--start-time", "2020-01-01T00:00:00Z")
        self.assertEqual(len(out["Events"]), 5)

    def test_two_attributes_are_refused(self):
        err = self.aws("--lookup-attributes", "AttributeKey=EventName,AttributeValue=Encrypt",
                       "AttributeKey=Username,AttributeValue=root", ok=False)
        self.assertIn("An error occurred (InvalidLookupAttributesException) when calling the "
                      "LookupEvents operation: Only one lookup attribute is allowed; the request "
                      "has 2.", err)


class NoSecretsOnDisk(unittest.TestCase):
    """Plaintexts and data keys, raw and base64, appear neither in the trail file nor in the
    database files, while the calls that carried them are all recorded."""

    def test_trail_and_database_hold_no_plaintext_or_data_key(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "kms.db")
            log = os.path.join(tmp, "audit.jsonl")
            emulator = Emulator("--audit-log", log, db=db)
            try:
                secrets = self.make_calls(kms_client(emulator.url))
            finally:
                rc = emulator.stop()
            self.assertEqual(rc, 0, emulator.stderr())
            with open(log, "rb") as f:
                trail = f.read()
            names = [json.loads(line)["eventName"] for line in trail.splitlines()]
            self.assertEqual(names, ["CreateKey", "Encrypt", "Decrypt", "GenerateDataKey",
                                     "Decrypt", "ReEncrypt", "GenerateRandom", "Encrypt"])
            files = {}
            for path in glob.glob(db + "*"):
                with open(path, "rb") as f:
                    files[path] = f.read()
            self.assertIn(db, files)
            # The stored trail is compressed: search its content and its records too.
            contents, stored = stored_batches(db)
            self.assertEqual(stored, trail.splitlines())
            batches = b"\n".join(stored)
            self.assertEqual(batches.count(b'"eventSource":"kms.amazonaws.com"'), 8)
            self.assertIn(b"GenerateDataKey", batches)  # the trail is there
            for name, data in ([("audit log", trail), ("audit records", batches),
                                ("audit batches", b"".join(contents))] +
                               sorted(files.items())):
                for label, needle in secrets:
                    self.assertNotIn(needle, data, "%s found in %s" % (label, name))

    def make_calls(self, kms):
        secrets = []

        def remember(label, raw):
            secrets.append((label, raw))
            secrets.append((label + " (base64)", base64.b64encode(raw)))
            secrets.append((label + " (hex)", raw.hex().encode()))

        key = kms.create_key()["KeyMetadata"]["KeyId"]
        plaintext = os.urandom(48)
        remember("plaintext", plaintext)
        blob = kms.encrypt(KeyId=key, Plaintext=plaintext,
                           EncryptionContext={"purpose": "no-secrets"})["CiphertextBlob"]
        remember("ciphertext", blob)
        out = kms.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "no-secrets"})
        self.assertEqual(out["Plaintext"], plaintext)
        data_key = kms.generate_data_key(KeyId=key, KeySpec="AES_256")
        remember("data key", data_key["Plaintext"])
        remember("encrypted data key", data_key["CiphertextBlob"])
        self.assertEqual(kms.decrypt(CiphertextBlob=data_key["CiphertextBlob"])["Plaintext"],
                         data_key["Plaintext"])
        reencrypted = kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=key,
                                     SourceEncryptionContext={"purpose": "no-secrets"})
        remember("re-encrypted ciphertext", reencrypted["CiphertextBlob"])
        remember("random bytes", kms.generate_random(NumberOfBytes=64)["Plaintext"])
        failed_plaintext = os.urandom(40)
        remember("plaintext of a failed call", failed_plaintext)
        with self.assertRaises(ClientError):
            kms.encrypt(KeyId="alias/missing", Plaintext=failed_plaintext)
        return secrets


class EventsSurviveARestart(unittest.TestCase):
    def test_lookup_after_restart_finds_earlier_events(self):
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "kms.db")
            with Emulator(db=db) as first:
                arn = kms_client(first.url).create_key()["KeyMetadata"]["Arn"]
            with Emulator(db=db) as second:
                events = kms_client(second.url, service="cloudtrail").lookup_events(
                    LookupAttributes=attribute("ResourceName", arn))["Events"]
                self.assertEqual([e["EventName"] for e in events], ["CreateKey"])


class AuditOff(unittest.TestCase):
    def test_audit_off_records_nothing_and_get_key_last_usage_says_why(self):
        with Emulator("--audit", "off") as emulator:
            kms = kms_client(emulator.url)
            key = kms.create_key()["KeyMetadata"]["KeyId"]
            trail = kms_client(emulator.url, service="cloudtrail")
            self.assertEqual(trail.lookup_events()["Events"], [])
            with self.assertRaises(ClientError) as cm:
                kms.get_key_last_usage(KeyId=key)
            err = cm.exception.response["Error"]
            self.assertEqual(err["Code"], "UnsupportedOperationException")
            self.assertEqual(err["Message"], "GetKeyLastUsage is answered from the audit trail, "
                                             "which is off (--audit off).")


if __name__ == "__main__":
    unittest.main(verbosity=2)
