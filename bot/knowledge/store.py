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


class KnowledgeStore:
    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    def log_answer(self, question: str, lang: str, article: str, section: int, section_title: str,
                   score: float, who: Who, at: str) -> int:
        table = self.db["kb_answers"]
        table.insert(
            {
                "question": question,
                "lang": lang,
                "article": article,
                "section": section,
                "section_title": section_title,
                "score": round(score, 3),
                "user": who.user,
                "channel": who.channel,
                "platform": who.platform,
                "at": at,
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

    def unanswered_groups(self, limit: int = 20) -> list[tuple[str, int, str]]:
        """(question as first asked, times asked, last asked), most frequent first."""
        groups: dict[str, list] = {}
        for row in self.db.query("select question, at from kb_unanswered order by at, id"):
            key = question_key(row["question"])
            if not key:
                continue
            entry = groups.setdefault(key, [row["question"], 0, row["at"]])
            entry[1] += 1
            entry[2] = row["at"]
        ranked = sorted(groups.values(), key=lambda e: e[2], reverse=True)  # recent first among equals
        ranked.sort(key=lambda e: -e[1])
        return [tuple(e) for e in ranked[:limit]]

    def not_helpful_groups(self, limit: int = 20) -> list[dict]:
        """Sections voted not helpful: article, section, votes, the questions that led there."""
        rows = list(
            self.db.query(
                """
                select v.article, v.section, a.section_title, a.question
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

