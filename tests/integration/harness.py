"""Starts the real kms-emulator on 127.0.0.1 with --port 0 for integration tests, and the helpers
the suites share: boto3 clients for it, kmsctl's binary and environment, error assertions.

The binaries come from KMS_EMULATOR_BIN and KMSCTL_BIN (set by ctest). Every process started here
is ended here, by PID, with bounded waits.
"""
import json
import os
import re
import select
import signal
import subprocess
import tempfile
import time
import urllib.request

LISTEN_RE = re.compile(r"^kms-emulator listening on (https?://127\.0\.0\.1:(\d+))$")


def emulator_bin():
    path = os.environ.get("KMS_EMULATOR_BIN")
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError("KMS_EMULATOR_BIN must name the kms-emulator binary (got %r)" % path)
    return path


def kmsctl_bin():
    """kmsctl: KMSCTL_BIN, else the kmsctl beside KMS_EMULATOR_BIN."""
    path = os.environ.get("KMSCTL_BIN") or os.path.join(os.path.dirname(emulator_bin()), "kmsctl")
    if not os.access(path, os.X_OK):
        raise RuntimeError("kmsctl not found at %r (set KMSCTL_BIN)" % path)
    return path


class Emulator:
    """A running kms-emulator. Use as a context manager or call stop()."""

    def __init__(self, *args, db=":memory:", env=None, start_timeout=10.0):
        self.args = ["--port", "0", "--db", db, *args]
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.stderr_file = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [emulator_bin(), *self.args], stdout=subprocess.PIPE, stderr=self.stderr_file,
            stdin=subprocess.DEVNULL, env=full_env)
        self.url = self._read_url(start_timeout)
        self.port = int(self.url.rsplit(":", 1)[1])

    def _read_url(self, timeout):
        deadline = time.monotonic() + timeout
        line = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.05)
            if ready:
                ch = os.read(self.proc.stdout.fileno(), 1)
                if not ch:
                    break
                if ch == b"\n":
                    m = LISTEN_RE.match(line.decode())
                    if not m:
                        raise RuntimeError("unexpected first line: %r" % line)
                    return m.group(1)
                line += ch
            elif self.proc.poll() is not None:
                break
        self.kill()
        raise RuntimeError("kms-emulator did not start: %s" % self.stderr())

    def stderr(self):
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode(errors="replace")

    def health(self, context=None):
        """GET /health; `context` is an ssl.SSLContext for an https emulator."""
        with urllib.request.urlopen(self.url + "/health", timeout=5, context=context) as r:
            return r.status, json.loads(r.read())

    def stop(self, sig=signal.SIGTERM, timeout=10.0):
        """Sends `sig` and waits; returns the exit status (kills after `timeout`)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                raise RuntimeError("kms-emulator did not exit within %ss of %s" % (timeout, sig))
        self.proc.stdout.close()
        return self.proc.returncode

    def stop_checked(self):
        """stop(); raises AssertionError with the emulator's stderr unless it exited 0."""
        rc = self.stop()
        if rc != 0:
            raise AssertionError("emulator exited with %d: %s" % (rc, self.stderr()))

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.stop()
        return False


def client_env(url):
    """Environment for the aws CLI and boto3: dummy credentials, no real config files."""
    env = dict(os.environ)
    env.update({
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    })
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)
    return env


def run_to_exit(*args, timeout=10.0):
    """Runs kms-emulator with `args` (after --port 0 --db :memory:) expecting it to exit at once,
    as on a start-up error; returns (exit status, stdout, stderr)."""
    p = subprocess.run([emulator_bin(), "--port", "0", "--db", ":memory:", *args],
                       capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def kms_client(url, region="us-east-1", key=None, secret=None, token=None, service="kms",
               validate=True):
    """A boto3 client of `service` ("kms", "cloudtrail") for the emulator at `url`, without
    retries: credentials `key` and `secret` (default: client_env's dummy ones) and session `token`,
    `validate` False to send what botocore's parameter validation would refuse."""
    import boto3  # here, not at the top: not every suite needs boto3
    from botocore.config import Config
    env = client_env(url)
    session = boto3.session.Session(
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"] if key is None else key,
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"] if secret is None else secret,
        aws_session_token=token, region_name=region)
    return session.client(service, endpoint_url=url, config=Config(
        retries={"max_attempts": 1}, parameter_validation=validate))


# A kmsctl caller: dummy credentials in us-east-1, one attempt per call (no retry delays).
KMSCTL_CALLER = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
                 "AWS_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "1"}


def kmsctl_env(home, **variables):
    """Environment for kmsctl: this process's without any AWS_* variable, HOME=`home` (so no
    ~/.aws of the machine is read), then `variables`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = home
    env.update(variables)
    return env


class ClientErrorAssertions:
    """assertError for unittest.TestCase classes that call the emulator through boto3."""

    def assertError(self, code, message, fn, *args, **kwargs):
        """fn(*args, **kwargs) must raise botocore's ClientError with error `code` and `message`
        (not checked when None); returns the error response."""
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as cm:
            fn(*args, **kwargs)
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], code)
        if message is not None:
            self.assertEqual(err.get("Message", ""), message)
        return cm.exception.response
