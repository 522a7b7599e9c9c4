"""A whole appeal driven through `python -m bot.cli console --json` by a program that reads only the
prompts and their choices, with the process killed (SIGKILL) halfway and the dialogue resumed in a new one."""

from __future__ import annotations

import json
import select
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from babel.dates import format_date

from tests.conftest import ROOT

NOTICE_DAY = date.today() - timedelta(days=3)
TYPED = {
    "notice_date": NOTICE_DAY.isoformat(),
    "notice_text": "Your Order Defect Rate is 1.59% (2 A-to-z Guarantee claims out of 126 orders); we have removed your selling privileges.",
    "metric_counts": "2 126",
    "order_ids": "113-4567890-1234567, 114-2345678-7654321",
    "order_notes": "113-4567890-1234567: still in transit on day 18 when the buyer filed a claim; refunded in full",
    "actions_date": (NOTICE_DAY + timedelta(days=1)).isoformat(),
    "store_name": "Harbour Lights Home {{7*7}}",
    "login_email": "ops@harbourlights-home.example",
}
OWN_WORDS = {
    "root_causes": "Our US carrier YunExpress stopped scanning parcels at the Los Angeles hub between 3 and 14 November",
    "actions": "We refunded order 113-4567890-1234567 in full on 21 November and reshipped order 114-2345678-7654321 by UPS",
    "prevention": "Our operations manager Li Wei reviews the carrier scan report every morning at 9:00 and escalates parcels unscanned for 72 hours",
}


class Console:
    """One `sellerbot console --json` process, answered line by line."""

    def __init__(self, db: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "console", "--json", "--db", str(db), "--user", "u-li", "--channel", "c-health"],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
        )

    def send(self, line: str) -> dict:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        assert ready, f"no answer to {line!r}: {self.proc.stderr.read() if self.proc.poll() is not None else ''}"
        return json.loads(self.proc.stdout.readline())

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no chance to flush anything that was not already committed."""
        self.proc.kill()
        self.proc.wait(timeout=30)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            stream.close()

    def close(self) -> int:
        self.proc.stdin.close()
        code = self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code


def reply_to(prompt: dict, state: dict) -> str:
    """What a program that reads only the prompt and its choices answers."""
    kind, step = prompt["answer_type"], prompt["step"]
    values = [c["value"] for c in prompt.get("choices", [])]
    if kind == "multi":
        done = state.setdefault(step, [])
        if not done:
            done.append("picked")
            return f"!choice {values[0]}"
        if len(done) == 1 and step in OWN_WORDS:
            done.append("typed")
            return OWN_WORDS[step]
        return "!choice done"
    if kind in ("choice", "review"):
        return f"!choice {values[0]}"
    return TYPED[step]


def test_a_program_drives_a_whole_appeal_across_a_restart(new_db):
    db = new_db("appeal.db")
    state: dict = {}
    seen_steps: list[str] = []

    first = Console(db)
    prompt = first.send("/seller appeal")
    while prompt["step"] != "actions":  # stop halfway, after the root causes
        assert prompt["kind"] == "dialog" and "error" not in prompt, prompt
        seen_steps.append(prompt["step"])
        prompt = first.send(reply_to(prompt, state))
    first.kill()  # the process dies mid-dialogue, right after printing a prompt

    second = Console(db)
    prompt = second.send("/seller appeal resume")
    assert prompt["kind"] == "dialog" and prompt["step"] == "actions" and prompt["dialog_id"] == "AP-1"
    while prompt["kind"] == "dialog":
        assert "error" not in prompt, prompt
        assert {"dialog_id", "step", "step_index", "steps_total"} <= set(prompt)
        seen_steps.append(prompt["step"])
        prompt = second.send(reply_to(prompt, state))
    draft = prompt
    assert second.close() == 0

    assert draft["kind"] == "draft" and draft["draft_id"] == "AP-1"
    assert draft["ephemeral"] is True  # a draft is personal (it holds the login e-mail): its owner sees it
    assert seen_steps[:3] == ["marketplace", "violation", "notice_date"] and seen_steps[-1] == "review"
    letter = draft["text"]
    for fact in [TYPED["notice_text"], TYPED["store_name"], TYPED["login_email"], *OWN_WORDS.values(),
                 "113-4567890-1234567", "114-2345678-7654321"]:
        assert fact in letter, fact
    assert format_date(NOTICE_DAY, format="d MMMM y", locale="en_GB") in letter
    assert draft["files"][0]["content"] == letter and draft["files"][0]["filename"].endswith(".txt")
    assert draft["send_to"]["email"] and draft["send_to"]["note"].startswith("Verify before use")
    assert isinstance(draft["lint"], list)
    assert [f["rule"] for f in draft["lint"]] == ["placeholder"], "only the {{ }} typed in the store name is flagged"

    third = Console(db)
    listed = third.send("/seller appeal list")
    shown = third.send("/seller appeal show AP-1")
    assert third.close() == 0
    assert listed["kind"] == "list" and listed["items"][0]["status"] == "draft"
    assert shown["kind"] == "draft" and shown["text"] == letter and shown["ephemeral"] is True


def test_the_console_keeps_the_interface_language_for_a_bare_command(new_db):
    db_zh = new_db("zh.db")
    db_en = new_db("en.db")
    from tests.conftest import json_lines, run_cli

    zh = run_cli(["console", "--json", "--lang", "zh", "--db", db_zh], stdin="/seller appeal\n")
    en = run_cli(["console", "--json", "--db", db_en], stdin="/seller appeal\n")
    assert "哪个站点" in json_lines(zh.stdout)[0]["text"]
    assert "Which marketplace" in json_lines(en.stdout)[0]["text"]
