"""The wiring rules of issue 16: registries on an application object, dependencies one way.

`lint-imports` checks the contracts in pyproject.toml (deferred imports count; type hints do not).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bot.app import App, build_app

ROOT = Path(__file__).resolve().parent.parent
LINT = str(Path(sys.executable).with_name("lint-imports"))


def lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run([LINT, "--no-cache"], cwd=where, capture_output=True, text=True, timeout=120)


def test_the_import_contracts_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout


def test_a_feature_importing_the_dispatcher_breaks_the_contract(tmp_path):
    """The check itself can fail: a domain module that reaches up to the dispatcher (even in a
    function, as the old deferred imports did) or storage that names an adapter is reported."""
    for name in ("bot", "commands", "adapters"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    times = tmp_path / "bot" / "reminders" / "times.py"
    times.write_text(times.read_text() + "\n\ndef _late():\n    from bot.dispatcher import Dispatcher  # noqa\n")
    store = tmp_path / "bot" / "store.py"
    store.write_text(store.read_text() + "\n\ndef _adapter():\n    import adapters.slack.store  # noqa\n")
    result = lint(tmp_path)
    assert result.returncode != 0
    assert "bot.reminders.times -> bot.dispatcher" in result.stdout
    assert "bot.store -> adapters.slack.store" in result.stdout


def test_importing_the_commands_registers_nothing():
    """Registries live on an app that `setup(app)` fills: importing every module leaves a new app
    empty, and two apps share nothing."""
    import commands  # noqa: F401

    assert App().commands == {} and App().listeners == [] and App().suggesters == {}
    first, second = build_app(), build_app()
    assert first.commands.keys() == second.commands.keys() and first.commands["remind"] is second.commands["remind"]
    first.remove(first.commands["remind"])
    assert "remind" not in first.commands and "提醒" not in first.commands and "remind" in second.commands


def test_every_command_has_chinese_words_and_both_languages_everywhere():
    app = build_app()
    for cmd in app.unique_commands():
        assert any(not word.isascii() for word in cmd.words), cmd.name
        assert cmd.summary.en and cmd.summary.zh and cmd.summary.en != cmd.summary.zh, cmd.name
        for action in cmd.actions.values():
            assert action.words and action.label.en != action.label.zh, (cmd.name, action.name)
            for param in action.params:
                assert param.description.en != param.description.zh, (cmd.name, action.name, param.name)
