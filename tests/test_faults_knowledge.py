"""`kb reload` over a knowledge folder that went wrong on disk: whatever is corrupt or missing, the
reload is refused with the name of the file, and the previous index keeps answering.

(tests/test_knowledge_kb.py covers invalid front matter and a missing field; these are the other ways
a file goes bad: vanished, unreadable, not UTF-8, empty, a broken synonyms file, a missing folder,
an article others still point to deleted.)
"""

from __future__ import annotations

import os
import shutil

import pytest

from bot.model import Request
from tests.knowledge_fixtures import services_for, write_kb

CURATOR = {"platform": "slack", "user": "U-lead", "is_admin": True}  # a workspace admin
QUESTION = "What is the late shipment rate target?"


def vanished(kb, tmp_path):  # listed, then gone before it is read (a broken link, an editor's rename)
    os.symlink(tmp_path / "nowhere.md", kb / "articles" / "buyer-messages.md")
    return "buyer-messages.md: cannot be read"


def a_folder(kb, tmp_path):
    (kb / "articles" / "drafts.md").mkdir()
    return "drafts.md: cannot be read"


def not_utf8(kb, tmp_path):
    (kb / "articles" / "cdiscount-notice.md").write_bytes("---\nid: cdiscount-notice\n---\nmise en demeure, d\xe9lai".encode("latin-1"))
    return "cdiscount-notice.md: not UTF-8 text"


def truncated(kb, tmp_path):
    (kb / "articles" / "late-shipment-rate.md").write_text("")
    return "late-shipment-rate.md: no front matter"


def broken_synonyms(kb, tmp_path):
    (kb / "synonyms.yaml").write_text("groups:\n  - [ODR, order defect rate\n")
    return "synonyms.yaml: not valid YAML"


def no_articles_folder(kb, tmp_path):
    shutil.move(kb / "articles", tmp_path / "elsewhere")
    return "articles: the articles folder does not exist"


def still_referenced(kb, tmp_path):
    (kb / "articles" / "late-shipment-rate.md").unlink()  # order-defect-rate.md still lists it as related
    return "order-defect-rate.md: `related` names 'late-shipment-rate', which is not an article"


@pytest.mark.parametrize("damage", [vanished, a_folder, not_utf8, truncated, broken_synonyms, no_articles_folder,
                                    still_referenced])
async def test_a_damaged_knowledge_folder_is_refused_by_name_and_the_old_index_keeps_answering(tmp_path, clock, damage, new_db):
    kb = write_kb(tmp_path / "kb")
    services = services_for(kb, new_db("bot.db"), clock)
    ask = services.dispatcher.handle
    before = await ask(Request(text=f"ask {QUESTION}"))
    assert before.data["answered"] is True
    articles = len(services.kb.index)

    expected = damage(kb, tmp_path)
    refused = await ask(Request(text="kb reload", **CURATOR))
    assert refused.kind == "error" and refused.data["reloaded"] is False, refused.text
    assert "Reference:" not in refused.text  # a refusal, not a crash
    assert any(expected in problem for problem in refused.data["errors"]), refused.data["errors"]
    assert f"previous knowledge base ({articles} articles)" in refused.text

    after = await ask(Request(text=f"ask {QUESTION}"))
    assert after.data["answered"] is True and after.data["answer"] == before.data["answer"]
    assert len(services.kb.index) == articles
    services.store.close()
