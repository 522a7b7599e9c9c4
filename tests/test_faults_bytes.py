"""Broken bytes on the console (issue 13, item 6): invalid UTF-8 on stdin or in argv neither stops
the console nor makes `--json` output invalid; the rest of the input is still answered."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

BROKEN = b"/seller ask \xff\xfe ODR \xc3 standard?\n/seller help\n/seller remind in 2 hours \xe4\xb8 check\n"


def run_bytes(args: list[str], stdin: bytes, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True,
                          timeout=60, cwd=ROOT, env={**os.environ, **env})


@pytest.mark.parametrize("locale_env", [
    {"PYTHONIOENCODING": "utf-8"},  # a strict decoder: used to stop the console with a traceback
    {"LC_ALL": "C", "PYTHONIOENCODING": ""},  # UTF-8 mode's surrogateescape: used to crash the ask
], ids=["strict", "c-locale"])
def test_invalid_utf8_on_stdin_is_replaced_and_every_line_answered_in_valid_json(locale_env, new_db):
    result = run_bytes(["console", "--json", "--db", new_db("b.db")], BROKEN, locale_env)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    text = result.stdout.decode("utf-8")  # strict: the output is valid UTF-8
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert [line["kind"] for line in lines] == ["answer", "help", "reminder"], lines
    assert lines[2]["text"] == "\ufffd check"
    assert "Traceback" not in result.stderr.decode("utf-8", "replace")


def test_invalid_utf8_in_the_ask_argument_is_answered_in_valid_json(new_db):
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", b"ODR \xff standard?", "--json", "--db", new_db("a.db")],
        capture_output=True, timeout=60, cwd=ROOT, env={**os.environ, "LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    [answer] = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines() if line.strip()]
    assert answer["kind"] == "answer"
