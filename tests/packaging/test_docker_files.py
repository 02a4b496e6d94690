"""Checks Dockerfile, docker-compose.yml and .dockerignore without a Docker engine: the stages,
the runtime user, volume, environment and health check, that the image is built with the same
packages and CMake commands as tools/install_deps.sh and tools/run.sh, that the runtime packages
provide every shared library kms-emulator links, and that the health check command works against
a real kms-emulator (KMS_EMULATOR_BIN, 127.0.0.1, ended by PID).

Usage: test_docker_files.py SOURCE_DIR [KMS_EMULATOR_BINARY_TO_CHECK_LIBRARIES_OF]
"""
import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from harness import Emulator  # noqa: E402

try:
    import yaml
except ImportError:
    sys.exit("PyYAML is missing for %s (Debian: python3-yaml, which awscli depends on)"
             % sys.executable)

failures = []


def check(what, condition):
    if not condition:
        failures.append(what)


def check_equal(what, actual, expected):
    if actual != expected:
        failures.append("%s:\n  got      %r\n  expected %r" % (what, actual, expected))


def parse_dockerfile(text):
    """[(stage name or "", [(INSTRUCTION, arguments)])] with continuation lines joined."""
    stages, logical = [], ""
    for line in text.splitlines():
        if not logical and (line.lstrip().startswith("#") or not line.strip()):
            continue
        if line.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            logical += line[:-1] + " "
            continue
        logical += line
        instruction, _, args = logical.strip().partition(" ")
        logical = ""
        instruction = instruction.upper()
        if instruction == "FROM":
            stages.append((args.split(" AS ")[-1] if " AS " in args else "", []))
        stages[-1][1].append((instruction, args.strip()))
    return stages


def instructions(stage, name):
    return [args for instruction, args in stage[1] if instruction == name]


def shell_commands(text):
    """The commands of a shell script or RUN line, split on && and newlines, tokenized."""
    commands = []
    for piece in re.split(r"&&|\n", text):
        piece = piece.strip()
        if piece and not piece.startswith("#"):
            try:
                commands.append(shlex.split(piece))
            except ValueError:  # a piece of a $( ... && ... ) substitution: not a command here
                continue
    return commands


def cmake_commands(commands, root_var):
    """The cmake invocations, with the checkout root written as "." and no redirections."""
    result = []
    for tokens in commands:
        if tokens and tokens[0] == "cmake":
            normalized = []
            for token in tokens:
                if token.startswith(">"):
                    continue
                token = token.replace(root_var + "/", "").replace(root_var, ".")
                normalized.append(token)
            result.append(normalized)
    return result


def install_deps_build_packages(script):
    """The package list of install_deps.sh's build mode (its first want_pkg loop)."""
    m = re.search(r"for p in ((?:[^;]|\\\n)+); do\s+want_pkg", script)
    return set(m.group(1).replace("\\\n", " ").split()) if m else set()


