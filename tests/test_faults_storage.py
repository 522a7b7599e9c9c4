"""Storage faults told truthfully (issue 13, item 4), with real SQLite files and real faults:

- at start, a read-only, damaged or unreachable database stops the process with one line naming the
  file and the cause, exit code 2, no traceback;
- at run time, on a full disk (the process's file-size limit, RLIMIT_FSIZE, makes every write past
  the limit fail as a full disk does), writes answer "not saved — try again" while reads, and
  `help`, keep working; no message claims that what was typed was kept.
"""

import json
import os
import resource
import shutil
import signal
import subprocess
import sys

import pytest

from bot.config import Config
from bot.services import Services
from tests.conftest import ROOT, json_lines, run_cli

pytestmark = pytest.mark.sqlite_only(
    "faults of a SQLite file and its disk (read-only, damaged, unreachable, full; PRAGMA query_only);"
    " PostgreSQL's faults are in tests/test_faults_storage_pg.py")


def seeded(tmp_path, name="s.db"):
    """A real, migrated database holding one case and one reminder in channel C1."""
    db = tmp_path / name
    result = run_cli(["console", "--json", "--db", str(db), "--channel", "C1"],
                     stdin="/seller case open messaging-warning\n/seller remind in 3 days follow up\n")
    assert result.returncode == 0, result.stderr
    assert [r["kind"] for r in json_lines(result.stdout)] == ["case", "reminder"]
    return db


