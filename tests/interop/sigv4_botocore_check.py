#!/usr/bin/env python3
"""Cross-checks kms::sigv4::Sign against botocore's SigV4Auth.

Signs about twenty varied KMS-style requests (JSON bodies, session tokens, regions, times,
unusual header values, duplicate headers, ports, paths and queries) with botocore at a fixed
time and with the C++ test tool (tests/interop/sigv4_sign_tool.cpp), then compares the
Authorization, X-Amz-Date and X-Amz-Security-Token headers byte for byte.

Exit codes: 0 all equal, 1 a mismatch or tool failure, 77 botocore not importable (ctest
reports the test as skipped; the message says loudly that nothing was compared).
"""

import argparse
import base64
import datetime
import json
import subprocess
import sys
from unittest import mock

try:
    import botocore
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
except ImportError as exc:  # pragma: no cover - depends on the machine
    print(f"SKIPPED: botocore is not importable ({exc}); the SigV4 botocore cross-check did NOT "
          f"run. Install it with 'pip install botocore'.", file=sys.stderr)
    sys.exit(77)

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
STS_TOKEN = ("AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAe"
             "MicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8p"
             "hUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKw"
             "T38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJab"
             "IQwj2ICCR/oLxBA==")
JSON11 = "application/x-amz-json-1.1"


def kms_headers(host, operation, extra=()):
    return [("Host", host), ("Content-Type", JSON11),
            ("X-Amz-Target", f"TrentService.{operation}")] + list(extra)


def case(name, body, headers, *, url=None, method="POST", region="us-east-1", service="kms",
         when="2015-08-30T12:36:00", akid=AKID, secret=SECRET, token=""):
    if isinstance(body, (dict, list)):
        body = json.dumps(body, separators=(",", ":")).encode()
    elif isinstance(body, str):
        body = body.encode()
    host = next((v for k, v in headers if k.lower() == "host"), None)
    return {
        "name": name, "method": method, "body": body, "headers": headers, "region": region,
        "service": service, "akid": akid, "secret": secret, "token": token,
        "url": url or f"https://{host}/",
        "time": datetime.datetime.fromisoformat(when).replace(tzinfo=datetime.timezone.utc),
    }


def cases():
    east = "kms.us-east-1.amazonaws.com"
    key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    return [
        case("Encrypt with a JSON body", {"KeyId": key, "Plaintext": "aGVsbG8="},
             kms_headers(east, "Encrypt")),
        case("Decrypt with a session token in eu-west-1",
             {"CiphertextBlob": base64.b64encode(bytes(range(200))).decode()},
             kms_headers("kms.eu-west-1.amazonaws.com", "Decrypt"), region="eu-west-1",
             token=STS_TOKEN),
        case("GenerateDataKey with non-ASCII encryption context",
             {"KeyId": "alias/ünïcødé", "KeySpec": "AES_256",
              "EncryptionContext": {"käse": "€ 5", "日本": "語"}},
             kms_headers(east, "GenerateDataKey"), when="2024-02-29T23:59:59"),
        case("ListKeys with an empty body", b"", kms_headers(east, "ListKeys")),
        case("a 64 KiB body", {"KeyId": key, "Plaintext": "A" * 65536},
             kms_headers(east, "Encrypt"), when="1999-12-31T23:59:59"),
        case("a time after 2038", {}, kms_headers(east, "ListAliases"), when="2038-01-19T03:14:08"),
        case("GovCloud region", {}, kms_headers("kms.us-gov-west-1.amazonaws.com", "ListKeys"),
             region="us-gov-west-1"),
        case("China region and a short token", {},
             kms_headers("kms.cn-north-1.amazonaws.com.cn", "ListKeys"), region="cn-north-1",
             token="6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"),
        case("values with leading, trailing and repeated spaces and tabs", {},
             kms_headers(east, "DescribeKey", [("X-Custom-A", "  padded value  "),
                                               ("X-Custom-B", "a   b\t\tc"),
                                               ("X-Custom-C", '"a   b   c"')])),
        case("an empty header value", {}, kms_headers(east, "DescribeKey", [("X-Empty", "")])),
        case("duplicate headers joined in order", {},
             kms_headers(east, "DescribeKey", [("X-Dup", "value2"), ("X-Dup", " value2 "),
                                               ("x-dup", "value1")])),
        case("mixed-case names; user-agent, expect and trace id unsigned", {},
             kms_headers(east, "ListKeys", [("uSeR-aGeNt", "kms-sdk/0.1 (linux)"),
                                            ("Expect", "100-continue"),
                                            ("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe"),
                                            ("X-AMZ-USER-AGENT", "Boto3/1.0")])),
        case("Content-Type with a charset and a Content-Length", {"Limit": 10},
             [("Host", east), ("Content-Type", "application/x-amz-json-1.1; charset=utf-8"),
              ("Content-Length", "12"), ("X-Amz-Target", "TrentService.ListKeys")]),
        case("the emulator on 127.0.0.1 with a port in Host", {"Limit": 1},
             kms_headers("127.0.0.1:4599", "ListKeys"), url="http://127.0.0.1:4599/"),
        case("Host taken from the URL by botocore", {},
             [("Content-Type", JSON11), ("X-Amz-Target", "TrentService.ListKeys")],
             url="http://localhost:4599/"),
        case("a secret and access key with unusual characters", {},
             kms_headers(east, "ListKeys"), akid="akid-lower_Case.123",
             secret="a+b/c=d e\u00e9"),
        case("a UTF-8 header value", {}, kms_headers(east, "ListKeys", [("X-Note", "caf\u00e9")])),
        case("a body with CRLF and trailing whitespace", "{\r\n  \"Limit\": 5 \r\n}\r\n  ",
             kms_headers(east, "ListKeys")),
        case("a GET with an unsorted, already-encoded query", b"",
             [("Host", east)], method="GET", url=f"https://{east}/?b=2&a=x%20y&a=1"),
        case("an encoded path with dot segments is normalised and encoded again", b"",
             [("Host", east)], method="GET", url=f"https://{east}/a%20b/./c/../d//e"),
        case("another service name (sts) and region", {},
             [("Host", "sts.ap-southeast-2.amazonaws.com"), ("Content-Type", JSON11)],
             service="sts", region="ap-southeast-2", when="2010-01-01T00:00:00"),
    ]