def check_dockerfile(root, stages, binary):
    check_equal("number of stages", len(stages), 2)
    froms = [instructions(s, "FROM")[0] for s in stages]
    check_equal("stage images", froms, ["debian:12 AS build", "debian:12-slim"])
    build, runtime = stages[0], stages[-1]

    # Build stage: the packages are installed by install_deps.sh itself (so always the same
    # set), and the CMake commands are tools/run.sh's.
    runs = " && ".join(instructions(build, "RUN"))
    check("the build stage copies and runs tools/install_deps.sh build",
          ["tools/install_deps.sh", "build"] in shell_commands(runs)
          and any(a.startswith("tools/install_deps.sh ") for a in instructions(build, "COPY")))
    with open(os.path.join(root, "tools", "install_deps.sh")) as f:
        packages = install_deps_build_packages(f.read())
    check("install_deps.sh lists the build packages: %r" % packages,
          {"g++", "cmake", "libssl-dev", "libsqlite3-dev", "libzstd-dev", "libboost-json1.81-dev"} <= packages)
    with open(os.path.join(root, "tools", "run.sh")) as f:
        run_sh = cmake_commands(shell_commands(f.read()), "$root")
    docker_run = [c for c in shell_commands(re.sub(r"--mount=\S+", "", runs))]
    check_equal("the build stage's cmake commands (tools/run.sh's)",
                cmake_commands(docker_run, "$root"), run_sh)
    check("tools/run.sh builds kms-emulator in Release: %r" % run_sh,
          any("-DCMAKE_BUILD_TYPE=Release" in c for c in run_sh)
          and any("kms-emulator" in c for c in run_sh))

    # Runtime stage.
    copies = instructions(runtime, "COPY")
    check_equal("the runtime stage copies only the emulator from the build stage", copies,
                ["--from=build /src/build/bin/kms-emulator /usr/local/bin/kms-emulator"])
    users = instructions(runtime, "USER")
    check("USER is set once to a non-root numeric user: %r" % users,
          len(users) == 1 and re.fullmatch(r"[1-9][0-9]*(:[1-9][0-9]*)?", users[0]) is not None)
    check_equal("VOLUME", instructions(runtime, "VOLUME"), ["/data"])
    check_equal("EXPOSE", instructions(runtime, "EXPOSE"), ["4599"])
    env = dict(kv.split("=", 1) for e in instructions(runtime, "ENV") for kv in shlex.split(e))
    check_equal("ENV", env, {"KMS_HOST": "0.0.0.0", "KMS_PORT": "4599", "KMS_DB": "/data/kms.db"})
    check_equal("ENTRYPOINT", [json.loads(e) for e in instructions(runtime, "ENTRYPOINT")],
                [["kms-emulator"]])
    check_runtime_packages(runtime, binary)


def check_runtime_packages(runtime, binary):
    """The runtime apt-get install line names no -dev package and, when `binary` is given, the
    Debian package of every shared library it links (but those of the base image)."""
    installed = set()
    for tokens in shell_commands(" && ".join(instructions(runtime, "RUN"))):
        if tokens[:2] == ["apt-get", "install"]:
            installed |= {t for t in tokens[2:] if not t.startswith("-")}
    check("runtime packages without -dev: %r" % installed,
          installed and not any(p.endswith("-dev") for p in installed))
    if not binary:
        print("runtime libraries: no binary given, not compared")
        return
    dynamic = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.+)\]", dynamic)
    # Where the loader finds each one (its multiarch directory tells the package apart from the
    # lib32 variants), then which package installed it.
    resolved = dict(re.findall(r"^\s*(\S+) => (/\S+)", subprocess.run(
        ["ldd", binary], capture_output=True, text=True).stdout, re.M))
    patterns = ["*/%s/%s" % (os.path.basename(os.path.dirname(resolved.get(library, "/?/x"))),
                             library) for library in needed]
    owners = {}  # library file name -> packages (one dpkg -S call: each scans every file list)
    listing = subprocess.run(["dpkg", "-S", *patterns], capture_output=True, text=True).stdout
    for line in listing.splitlines():
        names, _, path = line.partition(": ")
        owners.setdefault(os.path.basename(path), set()).update(
            n.strip().split(":")[0] for n in names.split(",")
            if not n.strip().split(":")[0].endswith("-dev"))
    packages = set()
    for library, pattern in zip(needed, patterns):
        check("a Debian package provides " + pattern, owners.get(library))
        packages |= owners.get(library, set())
    base = {"libc6", "libgcc-s1"}  # in debian:12-slim (libc6 is essential and needs libgcc-s1)
    check_equal("runtime packages for %s (%s)" % (os.path.basename(binary), ", ".join(needed)),
                sorted(packages - base - installed), [])


def dockerfile_healthcheck(runtime):
    (healthcheck,) = instructions(runtime, "HEALTHCHECK")
    options = dict(re.findall(r"--([a-z-]+)=(\S+)", healthcheck))
    command = json.loads(healthcheck.split(" CMD ", 1)[1])
    return options, command


