"""What `ask` remembers: every answer given (so a vote names one), questions it could not answer,
and helpful / not-helpful votes (one per user and answer, changeable). Curators read them back in
`/seller kb gaps` and `/seller kb stats`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("sellerbot.knowledge")


@migrations()
def m001_questions_answers_votes(db: sqlite_utils.Database) -> None:
    db["kb_answers"].create(
        {
            "id": int,
            "question": str,
            "lang": str,
            "article": str,
            "section": int,
            "section_title": str,
            "score": float,
            "user": str,
            "channel": str,
            "platform": str,
            "at": str,
        },
        pk="id",
        if_not_exists=True,
    )
    db["kb_unanswered"].create(
        {"id": int, "question": str, "lang": str, "user": str, "channel": str, "platform": str, "at": str},
        pk="id",
        if_not_exists=True,
    )
    db["kb_votes"].create(
        {
            "answer_id": int,
            "user": str,
            "helpful": int,
            "article": str,
            "section": int,
            "at": str,
        },
        pk=("answer_id", "user"),
        foreign_keys=[("answer_id", "kb_answers", "id")],
        if_not_exists=True,
    )
    db["kb_unanswered"].create_index(["at"], if_not_exists=True)
    db["kb_votes"].create_index(["article", "section"], if_not_exists=True)


@migrations()
def m002_section_ids_taught_suggestions(db: sqlite_utils.Database) -> None:
    """Answers name their section by id; questions curators taught (`kb teach`) and the answers a
    👎 voter suggested ("which one was right?") are kept for curators to confirm."""
    if "section_id" not in db["kb_answers"].columns_dict:
        db["kb_answers"].add_column("section_id", str)
    db["kb_taught"].create(
        {"id": int, "question": str, "key": str, "lang": str, "article": str, "section": str,
         "user": str, "at": str, "exported": int},
        pk="id",
        if_not_exists=True,
    )
    db["kb_suggestions"].create(
        {"id": int, "answer_id": int, "question": str, "lang": str, "article": str, "section": str,
         "user": str, "at": str, "taught": int},
        pk="id",
        if_not_exists=True,
    )
    db["kb_taught"].create_index(["key"], if_not_exists=True)


@migrations()
def m003_workspace(db: sqlite_utils.Database) -> None:
    """The workspace (Slack team, Discord guild) an answer was given in, so a vote reaches only the
    answers of its own channel (bot/scope.py); answers from before stay NULL."""
    db["kb_answers"].add_column("workspace", str)


_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = re.compile(r"^[\s\W_]+|[\s\W_]+$")


def question_key(text: str) -> str:
    """Group the same question typed slightly differently (case, spaces, final ? or ？)."""
    return _EDGE_PUNCT.sub("", _SPACES.sub(" ", text.casefold()))


@dataclass(frozen=True)
class Who:
    user: str
    channel: str
    platform: str
    workspace: str | None = None


class KnowledgeStore:
    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    def log_answer(self, question: str, lang: str, article: str, section: int, section_title: str,
                   score: float, who: Who, at: str, section_id: str = "") -> int:
        table = self.db["kb_answers"]
        table.insert(
            {
                "question": question,
                "lang": lang,
                "article": article,
                "section": section,
                "section_id": section_id,
                "section_title": section_title,
                "score": round(score, 3),
                "user": who.user,
                "channel": who.channel,
                "platform": who.platform,
                "at": at,
                "workspace": who.workspace,
            }
        )
        return int(table.last_pk)

    def log_unanswered(self, question: str, lang: str, who: Who, at: str) -> None:
        self.db["kb_unanswered"].insert(
            {"question": question, "lang": lang, "user": who.user, "channel": who.channel,
             "platform": who.platform, "at": at}
        )

    def answer(self, answer_id: int) -> dict | None:
        rows = list(self.db["kb_answers"].rows_where("id = ?", [answer_id]))
        return rows[0] if rows else None

    def vote(self, answer_id: int, user: str, helpful: bool, at: str) -> bool | None:
        """Record or change the user's vote; returns the previous vote (None if first)."""
        answer = self.answer(answer_id)
        if answer is None:
            raise KeyError(answer_id)
        previous = list(
            self.db.query("select helpful from kb_votes where answer_id = ? and user = ?", [answer_id, user])
        )
        self.db["kb_votes"].upsert(
            {"answer_id": answer_id, "user": user, "helpful": int(helpful), "article": answer["article"],
             "section": answer["section"], "at": at},
            pk=("answer_id", "user"),
        )
        return bool(previous[0]["helpful"]) if previous else None

    def unanswered_groups(self, limit: int = 20) -> list[tuple[str, int, str, int]]:
        """(question as first asked, times asked, last asked, id of its first asking), most frequent
        first; questions a curator has taught since are left out (`taught_groups` lists them)."""
        taught = self.taught_keys()
        groups: dict[str, list] = {}
        for row in self.db.query("select id, question, at from kb_unanswered order by at, id"):
            key = question_key(row["question"])
            if not key or key in taught:
                continue
            entry = groups.setdefault(key, [row["question"], 0, row["at"], row["id"]])
            entry[1] += 1
            entry[2] = row["at"]
        ranked = sorted(groups.values(), key=lambda e: e[2], reverse=True)  # recent first among equals
        ranked.sort(key=lambda e: -e[1])
        return [tuple(e) for e in ranked[:limit]]

    def unanswered(self, question_id: int) -> dict | None:
        rows = list(self.db["kb_unanswered"].rows_where("id = ?", [question_id]))
        return rows[0] if rows else None

    def teach(self, question: str, lang: str, article: str, section: str, user: str, at: str) -> int:
        """Link a question to the section that answers it; teaching it again moves the link."""
        key = question_key(question)
        self.db.execute("delete from kb_taught where key = ? and exported = 0", [key])
        table = self.db["kb_taught"]
        table.insert({"question": question, "key": key, "lang": lang, "article": article, "section": section,
                      "user": user, "at": at, "exported": 0})
        self.db.execute("update kb_suggestions set taught = 1 where question = ?", [question])
        return int(table.last_pk)

    def taught(self) -> list[dict]:
        """Every taught question, oldest first."""
        return list(self.db.query("select * from kb_taught order by id"))

    def taught_keys(self) -> set[str]:
        return {row["key"] for row in self.db.query("select key from kb_taught")}

    def mark_exported(self, taught_ids: list[int]) -> None:
        with self.db.conn:
            for taught_id in taught_ids:
                self.db.execute("update kb_taught set exported = 1 where id = ?", [taught_id])

    def suggest(self, answer_id: int, article: str, section: str, user: str, at: str) -> int:
        """A 👎 voter's pick among the alternatives: a suggestion for curators to confirm."""
        answer = self.answer(answer_id)
        if answer is None:
            raise KeyError(answer_id)
        table = self.db["kb_suggestions"]
        table.insert({"answer_id": answer_id, "question": answer["question"], "lang": answer["lang"],
                      "article": article, "section": section, "user": user, "at": at, "taught": 0})
        return int(table.last_pk)

    def suggestion(self, suggestion_id: int) -> dict | None:
        rows = list(self.db["kb_suggestions"].rows_where("id = ?", [suggestion_id]))
        return rows[0] if rows else None

    def open_suggestions(self, limit: int = 20) -> list[dict]:
        return list(self.db.query("select * from kb_suggestions where taught = 0 order by id desc limit ?", [limit]))

    def not_helpful_groups(self, limit: int = 20) -> list[dict]:
        """Sections voted not helpful: article, section, votes, the questions that led there."""
        rows = list(
            self.db.query(
                """
                select v.article, v.section, a.section_title, a.question, a.id as answer_id
                from kb_votes v join kb_answers a on a.id = v.answer_id
                where v.helpful = 0
                order by v.at
                """
            )
        )
        groups: dict[tuple[str, int], dict] = {}
        for row in rows:
            entry = groups.setdefault(
                (row["article"], row["section"]),
                {"article": row["article"], "section": row["section"], "section_title": row["section_title"],
                 "votes": 0, "questions": Counter()},
            )
            entry["votes"] += 1
            entry["answer_id"] = row["answer_id"]
            entry["questions"][row["question"]] += 1
        ranked = sorted(groups.values(), key=lambda e: (-e["votes"], e["article"], e["section"]))
        return ranked[:limit]

    def stats(self) -> dict[str, int]:
        def count(sql: str) -> int:
            return int(next(iter(self.db.execute(sql).fetchone()), 0) or 0)

        answered = count("select count(*) from kb_answers")
        unanswered = count("select count(*) from kb_unanswered")
        return {
            "asks": answered + unanswered,
            "answered": answered,
            "unanswered": unanswered,
            "helpful": count("select count(*) from kb_votes where helpful = 1"),
            "not_helpful": count("select count(*) from kb_votes where helpful = 0"),
        }

