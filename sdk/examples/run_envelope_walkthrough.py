"""Runs the README's C++ example (argv[1]) against a real kms-emulator: starts the emulator,
creates a key and alias/readme over HTTP, runs the example with AWS_ENDPOINT_URL_KMS and dummy
credentials, checks its output, then stops the emulator by PID and checks it exited 0."""
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests",
                                "integration"))
from harness import Emulator  # noqa: E402


def call(url, operation, body):
    headers = {"Content-Type": "application/x-amz-json-1.1",
               "X-Amz-Target": "TrentService." + operation}
    request = urllib.request.Request(url + "/", data=json.dumps(body).encode(), method="POST",
                                     headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


def run(example, key_id, env):
    return subprocess.run([example, key_id], env=env, capture_output=True, text=True, timeout=60)


def main():
    example = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory() as home:
        emulator = Emulator()
        try:
            arn = call(emulator.url, "CreateKey", {})["KeyMetadata"]["Arn"]
            call(emulator.url, "CreateAlias", {"AliasName": "alias/readme", "TargetKeyId": arn})
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update({"HOME": home, "AWS_ENDPOINT_URL_KMS": emulator.url,
                        "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                        "AWS_SECRET_ACCESS_KEY": "example-secret"})
            ok = run(example, "alias/readme", env)
            expected = "data key from %s decrypted: attack at dawn\n" % arn
            if (ok.returncode, ok.stdout, ok.stderr) != (0, expected, ""):
                failures.append("alias/readme: %r" % ((ok.returncode, ok.stdout, ok.stderr),))
            missing = run(example, "alias/missing", env)
            expected_err = ("NotFoundException: Alias arn:aws:kms:us-east-1:111122223333:"
                            "alias/missing is not found.\n")
            if (missing.returncode, missing.stdout, missing.stderr) != (1, "", expected_err):
                failures.append("alias/missing: %r"
                                % ((missing.returncode, missing.stdout, missing.stderr),))
        finally:
            status = emulator.stop()
        if status != 0:
            failures.append("emulator exited with %d: %s" % (status, emulator.stderr()))
    for failure in failures:
        print("FAIL", failure)
    if not failures:
        print("envelope_walkthrough: OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
