"""Where the knowledge index is saved between starts (`bot.knowledge.cache_folder`): beside a SQLite
database; with a PostgreSQL URL, in SELLERBOT_CACHE_DIR or the user's cache folder, never the
working folder; in a shared folder, one folder per knowledge folder (a saved index names its
articles' files, which `kb export` writes into)."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.config import Config
from bot.knowledge import cache_folder
from tests.conftest import ROOT, json_lines, run_cli
from tests.knowledge_fixtures import write_kb

URL = "postgresql://bot@db.example:5432/sellerbot"


def test_beside_a_sqlite_database_and_nowhere_for_one_in_memory(tmp_path):
    assert cache_folder(Config(db=str(tmp_path / "s.db"))) == tmp_path / ".sellerbot-cache"
    assert cache_folder(Config(db=":memory:")) is None


def test_a_url_uses_the_xdg_cache_folder_or_home_cache_one_per_knowledge_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    first = cache_folder(Config(db=URL, knowledge_dir=tmp_path / "a"))
    second = cache_folder(Config(db=URL, knowledge_dir=tmp_path / "b"))
    assert first.parent == second.parent == tmp_path / "xdg" / "sellerbot"
    assert first != second and first.name.startswith("kb-")
    assert cache_folder(Config(db=URL, knowledge_dir=tmp_path / "a")) == first  # stable across starts
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # not absolute: ignored, as the spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder(Config(db=URL)).parent == tmp_path / "home" / ".cache" / "sellerbot"


def test_sellerbot_cache_dir_wins_for_both_engines(tmp_path, monkeypatch):
    monkeypatch.setenv("SELLERBOT_CACHE_DIR", str(tmp_path / "cache"))
    assert cache_folder(Config(db=URL)).parent == tmp_path / "cache"
    assert cache_folder(Config(db=str(tmp_path / "s.db"))).parent == tmp_path / "cache"


def test_a_process_saves_its_index_in_the_cache_dir_and_exports_into_its_own_folder(tmp_path, db_target):
    """Two knowledge folders with the same content, one cache folder: each process loads the index
    of its own folder, so nothing one teaches is written into the other's articles."""
    cache = tmp_path / "cache"
    folders = [write_kb(tmp_path / name) for name in ("kb-a", "kb-b")]
    for folder in folders:
        result = run_cli(["ask", "What is the late shipment rate target?", "--json", "--db", db_target],
                         env={"SELLERBOT_KNOWLEDGE_DIR": str(folder), "SELLERBOT_CACHE_DIR": str(cache)})
        assert result.returncode == 0, result.stderr
        assert json_lines(result.stdout)[0]["answered"] is True
    saved = sorted(p.relative_to(cache).parts[0] for p in cache.rglob("knowledge-index-*.pickle"))
    assert len(saved) == 2 and len(set(saved)) == 2, saved  # one index per knowledge folder, both kept


def test_nothing_is_written_in_the_working_folder(tmp_path, db_target, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    done = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "What is the late shipment rate target?",
                           "--json", "--db", db_target], cwd=work, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert list(work.iterdir()) == []
    expected = cache_folder(Config(db=db_target))
    assert list(expected.glob("knowledge-index-*.pickle")), expected