class RecordingSigV4Auth(botocore.auth.SigV4Auth):
    """SigV4Auth that keeps the canonical request it signed, for mismatch reports."""

    def string_to_sign(self, request, canonical_request):
        self.canonical = canonical_request
        return super().string_to_sign(request, canonical_request)


def botocore_sign(c):
    request = botocore.awsrequest.AWSRequest(method=c["method"], url=c["url"], data=c["body"])
    for name, value in c["headers"]:
        request.headers[name] = value  # HTTPHeaders appends: duplicates are kept in order
    creds = botocore.credentials.Credentials(c["akid"], c["secret"], c["token"] or None)
    auth = RecordingSigV4Auth(creds, c["service"], c["region"])
    fixed = c["time"]
    if hasattr(botocore.auth, "get_current_datetime"):
        patcher = mock.patch.object(botocore.auth, "get_current_datetime", return_value=fixed)
    else:  # older botocore read datetime.datetime.utcnow()
        class Fixed(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return fixed.replace(tzinfo=None)
        patcher = mock.patch.object(botocore.auth.datetime, "datetime", Fixed)
    with patcher:
        auth.add_auth(request)
    return request.headers, auth.canonical


def tool_input(c):
    split = c["url"].split("/", 3)
    target = "/" + (split[3] if len(split) > 3 else "")
    headers = [list(h) for h in c["headers"]]
    if not any(k.lower() == "host" for k, _ in headers):
        headers.insert(0, ["Host", split[2]])  # what an HTTP client sends
    return {
        "method": c["method"], "target": target, "headers": headers,
        "body_b64": base64.b64encode(c["body"]).decode(), "access_key_id": c["akid"],
        "secret_access_key": c["secret"], "session_token": c["token"], "region": c["region"],
        "service": c["service"], "time": int(c["time"].timestamp()),
    }


def header(pairs, name):
    return next((v for k, v in pairs if k.lower() == name), None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", required=True, help="path to sigv4_sign_tool")
    args = parser.parse_args()
    all_cases = cases()
    proc = subprocess.run([args.tool], input=json.dumps([tool_input(c) for c in all_cases]),
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"sigv4_sign_tool failed ({proc.returncode}): {proc.stderr}", file=sys.stderr)
        return 1
    results = json.loads(proc.stdout)
    passed = failed = 0
    for c, ours in zip(all_cases, results):
        theirs_headers, theirs_canonical = botocore_sign(c)
        theirs = [(k, v) for k, v in theirs_headers.items()]
        mine = [tuple(h) for h in ours.get("headers", [])]
        diffs = [name for name in ("authorization", "x-amz-date", "x-amz-security-token")
                 if header(mine, name) != header(theirs, name)]
        if header(mine, "authorization") is None or header(theirs, "authorization") is None:
            diffs.append("no Authorization header")
        if "error" in ours or diffs:
            failed += 1
            print(f"MISMATCH {c['name']}: {ours.get('error') or ', '.join(diffs)}")
            print(f"  botocore: {header(theirs, 'authorization')}")
            print(f"  ours:     {header(mine, 'authorization')}")
            print(f"  botocore canonical request:\n{theirs_canonical}")
            print(f"  our canonical request:\n{ours.get('canonical_request')}")
        else:
            passed += 1
            print(f"ok   {c['name']}")
    print(f"botocore {botocore.__version__} SigV4 cross-check:")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed == len(all_cases) else 1


if __name__ == "__main__":
    sys.exit(main())