def read_only(path):
    """Make `path` read-only for this user, root included (chattr +i), or skip if we cannot."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        return lambda: path.chmod(0o644)
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("running as root without chattr: no way to make a file read-only")
    return lambda: subprocess.run(["chattr", "-i", str(path)], check=True)


def assert_one_line_exit_2(result, path, cause):
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and cause in lines[0], lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("process", [["console", "--json"], ["ask", "ODR?"], ["clock", "--for", "1"]])
def test_a_read_only_database_stops_the_process_with_one_line_and_exit_2(tmp_path, process):
    db = seeded(tmp_path)
    for leftover in (tmp_path / "s.db-wal", tmp_path / "s.db-shm"):
        assert not leftover.exists()  # the seeding process checkpointed and closed cleanly
    undo = read_only(db)
    try:
        result = run_cli([*process, "--db", str(db)], stdin="/seller help\n")
    finally:
        undo()
    assert_one_line_exit_2(result, db, "read-only")


@pytest.mark.parametrize("process", [["console", "--json"], ["clock", "--for", "1"]])
def test_a_damaged_database_stops_the_process_with_one_line_and_exit_2(tmp_path, process):
    db = tmp_path / "broken.db"
    db.write_bytes(b"this is not a database, it is a note someone saved here\n" * 200)
    result = run_cli([*process, "--db", str(db)], stdin="/seller help\n")
    assert_one_line_exit_2(result, db, "not a SQLite database")


def test_an_unreachable_database_path_stops_the_process_with_one_line_and_exit_2(tmp_path):
    (tmp_path / "afile").write_text("x")
    db = tmp_path / "afile" / "sub" / "s.db"  # a folder that cannot exist under a file
    result = run_cli(["console", "--json", "--db", str(db)], stdin="/seller help\n")
    assert_one_line_exit_2(result, db, "Not a directory")


def _ignore_sigxfsz():
    """In the child: a write past the file-size limit fails with EFBIG instead of killing it."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_on_a_full_disk_writes_say_not_saved_and_reads_and_help_keep_working(tmp_path):
    """The console is started normally; once it has answered, its file-size limit drops to one
    byte (prlimit on the running process), so from then on every write to the database fails at
    the disk, as on a full disk, while its files stay readable."""
    db = seeded(tmp_path)
    console = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "console", "--json", "--db", str(db), "--channel", "C1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        preexec_fn=_ignore_sigxfsz,
    )
    try:
        console.stdin.write("/seller help\n")
        console.stdin.flush()
        assert json.loads(console.stdout.readline())["kind"] == "help"
        resource.prlimit(console.pid, resource.RLIMIT_FSIZE, (1, 1))
        lines = "\n".join([
            "/seller help",
            "/seller case list",
            "/seller remind list",
            "/seller case show 1",
            "/seller remind tomorrow 9am send the appeal",
            "/seller case update 1 appeal sent",
            "/seller settings tz Asia/Shanghai",
            "/seller 提醒 明天上午10点 提交申诉",  # a Chinese command word: answered in Chinese
            "/seller help remind",
            "/seller ask What is the maximum order defect rate?",  # answered from the index all the same
            "/seller ask 今天北京天气怎么样",
        ]) + "\n"
        stdout, stderr = console.communicate(lines, timeout=60)
    finally:
        if console.poll() is None:
            console.kill()
    assert console.returncode == 0, stderr
    out = json_lines(stdout)
    kinds = [r["kind"] for r in out]
    assert kinds == ["help", "list", "list", "case", "error", "error", "error", "error", "help", "answer", "answer"], out
    answered, unanswered = out[9:11]
    assert answered["answered"] and answered["article"] == "order-defect-rate" and answered["answer_id"] is None
    assert not any(c["value"].startswith("cmd:feedback") for c in answered["choices"])  # nothing to vote on
    assert any("Not logged" in line for line in answered["context"])
    assert not unanswered["answered"] and unanswered["context"] == ["你的问题未能记录给知识库管理员（数据库写入失败）。"]
    assert len(out[1]["items"]) == 1 and len(out[2]["items"]) == 4  # the case's three, and "follow up"
    for failed in out[4:7]:
        assert failed["text"].startswith("Not saved — the disk could not be written"), failed["text"]
        assert failed["text"].endswith("Try again in a moment.")
    assert out[7]["text"].startswith("未保存——磁盘读写出错"), out[7]["text"]
    assert not any("lost" in r["text"] or "没有丢失" in r["text"] for r in out)
    assert "Traceback" not in stderr
    # nothing was half-written: the case is as it was, the refused reminders do not exist
    after = run_cli(["console", "--json", "--db", str(db), "--channel", "C1"],
                    stdin="/seller remind list\n/seller case show 1\n/seller settings\n")
    listed, shown, settings = json_lines(after.stdout)
    assert [i["text"] for i in listed["items"]] == [i["text"] for i in out[2]["items"]]
    assert not next(d for d in shown["deadlines"] if d["id"] == "appeal-due")["met"]
    assert settings["channel_tz"] is None


async def test_a_failed_write_in_a_dialogue_keeps_the_step_and_says_not_saved(tmp_path, clock):
    """In process: the database file becomes read-only under a running bot (its mount turned
    read-only); the dialogue answer is refused as not saved and the same question stays open."""
    db = tmp_path / "d.db"
    services = Services(Config(db=db, tz="UTC"), clock=clock)
    from bot.model import Request

    async def send(kind, text="", values=()):
        return await services.dispatcher.handle(Request(kind=kind, text=text, values=list(values)))

    started = await send("command", "appeal start odr")
    assert started.kind == "dialog"
    before = services.dialogs.store.active("console", "console-user", "console")
    services.store.db.conn.execute("PRAGMA query_only = ON")  # SQLite refuses every write from now on
    answered = await send("choice", values=["amazon-us"])
    assert answered.kind == "error" and answered.text.startswith("Not saved — "), answered.text
    assert "Reference" not in answered.text and "lost" not in answered.text
    services.store.db.conn.execute("PRAGMA query_only = OFF")
    after = services.dialogs.store.active("console", "console-user", "console")
    assert (after.current_step, after.answers) == (before.current_step, before.answers)
    again = await send("choice", values=["amazon-us"])  # writes work again: the same answer goes through
    assert again.kind == "dialog" and again.text != started.text
    services.store.close()