def check_compose(root, runtime):
    with open(os.path.join(root, "docker-compose.yml")) as f:
        text = f.read()
    compose = yaml.safe_load(text)
    kms = compose["services"]["kms"]
    check_equal("kms build context", kms.get("build"), ".")
    check_equal("kms ports", kms.get("ports"), ["4599:4599"])
    check_equal("kms volumes", kms.get("volumes"), ["kms-data:/data"])
    check("the named volume kms-data is declared", "kms-data" in (compose.get("volumes") or {}))

    options, command = dockerfile_healthcheck(runtime)
    health = kms.get("healthcheck", {})
    # Compose interpolates $VAR from the host: $$ is a literal $ for the container's shell.
    check_equal("compose health check test = the Dockerfile's HEALTHCHECK",
                [t.replace("$$", "$") for t in health.get("test", [])], ["CMD", *command])
    check_equal("compose health check timings = the Dockerfile's",
                {k: health.get(k.replace("-", "_")) for k in options},
                {k: int(v) if k == "retries" else v for k, v in options.items()})

    # The seed file: two commented lines that, uncommented, mount ./seed.json and set KMS_SEED.
    seed_lines = ["      # - ./seed.json:/etc/kms/seed.json:ro", "      # KMS_SEED: /etc/kms/seed.json"]
    check("the commented seed lines are present", all(l in text.splitlines() for l in seed_lines))
    seeded = yaml.safe_load(re.sub(r"(?m)^      # (- \./seed\.json|KMS_SEED)", r"      \1", text))
    mount = [v for v in seeded["services"]["kms"]["volumes"] if v.startswith("./seed.json:")]
    check_equal("uncommented, KMS_SEED names the mounted seed file",
                (seeded["services"]["kms"]["environment"].get("KMS_SEED"), mount),
                ("/etc/kms/seed.json", ["./seed.json:/etc/kms/seed.json:ro"]))

    app = compose["services"].get("app", {})
    check_equal("example app: only with a profile", app.get("profiles"), ["example"])
    check_equal("example app: endpoint",
                app.get("environment", {}).get("AWS_ENDPOINT_URL_KMS"), "http://kms:4599")
    check_equal("example app: waits for a healthy kms", app.get("depends_on"),
                {"kms": {"condition": "service_healthy"}})
    return command


def check_env_names(root, names):
    """Every KMS_* variable the image or compose sets is one the emulator reads."""
    with open(os.path.join(root, "emulator", "src", "config.cpp")) as f:
        config = f.read()
    for name in sorted(names):
        check("the emulator reads %s (emulator/src/config.cpp)" % name, '"%s"' % name in config)


def check_dockerignore(root):
    with open(os.path.join(root, ".dockerignore")) as f:
        patterns = [l.strip() for l in f if l.strip() and not l.startswith("#")]

    def ignored(path):
        return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path, p.lstrip("*/"))
                   for p in patterns)

    for path in [".git", "build", "build-asan", "tests"]:
        check(".dockerignore leaves out " + path, ignored(path))
    for path in ["CMakeLists.txt", "cmake", "sdk", "emulator", "tools", "tools/install_deps.sh"]:
        check(".dockerignore keeps " + path, not ignored(path))


def check_healthcheck_runs(command):
    """The health check command succeeds against a running emulator and fails without one."""
    if not os.environ.get("KMS_EMULATOR_BIN"):
        failures.append("KMS_EMULATOR_BIN is not set: the health check command did not run")
        return
    assert command[0] == "bash"
    emulator = Emulator()
    try:
        env = dict(os.environ, KMS_PORT=str(emulator.port))
        up = subprocess.run(command, env=env, capture_output=True, text=True, timeout=10)
        check_equal("health check against a running emulator", (up.returncode, up.stderr), (0, ""))
    finally:
        status = emulator.stop()
    check_equal("emulator exit status", status, 0)
    down = subprocess.run(command, env=dict(os.environ, KMS_PORT=str(emulator.port)),
                          capture_output=True, text=True, timeout=10)
    check("health check fails when nothing listens: %r" % (down.returncode,), down.returncode != 0)


def main():
    root = sys.argv[1]
    binary = sys.argv[2] if len(sys.argv) > 2 else None
    with open(os.path.join(root, "Dockerfile")) as f:
        stages = parse_dockerfile(f.read())
    check_dockerfile(root, stages, binary)
    command = check_compose(root, stages[-1])
    env_names = {kv.split("=", 1)[0] for e in instructions(stages[-1], "ENV")
                 for kv in shlex.split(e)}
    with open(os.path.join(root, "docker-compose.yml")) as f:
        env_names |= set(re.findall(r"\b(KMS_[A-Z_]+):", f.read()))
    check_env_names(root, env_names)
    check_dockerignore(root)
    check_healthcheck_runs(command)
    for failure in failures:
        print("FAIL", failure)
    if not failures:
        print("test_docker_files: OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
