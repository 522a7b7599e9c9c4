"""A process imports only what its commands use, and jieba's dictionary loads from its cache fast.

`make bench` holds the first answer of a cold `sellerbot ask` to 2.5× the time of importing
slack_bolt and discord; these tests keep the reasons it can: the heavy libraries of other commands
and platforms stay out of a process that only asks, and jieba's cache is read in one piece.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.synthetic_kb import ROOT

NOT_FOR_ASK = ("dateparser", "cn2an", "apscheduler", "discord", "slack_bolt", "slack_sdk", "aiohttp", "jinja2",
               "rich", "babel")
"""Libraries of reminders, appeals, the platforms and the terminal UI: none is needed to answer."""

_PROBE = """
import json, sys
from bot.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(m for m in sys.modules if "." not in m or m.startswith("bot."))}),
      file=sys.stderr)
"""


def _run(args: list[str], db: str, stdin: str = "") -> tuple[list[dict], set[str]]:
    """The JSON lines a process printed, and the top-level modules it had imported at its end."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *args, "--db", db], cwd=ROOT,
                          input=stdin, capture_output=True, text=True, timeout=120)
    probe = json.loads(done.stderr.strip().splitlines()[-1])
    assert probe["code"] == 0, done.stderr[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines()], set(probe["modules"])


OURS_NOT_FOR_ASK = ("bot.appeals.service", "bot.appeals.letters", "bot.appeals.lint", "bot.dialogs.engine",
                    "bot.dialogs.flow")
"""Our own modules of appeals and dialogues: loaded with the first appeal or dialogue message, not by
the registrations and migrations every process runs."""


@pytest.mark.parametrize("question", ["What is the maximum order defect rate?", "订单缺陷率的标准是多少?"])
def test_ask_imports_nothing_of_other_commands_or_platforms(question, db_target):
    _run(["ask", question, "--json"], db_target)  # the first run builds and saves the index
    (answer,), modules = _run(["ask", question, "--json"], db_target)
    assert answer["kind"] == "answer" and answer["answered"], answer
    assert modules.isdisjoint(NOT_FOR_ASK), sorted(modules & set(NOT_FOR_ASK))
    assert modules.isdisjoint(OURS_NOT_FOR_ASK), sorted(modules & set(OURS_NOT_FOR_ASK))
    assert {"bm25s", "sqlite_utils", "bot.knowledge.index"} <= modules  # what it does need is there: the probe sees imports
    # jieba cuts Chinese text: the saved index answers an English question without it
    assert ("jieba" in modules) == (question != "What is the maximum order defect rate?")


def test_remind_still_loads_its_time_parser_when_used(db_target):
    """The imports moved into functions still happen where they are needed."""
    _, modules = _run(["console", "--json"], db_target, "/seller help\n")
    assert modules.isdisjoint({"dateparser", "cn2an", "babel"}), modules
    # a Chinese numeral (cn2an) and an English phrase that only dateparser reads
    (chinese, english, metrics), modules = _run(
        ["console", "--json"], db_target,
        "/seller remind 十二月三十一日上午十点 提交申诉\n/seller remind 3 Jan 2099 at 10am renew\n/seller metrics odr 2 126\n")
    assert chinese["kind"] == "reminder" and english["kind"] == "reminder", (chinese, english)
    assert "0.995" in json.dumps(metrics), metrics
    assert {"dateparser", "cn2an", "babel"} <= modules


def test_jieba_cache_read_in_one_piece_gives_jiebas_own_dictionary(tmp_path):
    import jieba

    from bot.knowledge.text import _load_jieba_cache

    reference = jieba.Tokenizer()
    reference.tmp_dir = str(tmp_path)
    reference.initialize()  # builds the dictionary from jieba's file and writes its cache in tmp_path
    assert (tmp_path / "jieba.cache").exists()

    fast = jieba.Tokenizer()
    fast.tmp_dir = str(tmp_path)
    assert _load_jieba_cache(fast)
    assert fast.initialized and fast.total == reference.total and fast.FREQ == reference.FREQ
    text = "站内信违规收到警告邮件后多久内要申诉订单缺陷率"
    assert fast.lcut(text) == reference.lcut(text)


def test_jieba_without_a_cache_is_left_to_jieba(tmp_path):
    import jieba

    from bot.knowledge.text import _load_jieba_cache

    empty = jieba.Tokenizer()
    empty.tmp_dir = str(tmp_path)
    assert not _load_jieba_cache(empty) and not empty.initialized
    (tmp_path / "jieba.cache").write_bytes(b"\x00torn")
    assert not _load_jieba_cache(empty) and not empty.initialized
    custom = jieba.Tokenizer(dictionary=str(tmp_path / "my.dict"))
    assert not _load_jieba_cache(custom)
