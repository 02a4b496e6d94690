"""The SDK as a package: installs a build tree to a prefix, checks what was installed, builds
sdk/examples as a separate CMake project against it (find_package(kms) + kms::sdk) and runs the
examples against the installed kms-emulator (127.0.0.1, port 0, ended by PID).

Usage: install_test.py --build-dir B --source-dir S [--build-type T] [--cxx-compiler C]
       [--launcher ccache] [--sanitize]
Work files go to B/packaging/ (fixed paths, so ccache hits across runs), removed on success.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from harness import Emulator  # noqa: E402

EXPECTED_FILES = [
    "bin/kms-emulator", "bin/kmsctl", "bin/kms-bench",
    "include/kms/client.hpp", "include/kms/envelope/kms_keyring.hpp",
    "include/kms/internal/secret_bytes.hpp",
    "lib/libkms_core.a", "lib/libkms_sdk.a",
    "lib/cmake/kms/kmsConfig.cmake", "lib/cmake/kms/kmsConfigVersion.cmake",
    "lib/cmake/kms/kmsTargets.cmake",
]
# Internal headers no public header includes stay out of the installed tree.
UNEXPECTED_FILES = ["include/kms/internal/aes_gcm.hpp", "include/kms/internal/random.hpp"]


KEY_ARN = r"arn:aws:kms:us-east-1:111122223333:key/[0-9a-f-]{36}"
# The ECDSA P-384 signature (DER) makes the message length vary by a few bytes.
REPORT = re.compile(r"key: (\S+)( \(created\))?\n"
                    r"suite: ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384\n"
                    r"message: 14 bytes plaintext, (\d+) bytes encrypted, 1 data key from aws-kms\n"
                    r"round trip: ok\n")


def parse_report(out):
    """(key ARN, " (created)" or "") from envelope_keyring's report; None if it is malformed or
    the message is not longer than its plaintext."""
    m = REPORT.fullmatch(out)
    if not m or int(m.group(3)) <= 14:
        return None
    return m.group(1), m.group(2) or ""


class Check:
    def __init__(self):
        self.failures = []

    def equal(self, what, actual, expected):
        if actual != expected:
            self.failures.append("%s:\n  got      %r\n  expected %r" % (what, actual, expected))

    def true(self, what, condition):
        if not condition:
            self.failures.append(what)


def run(cmd, **kwargs):
    """Runs a build step; raises with its output when it fails."""
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kwargs)
    if proc.returncode != 0:
        raise RuntimeError("%s failed (%d):\n%s%s" % (" ".join(cmd), proc.returncode,
                                                      proc.stdout, proc.stderr))
    print("%5.1fs  %s" % (time.monotonic() - started, " ".join(cmd[:4])))
    return proc


def installed_files(prefix):
    found = set()
    for root, _, files in os.walk(prefix):
        for name in files:
            found.add(os.path.relpath(os.path.join(root, name), prefix))
    return found


def configure_args(args, prefix):
    cmake_args = ["-DCMAKE_PREFIX_PATH=" + prefix, "-DCMAKE_BUILD_TYPE=" + args.build_type,
                  "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror" + (
                      " -fsanitize=address,undefined" if args.sanitize else "")]
    if args.sanitize:
        cmake_args.append("-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined")
    if args.cxx_compiler:
        cmake_args.append("-DCMAKE_CXX_COMPILER=" + args.cxx_compiler)
    if args.launcher:
        cmake_args.append("-DCMAKE_CXX_COMPILER_LAUNCHER=" + args.launcher)
    return cmake_args


def build_consumers(args, prefix, work):
    """Builds sdk/examples, and one file including every installed header, against `prefix`."""
    examples = os.path.join(work, "examples")
    run(["cmake", "-S", os.path.join(args.source_dir, "sdk", "examples"), "-B", examples,
         *configure_args(args, prefix)])
    run(["cmake", "--build", examples, "-j2"])

    # Every installed header compiles from the installed tree alone (no internal header missing).
    headers_src = os.path.join(work, "headers-src")
    os.makedirs(headers_src)
    include_dir = os.path.join(prefix, "include")
    headers = sorted(os.path.relpath(os.path.join(root, name), include_dir)
                     for root, _, files in os.walk(include_dir) for name in files)
    with open(os.path.join(headers_src, "all_headers.cpp"), "w") as out:
        out.write("".join("#include <%s>\n" % h for h in headers) + "int main() {}\n")
    with open(os.path.join(headers_src, "CMakeLists.txt"), "w") as out:
        out.write("cmake_minimum_required(VERSION 3.25)\nproject(all_headers LANGUAGES CXX)\n"
                  "set(CMAKE_CXX_STANDARD 20)\nfind_package(kms 0.1 CONFIG REQUIRED)\n"
                  "add_executable(all_headers all_headers.cpp)\n"
                  "target_link_libraries(all_headers PRIVATE kms::sdk kms::core)\n")
    run(["cmake", "-S", headers_src, "-B", os.path.join(work, "headers"),
         *configure_args(args, prefix)])
    run(["cmake", "--build", os.path.join(work, "headers")])
    return os.path.join(examples, "envelope_keyring"), os.path.join(examples,
                                                                     "envelope_walkthrough")


def run_examples(check, prefix, keyring_example, walkthrough_example):
    os.environ["KMS_EMULATOR_BIN"] = os.path.join(prefix, "bin", "kms-emulator")
    with tempfile.TemporaryDirectory() as home:
        emulator = Emulator()
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update({"HOME": home, "AWS_ENDPOINT_URL_KMS": emulator.url,
                        "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                        "AWS_SECRET_ACCESS_KEY": "example-secret"})

            def example(*argv):
                proc = subprocess.run(list(argv), env=env, capture_output=True, text=True,
                                      timeout=60)
                return proc.returncode, proc.stdout, proc.stderr

            # The installed kmsctl makes the key and alias the examples use.
            kmsctl = os.path.join(prefix, "bin", "kmsctl")
            code, out, err = example(kmsctl, "create-key")
            check.equal("kmsctl create-key exit status and stderr", (code, err), (0, ""))
            arn = json.loads(out)["KeyMetadata"]["Arn"]
            code, out, err = example(kmsctl, "create-alias", "--alias-name", "alias/packaging",
                                     "--target-key-id", arn)
            check.equal("kmsctl create-alias", (code, out, err), (0, "", ""))

            code, out, err = example(keyring_example, "alias/packaging")
            check.equal("envelope_keyring alias/packaging: %r" % out, (code, parse_report(out), err),
                        (0, (arn, ""), ""))
            code, out, err = example(keyring_example)
            key, created = parse_report(out) or ("", "")
            check.equal("envelope_keyring without a key id creates one: %r" % out,
                        (code, created, err), (0, " (created)", ""))
            check.true("the new key %r is another key than %r" % (key, arn),
                       re.fullmatch(KEY_ARN, key) is not None and key != arn)

            code, out, err = example(keyring_example, "alias/missing")
            check.equal("envelope_keyring alias/missing", (code, out, err), (
                1, "", "NotFoundException: Alias arn:aws:kms:us-east-1:111122223333:"
                       "alias/missing is not found.\n"))
            code, out, err = example(keyring_example, "a", "b")
            check.equal("envelope_keyring with two arguments", (code, out, err),
                        (1, "", "usage: envelope_keyring [KEY_ID]\n"))

            code, out, err = example(walkthrough_example, "alias/packaging")
            check.equal("envelope_walkthrough alias/packaging", (code, out, err),
                        (0, "data key from %s decrypted: attack at dawn\n" % arn, ""))
        finally:
            status = emulator.stop()
        check.equal("installed kms-emulator exit status (stderr: %s)" % emulator.stderr(),
                    status, 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--build-type", default="Release")
    parser.add_argument("--cxx-compiler")
    parser.add_argument("--launcher")
    parser.add_argument("--sanitize", action="store_true")
    args = parser.parse_args()

    work = os.path.join(os.path.abspath(args.build_dir), "packaging")
    shutil.rmtree(work, ignore_errors=True)
    prefix = os.path.join(work, "prefix")
    check = Check()
    started = time.monotonic()
    run(["cmake", "--install", args.build_dir, "--prefix", prefix])
    files = installed_files(prefix)
    for name in EXPECTED_FILES:
        check.true("installed: " + name, name in files)
    for name in UNEXPECTED_FILES:
        check.true("not installed: " + name, name not in files)
    check.true("no file outside bin/, include/kms/, lib/: %r" % sorted(files),
               all(re.match(r"(bin/|include/kms/|lib/)", f) for f in files))

    keyring_example, walkthrough_example = build_consumers(args, prefix, work)
    run_examples(check, prefix, keyring_example, walkthrough_example)

    for failure in check.failures:
        print("FAIL", failure)
    if check.failures:
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("install_test: OK (%.1fs)" % (time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
