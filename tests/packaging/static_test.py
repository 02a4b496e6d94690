"""-DKMS_STATIC=ON: configures a separate Release tree, builds kms-emulator and kmsctl, checks
that they link no libssl, libcrypto, libsqlite3, libzstd, libboost or libstdc++ (only glibc and
libgcc_s), prints the newest glibc symbol version they need and checks it is at most 2.34, then
starts the static emulator (127.0.0.1, port 0, ended by PID), reads /health and lets the static
kmsctl create a key through http://localhost:PORT (getaddrinfo).

Usage: static_test.py --source-dir S --work-dir W [--cxx-compiler C] [--launcher ccache]
The compile flags equal those of the Release tree, so with ccache only linking costs time; without
a compiler launcher the test is skipped (exit 77) rather than compiling everything twice.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from harness import Emulator  # noqa: E402

ALLOWED_NEEDED = {"libc.so.6", "libm.so.6", "libgcc_s.so.1", "ld-linux-x86-64.so.2"}
FORBIDDEN_NEEDED = re.compile(r"lib(ssl|crypto|sqlite3|zstd|boost|stdc\+\+)")
GLIBC_FLOOR = (2, 34)  # documented in cmake/kms_static.cmake and README
SKIP = 77

failures = []


def check(what, condition):
    if not condition:
        failures.append(what)


def build(args):
    started = time.monotonic()
    configure = ["cmake", "-S", args.source_dir, "-B", args.work_dir, "-DCMAKE_BUILD_TYPE=Release",
                 "-DKMS_STATIC=ON", "-DKMS_BUILD_TESTS=OFF", "-DKMS_WERROR=ON",
                 "-DCMAKE_CXX_COMPILER_LAUNCHER=" + args.launcher]
    if args.cxx_compiler:
        configure.append("-DCMAKE_CXX_COMPILER=" + args.cxx_compiler)
    for cmd in [configure, ["cmake", "--build", args.work_dir, "-j2", "--target", "kms-emulator",
                            "kmsctl"]]:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1500)
        if proc.returncode != 0:
            sys.exit("%s failed:\n%s%s" % (" ".join(cmd), proc.stdout[-5000:], proc.stderr))
    print("static tree configured and built in %.1fs" % (time.monotonic() - started))
    return os.path.join(args.work_dir, "bin")


def check_linkage(binary):
    name = os.path.basename(binary)
    dynamic = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True).stdout
    needed = set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+)\]", dynamic))
    print("%s NEEDED: %s" % (name, " ".join(sorted(needed))))
    check("%s links none of libssl/libcrypto/libsqlite3/libzstd/libboost/libstdc++: %r" % (name, needed),
          not any(FORBIDDEN_NEEDED.match(n) for n in needed))
    check("%s links only glibc and libgcc_s: %r" % (name, sorted(needed - ALLOWED_NEEDED)),
          needed <= ALLOWED_NEEDED)

    symbols = subprocess.run(["objdump", "-T", binary], capture_output=True, text=True).stdout
    versions = {tuple(int(p) for p in v.split("."))
                for v in re.findall(r"\bGLIBC_([0-9]+(?:\.[0-9]+)+)\b", symbols)}
    newest = max(versions) if versions else None
    print("%s needs glibc >= %s" % (name, ".".join(map(str, newest)) if newest else "?"))
    check("%s needs glibc <= %s, not %r" % (name, GLIBC_FLOOR, newest),
          newest is not None and newest <= GLIBC_FLOOR)
    check("%s has no GLIBCXX/CXXABI symbol references" % name,
          not re.search(r"\b(GLIBCXX|CXXABI)_", symbols))


def check_runs(bin_dir):
    os.environ["KMS_EMULATOR_BIN"] = os.path.join(bin_dir, "kms-emulator")
    emulator = Emulator()
    try:
        check("static kms-emulator answers /health", emulator.health() == (200, {"status": "ok"}))
        with tempfile.TemporaryDirectory() as home:
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update({"HOME": home, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test",
                        "AWS_SECRET_ACCESS_KEY": "test"})
            endpoint = "http://localhost:%d" % emulator.port
            proc = subprocess.run([os.path.join(bin_dir, "kmsctl"), "--endpoint-url", endpoint,
                                   "create-key"], env=env, capture_output=True, text=True,
                                  timeout=30)
            state = json.loads(proc.stdout)["KeyMetadata"]["KeyState"] if proc.stdout else None
            check("static kmsctl creates a key through %s: %r" % (endpoint, proc),
                  (proc.returncode, proc.stderr, state) == (0, "", "Enabled"))
    finally:
        status = emulator.stop()
    check("static kms-emulator exits 0 on SIGTERM (stderr: %s)" % emulator.stderr(), status == 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--cxx-compiler")
    parser.add_argument("--launcher", default="")
    args = parser.parse_args()
    if not args.launcher:
        print("SKIPPED: no compiler launcher (ccache): the static build would compile everything "
              "a second time; run with --launcher ccache")
        return SKIP
    bin_dir = build(args)
    for name in ["kms-emulator", "kmsctl"]:
        check_linkage(os.path.join(bin_dir, name))
    check_runs(bin_dir)
    for failure in failures:
        print("FAIL", failure)
    if not failures:
        print("static_test: OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
