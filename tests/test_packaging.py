"""A wheel built from the repository carries the three packages and the knowledge folder, and
answers `ask` from any folder: nothing depends on running inside the checkout."""

import json
import os
import subprocess
import sys
import zipfile

from tests.conftest import ROOT


def test_a_built_wheel_answers_from_any_folder(tmp_path, db_target):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("sellerbot-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {"bot/cli.py", "commands/ask.py", "adapters/console.py"} <= set(names)
    assert "knowledge/articles/order-defect-rate.md" in names and "knowledge/intents.yaml" in names
    assert any(n.startswith("knowledge/appeals/") and n.endswith(".j2") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import sys, bot; assert bot.__file__.startswith(sys.argv[1]), bot.__file__; "
        "from bot.cli import main; sys.argv = ['sellerbot', 'ask', '订单缺陷率上限是多少', '--json']; main()"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code, str(site)], cwd=elsewhere, capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(site), "SELLERBOT_DB": db_target, "PATH": "/usr/bin:/bin",
             "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]},
    )
    assert ran.returncode == 0, ran.stderr
    answer = json.loads(ran.stdout.splitlines()[0])
    assert answer["answered"] is True and answer["article"] == "order-defect-rate" and "1%" in answer["answer"]
