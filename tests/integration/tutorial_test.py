"""The README tutorial, run as written: every ```bash block between <!-- tutorial --> and
<!-- /tutorial --> in order, in one bash shell (set -euo pipefail, stderr merged into stdout), in an
empty directory, against a kms-emulator on 127.0.0.1:0, with kmsctl on PATH. The ```text block
that follows a bash block is what that block must print: each line matches one output line
(whitespace runs compared as one space, "…" matching any text), and a line that is only "…"
matches any number of lines.

Run by ctest with KMS_EMULATOR_BIN and KMSCTL_BIN set.
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Emulator, kmsctl_bin, kmsctl_env  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
README = os.path.join(ROOT, "README.md")
README_URL = "http://127.0.0.1:4599"
MARKER = "@@tutorial-block@@"


def tutorial_blocks(text):
    """[(bash source, expected lines or None)] of the tutorial section."""
    start = text.index("<!-- tutorial -->")
    end = text.index("<!-- /tutorial -->")
    fences = re.findall(r"```(\w+)\n(.*?)```", text[start:end], re.S)
    blocks = []
    for lang, body in fences:
        if lang == "bash":
            blocks.append([body, None])
        elif lang == "text":
            if not blocks or blocks[-1][1] is not None:
                raise AssertionError("a text block must follow a bash block:\n" + body)
            blocks[-1][1] = body.rstrip("\n").split("\n")
        else:
            raise AssertionError("unexpected ```%s block in the tutorial" % lang)
    return blocks


def squash(line):
    return " ".join(line.split())


def line_pattern(expected):
    parts = [re.escape(p) for p in squash(expected).split("…")]
    return re.compile("^" + ".*".join(parts) + "$")


def matches(expected, actual):
    """True when `actual` (lines) matches `expected` (lines, with … wildcards)."""
    if not expected:
        return not actual
    head = expected[0]
    if head.strip() == "…":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return (bool(actual) and line_pattern(head).match(squash(actual[0])) is not None
            and matches(expected[1:], actual[1:]))


class Tutorial(unittest.TestCase):
    def test_the_readme_tutorial_runs_and_prints_what_it_shows(self):
        with open(README, encoding="utf-8") as f:
            blocks = tutorial_blocks(f.read())
        self.assertGreaterEqual(len(blocks), 8)
        self.assertIn(README_URL, blocks[0][0])
        with Emulator() as emulator, tempfile.TemporaryDirectory() as work:
            script = ["set -euo pipefail", "exec 2>&1"]
            for i, (source, _) in enumerate(blocks):
                script.append("echo %s%d" % (MARKER, i))
                script.append(source.replace(README_URL, emulator.url))
            env = kmsctl_env(work, PATH=os.path.dirname(kmsctl_bin()) + os.pathsep +
                             os.environ.get("PATH", ""))
            p = subprocess.run(["bash", "-c", "\n".join(script)], cwd=work, env=env,
                               capture_output=True, text=True, timeout=120)
            outputs = re.split(MARKER + r"\d+\n", p.stdout)[1:]
            self.assertEqual(p.returncode, 0, "the tutorial failed in block %d:\n%s\n%s" % (
                len(outputs) - 1, blocks[len(outputs) - 1][0] if outputs else "", p.stdout))
            self.assertEqual(len(outputs), len(blocks), p.stdout)
            for i, ((source, expected), output) in enumerate(zip(blocks, outputs)):
                actual = output.rstrip("\n").split("\n") if output.strip() else []
                if expected is None:
                    self.assertEqual(actual, [], "block %d printed what the README does not "
                                     "show:\n%s\n--- printed:\n%s" % (i, source, output))
                else:
                    self.assertTrue(matches(expected, actual),
                                    "block %d:\n%s\n--- README shows:\n%s\n--- printed:\n%s" % (
                                        i, source, "\n".join(expected), output))

    def test_the_matcher_rejects_what_differs(self):
        self.assertTrue(matches(["a …", "…", "z"], ["a 1", "b", "c", "z"]))
        self.assertTrue(matches(["…"], []))
        self.assertFalse(matches(["a"], ["a", "extra"]))
        self.assertFalse(matches(["a …", "z"], ["a 1", "b", "z"]))
        self.assertFalse(matches(["exit 254"], ["exit 255"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
