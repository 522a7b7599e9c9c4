"""A broad scripted session of `sellerbot console --json`: every command and action, its misuses,
the happy paths (an answer, a whole appeal to its draft, a case, reminders, settings, feedback, kb),
in Chinese and in English. The contract test validates every line it prints against the schema.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.app import build_app
from tests.conftest import ROOT
from tests.test_appeal_console import Console, reply_to
from tests.test_chinese_interface import TYPED as MISUSES


def every_help_and_misuse() -> list[str]:
    lines = ["/seller", "/seller help", "/seller 帮助", "/seller frobnicate"]
    for cmd in build_app().unique_commands():
        lines += [f"/seller help {cmd.name}", f"/seller help {cmd.words[0]}", f"/seller {cmd.name}", f"/seller {cmd.name} ??"]
        for action in cmd.actions.values():
            lines += [f"/seller {cmd.name} {action.name}", f"/seller {cmd.name} {action.name} ?? ?? ?? ?? ??"]
    return lines


HAPPY = [
    "/seller ask What is the maximum order defect rate Amazon allows?",
    "/seller ask 站内信违规，收到警告邮件后多久内要申诉？",
    "/seller ask 今天北京天气怎么样?",
    "/seller ask ODR",
    "/seller feedback 1 helpful", "/seller feedback 1 not-helpful", "/seller feedback 3 not-helpful",
    "/seller kb search order defect rate", "/seller kb search 跟卖", "/seller kb show order-defect-rate",
    "/seller kb show order-defect-rate#limit zh", "/seller kb stale", "/seller kb gaps", "/seller kb stats",
    "/seller kb teach q1 order-defect-rate#limit", "/seller kb teach s1", "/seller kb suggest 1 order-defect-rate#window", "/seller kb reload",
    "/seller metrics odr 2 126", "/seller metrics lsr 9 180 amazon-uk", "/seller metrics vtr 12 200", "/seller metrics cancel 1 400",
    "/seller settings", "/seller settings tz Asia/Shanghai", "/seller settings lang zh", "/seller settings lang en",
    "/seller case types", "/seller case open messaging-warning received 2026-11-20 09:00 owner @ana",
    "/seller case list", "/seller case show 1", "/seller case update 1 appeal sent", "/seller case close 1",
    "/seller remind tomorrow 9am send the ODR appeal", "/seller remind 3天后 跟进申诉", "/seller remind every monday 9am check ODR",
    "/seller remind @ana @bo in 2 hours call the carrier", "/seller remind list",
    "/seller remind snooze 1 1h", "/seller remind done 2", "/seller remind cancel 3", "/seller remind cancel 3",
    "/seller remind tomorrow 9am send the ODR appeal",
    "/seller appeal list", "/seller appeal cancel",
]

AFTER_DRAFT = ["/seller appeal list", "/seller appeal show AP-1", "/seller appeal resume AP-1", "/seller appeal cancel AP-1",
               "/seller appeal cancel AP-1", "/seller appeal start messaging", "/seller appeal cancel"]


class LangConsole(Console):
    """The appeal test's line-by-line console, started in a given interface language."""

    def __init__(self, db: Path, lang: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "console", "--json", "--lang", lang, "--db", str(db),
             "--user", "u-li", "--channel", "c-health"],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
        )


def run_session(db: Path, lang: str) -> list[dict]:
    """Every response the console prints for the whole session (misuses, happy paths, a full appeal)."""
    console = LangConsole(db, lang)
    out = []
    try:
        for line in every_help_and_misuse() + MISUSES + HAPPY:
            out.append(console.send(line))
        state: dict = {}
        prompt = console.send("/seller appeal start odr")
        out.append(prompt)
        while prompt["kind"] == "dialog":
            prompt = console.send(reply_to(prompt, state))
            out.append(prompt)
        for line in AFTER_DRAFT:
            out.append(console.send(line))
    finally:
        assert console.close() == 0
    return out
