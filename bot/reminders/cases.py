"""Account-health cases whose deadlines and reminders are derived from rules kept as data
(`knowledge/deadlines.yaml`).

A case is a type plus what happened when (its events). Deadlines are computed from the events; the
case's pending reminder rows are then reconciled with what the rules want: a moved anchor
reschedules them, a met deadline or a closed case cancels them, already-sent ones stay sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from pydantic import BaseModel, Field, field_validator, model_validator

from bot.i18n import pick
from bot.marketplaces import find as resolve_marketplace
from bot.reminders import hours, times
from bot.reminders.store import Case, to_iso
from bot.scope import WORKSPACE_SQL

if TYPE_CHECKING:
    from bot.services import Services


class Text(BaseModel):
    en: str
    zh: str

    def get(self, lang: str) -> str:
        return pick(lang, en=self.en, zh=self.zh)


def _duration(value: object) -> object:
    if isinstance(value, str):
        try:
            return times.parse_duration(value) if value.strip() not in ("0", "0 hours") else timedelta(0)
        except Exception as exc:  # UsageError: not a length of time
            raise ValueError(str(exc)) from exc
    return value


class DeadlineRule(BaseModel):
    id: str
    label: Text
    anchor: str = Field(alias="from")
    after: timedelta
    remind_before: list[timedelta] = Field(default_factory=list)
    until: list[str] = Field(default_factory=list)
    opens: bool = False
    """The deadline is a moment from which something can or should be done (follow up, ask for the
    funds), not one by which it must be: its reminder at the moment itself (`0 hours`) goes to the
    next working moment when it falls outside working hours, never before the moment."""
    note: Text | None = None
    source: str | None = None
    """The knowledge-base article the rule comes from, so a case can say why a deadline exists."""

    _durations = field_validator("after", mode="before")(_duration)

    @field_validator("remind_before", mode="before")
    @classmethod
    def _durations_list(cls, value: object) -> object:
        return [_duration(item) for item in value] if isinstance(value, list) else value


class CaseType(BaseModel):
    id: str = ""
    title: Text
    aliases: list[str] = Field(default_factory=list)
    opens_with: str = "received"
    events: list[str]
    deadlines: list[DeadlineRule]
    appeal: dict[str, str] = Field(default_factory=dict)
    """What an appeal drafted from such a case already knows (violation, marketplace, notice_effect)."""
    resolved_by: list[str] = Field(default_factory=list)
    """Events after which the case's work is over (reinstated): it offers only to be closed."""


class Rules(BaseModel):
    events: dict[str, dict[str, list[str]]]
    types: dict[str, CaseType]

    @model_validator(mode="after")
    def _consistent(self) -> "Rules":
        for type_id, case_type in self.types.items():
            case_type.id = type_id
            named = {case_type.opens_with, *case_type.events}
            if not set(case_type.resolved_by) <= set(case_type.events):
                raise ValueError(f"case type {type_id}: resolved_by names events it does not have")
            for rule in case_type.deadlines:
                named.update([rule.anchor, *rule.until])
            unknown = named - set(self.events)
            if unknown:
                raise ValueError(f"case type {type_id}: unknown events {sorted(unknown)}")
        return self

    @classmethod
    def load(cls, path: Path) -> "Rules":
        return cls.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))

    def find_type(self, name: str) -> CaseType | None:
        wanted = name.strip().lower()
        for case_type in self.types.values():
            if wanted == case_type.id or wanted in (a.lower() for a in case_type.aliases):
                return case_type
        return None

    def event_label(self, event: str, lang: str) -> str:
        """How people call an event: the first alias in their language ("appeal sent", "已申诉")."""
        names = self.events.get(event, {}).get("zh" if lang == "zh" else "en") or [event]
        return names[0]

    def aliases(self, event: str) -> list[str]:
        names = self.events.get(event, {})
        return [event, event.replace("-", " "), *names.get("en", []), *names.get("zh", [])]

    def match_event(self, text: str, allowed: list[str]) -> tuple[str, str] | None:
        """The event a phrase starts with ("appeal sent yesterday 18:00" -> appeal-sent, "yesterday 18:00"):
        the longest alias wins; an alias must end at a word boundary (or be Chinese)."""
        lowered = text.strip().lower()
        best: tuple[int, str] | None = None
        for event in allowed:
            for alias in self.aliases(event):
                alias = alias.lower()
                if lowered.startswith(alias):
                    boundary = len(lowered) == len(alias) or not lowered[len(alias)].isascii() or \
                        not lowered[len(alias)].isalnum() or not alias[-1].isascii()
                    if boundary and (best is None or len(alias) > best[0]):
                        best = (len(alias), event)
        if best is None:
            return None
        return best[1], text.strip()[best[0]:].strip()


@dataclass
class Deadline:
    rule: DeadlineRule
    due: datetime
    met: bool


@dataclass
class PlannedReminder:
    rule_key: str
    at: datetime
    text: str
    moved: bool = False
    """Moved earlier into the channel's working hours."""
    outside: bool = False
    """Outside working hours: no working time was left before the rule's time."""
    catch_up: bool = False
    """Every time the rule gives has passed but not the deadline (a case opened late): posted now,
    once; its row is never moved again."""


@dataclass(frozen=True)
class CaseFilter:
    """What `case list` shows: open (default), overdue or closed cases, or all; mine; a type, a
    store (part of its name, any case), a marketplace."""

    state: str = "open"  # open | overdue | closed | all
    owner: str | None = None
    type: str | None = None
    store: str | None = None
    marketplace: str | None = None


DETAILS = ("store", "marketplace", "note")

class CaseService:
    def __init__(self, services: "Services"):
        self.svc = services
        self._rules: tuple[float, Rules] | None = None
        self._marketplaces: tuple[float, dict[str, str]] | None = None

    @property
    def path(self) -> Path:
        return Path(self.svc.config.knowledge_dir) / "deadlines.yaml"

    @property
    def rules(self) -> Rules:
        """The rules file, re-read when curators change it."""
        mtime = self.path.stat().st_mtime
        if self._rules is None or self._rules[0] != mtime:
            self._rules = (mtime, Rules.load(self.path))
        return self._rules[1]

    @property
    def db(self):
        return self.svc.store

    @property
    def marketplaces(self) -> dict[str, str]:
        """The marketplace codes a case may name (`amazon-de`) and their names, from the knowledge
        base's `mailboxes.yaml` (the list appeals use), re-read when it changes."""
        path = Path(self.svc.config.knowledge_dir) / "mailboxes.yaml"
        mtime = path.stat().st_mtime if path.exists() else 0.0
        if self._marketplaces is None or self._marketplaces[0] != mtime:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) if mtime else {}
            found = (data or {}).get("marketplaces") or {}
            self._marketplaces = (mtime, {str(code): str((entry or {}).get("name") or code) for code, entry in found.items()})
        return self._marketplaces[1]

    def find_marketplace(self, typed: str) -> str | None:
        """The code for what was typed: `amazon-de`, `de`, `Amazon Germany`, `德国站`, `cdiscount`."""
        return resolve_marketplace(typed, self.marketplaces)

    def case_type(self, case: Case) -> CaseType:
        case_type = self.rules.types.get(case.type)
        if case_type is None:
            raise KeyError(f"case type {case.type!r} is no longer in {self.path}")
        return case_type

    def get(self, case_id: int) -> Case | None:
        rows = list(self.db.query("SELECT * FROM cases WHERE id = ?", [case_id]))
        return Case.from_row(rows[0]) if rows else None

    def require(self, case_id: int) -> Case:
        """A case that must exist: one this process has just written."""
        case = self.get(case_id)
        if case is None:
            raise LookupError(f"case {case_id} is gone although it was just written")
        return case

    def list_open(self, platform: str, channel: str, workspace: str | None = None) -> list[Case]:
        where, args = "", [platform, channel]
        if workspace is not None:
            where, args = f" AND {WORKSPACE_SQL}", [*args, workspace]
        return [
            Case.from_row(row)
            for row in self.db.query(
                f"SELECT * FROM cases WHERE platform = ? AND channel = ? AND state = 'open'{where} ORDER BY id",
                args,
            )
        ]

    def find(self, platform: str, channel: str, workspace: str | None = None,
             wanted: CaseFilter = CaseFilter()) -> list[Case]:
        """The channel's cases that pass the filter, soonest next deadline first (overdue ones lead;
        cases with no deadline left come last, newest first among them).

        Deadlines come from the rules file, so the order and the overdue filter are computed here,
        over the channel's cases; a channel holds hundreds, not millions."""
        where, args = ["platform = ?", "channel = ?"], [platform, channel]
        if workspace is not None:
            where.append(WORKSPACE_SQL)
            args.append(workspace)
        if wanted.state in ("open", "overdue", "closed"):
            where.append("state = ?")
            args.append("closed" if wanted.state == "closed" else "open")
        for column in ("owner", "type", "marketplace"):
            value = getattr(wanted, column)
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        rows = self.db.query(f"SELECT * FROM cases WHERE {' AND '.join(where)} ORDER BY id", args)
        found = [Case.from_row(row) for row in rows]
        if wanted.store:
            part = wanted.store.casefold()
            found = [c for c in found if c.store and part in c.store.casefold()]
        now = self.svc.clock.now()
        keyed = [(self.next_deadline(c), c) for c in found]
        if wanted.state == "overdue":
            keyed = [(d, c) for d, c in keyed if d is not None and d.due <= now]

        def order(pair: tuple[Deadline | None, Case]) -> tuple:
            deadline, case = pair
            return (0, deadline.due.timestamp(), case.id) if deadline else (1, 0.0, -case.id)

        return [c for _, c in sorted(keyed, key=order)]

    def next_deadline(self, case: Case) -> Deadline | None:
        """The case's first unmet deadline (overdue or ahead); None when all are met, or it is closed."""
        if case.state != "open" or case.type not in self.rules.types:
            return None
        return next((d for d in self.deadlines(case) if not d.met), None)

    def open(
        self,
        case_type: CaseType,
        *,
        platform: str,
        channel: str,
        opened_by: str,
        owner: str,
        at: datetime,
        thread: str | None = None,
        lang: str = "en",
        workspace: str | None = None,
        store: str | None = None,
        marketplace: str | None = None,
        note: str | None = None,
    ) -> Case:
        now = to_iso(self.svc.clock.now())
        events = json.dumps({case_type.opens_with: to_iso(at)})
        with self.svc.store.write() as db:
            case_id = db.insert("cases", {
                "platform": platform, "channel": channel, "thread": thread, "type": case_type.id, "owner": owner,
                "opened_by": opened_by, "lang": lang, "state": "open", "events": events, "created_at": now,
                "updated_at": now, "workspace": workspace, "store": store, "marketplace": marketplace, "note": note,
            })
            case = self.require(case_id)
            self._reconcile(case)
        self.svc.reminders.changed()
        return case

    def record(self, case: Case, event: str, at: datetime) -> Case:
        """Note that `event` happened at `at` (a later report of the same event replaces it)."""
        case.events[event] = at
        return self._save(case, events=case.events_json())

    def set_owner(self, case: Case, owner: str) -> Case:
        return self._save(case, owner=owner)

    def set_details(self, case: Case, **details: str | None) -> Case:
        """Change the store, marketplace or note (an empty value clears it)."""
        unknown = set(details) - set(DETAILS)
        if unknown:
            raise ValueError(f"not a case detail: {sorted(unknown)}")
        return self._save(case, **{name: value or None for name, value in details.items()})

    def replan_channel(self, platform: str, channel: str, workspace: str | None = None) -> int:
        """Re-plan the reminders of the channel's open cases (its working hours changed); how many."""
        cases = self.find(platform, channel, workspace, CaseFilter(state="open"))
        with self.svc.store.write():
            for case in cases:
                self._reconcile(case)
        if cases:
            self.svc.reminders.changed()
        return len(cases)

    def close(self, case: Case) -> Case:
        now = to_iso(self.svc.clock.now())
        return self._save(case, state="closed", closed_at=now)

    def _save(self, case: Case, **fields: str | None) -> Case:
        fields["updated_at"] = to_iso(self.svc.clock.now())
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.svc.store.write() as db:
            db.execute(f"UPDATE cases SET {assignments} WHERE id = ?", [*fields.values(), case.id])
            case = self.require(case.id)
            self._reconcile(case)
        self.svc.reminders.changed()
        return case

    def deadlines(self, case: Case) -> list[Deadline]:
        """Every deadline whose anchor event happened; met once an `until` event followed the anchor."""
        found = []
        for rule in self.case_type(case).deadlines:
            anchor = case.events.get(rule.anchor)
            if anchor is None:
                continue
            met = any(case.events.get(e) is not None and case.events[e] >= anchor for e in rule.until)
            found.append(Deadline(rule, anchor + rule.after, met))
        return sorted(found, key=lambda d: d.due)

    def plan(self, case: Case) -> list[PlannedReminder]:
        """The reminders the rules want for this case from now on, placed in the channel's working
        hours (bot/reminders/hours.py): one outside them comes earlier, never after its deadline.
        Two reminders of a deadline that land on the same moment are posted once."""
        if case.state != "open":
            return []
        now = self.svc.clock.now()
        zone = self.svc.channel_zone(case.platform, case.channel, case.workspace)
        working = hours.channel_hours(self.svc, case.platform, case.channel, case.workspace)
        case_type = self.case_type(case)
        planned: list[PlannedReminder] = []
        for deadline in self.deadlines(case):
            if deadline.met:
                continue
            taken: set[datetime] = set()
            slots = sorted(deadline.rule.remind_before, reverse=True)
            ahead = [before for before in slots if deadline.due - before > now]
            if deadline.due > now and slots and not ahead:
                # Every slot has passed but the deadline has not (a case opened late): one reminder
                # now, under the last slot's key, so the deadline is not left without any.
                key = f"{deadline.rule.id}@{int(slots[-1].total_seconds())}"
                text = self._text(case, case_type, deadline, deadline.due - now, zone)
                planned.append(PlannedReminder(key, now, text, catch_up=True))
            for before in ahead:
                at = deadline.due - before
                placed = hours.place(at, now=now, zone=zone, hours=working,
                                     later=deadline.rule.opens and not before)
                if placed.at in taken:
                    continue
                taken.add(placed.at)
                key = f"{deadline.rule.id}@{int(before.total_seconds())}"
                text = self._text(case, case_type, deadline, deadline.due - placed.at, zone,
                                  outside=working if placed.outside else None)
                planned.append(PlannedReminder(key, placed.at, text, placed.moved, placed.outside))
        return sorted(planned, key=lambda p: p.at)

    def _text(self, case: Case, case_type: CaseType, deadline: Deadline, left: timedelta, zone,
              outside: "hours.WorkingHours | None" = None) -> str:
        lang = case.lang
        label = deadline.rule.label.get(lang)
        when = times.human(deadline.due, zone, lang)
        if left:
            words = hours.left_words(left, lang)
            left_text = pick(lang, en=f"in {words}", zh=f"还有 {words}")
        else:
            left_text = pick(lang, en="now", zh="现在到期")
        text = pick(
            lang,
            en=f"Case #{case.id} · {case_type.title.en}: {label} {left_text} — {when}.",
            zh=f"案件 #{case.id} · {case_type.title.zh}：{label}，{left_text}（{when}）。",
        )
        if outside is not None:
            text += " " + pick(
                lang,
                en=f"(Outside working hours {outside.words()}: no working time was left before the deadline.)",
                zh=f"（在工作时间 {outside.words()} 之外：截止前已没有工作时间可提醒。）",
            )
        if deadline.rule.note:
            text += " " + deadline.rule.note.get(lang)
        return text

    def _reconcile(self, case: Case) -> None:
        """Bring the case's reminder rows in line with its plan (inside the caller's transaction)."""
        reminders = self.svc.reminders
        wanted = {p.rule_key: p for p in self.plan(case)}
        rows = reminders.for_case(case.id, states=("pending", "sending", "sent", "cancelled", "failed"))
        for row in rows:
            if row.state != "pending":
                continue
            plan = wanted.get(row.rule or "")
            if plan is not None and plan.catch_up:
                continue
            if plan is None:
                reminders.cancel(row.id, notify=False)
            elif row.planned_due != plan.at:
                reminders.reschedule(row.id, due=plan.at, text=plan.text, owner=case.owner)
            elif row.owner != case.owner:
                reminders.reassign(row.id, case.owner)
        for key, plan in wanted.items():
            if any(r.rule == key and (r.state in ("pending", "sending") or r.planned_due == plan.at or plan.catch_up)
                   for r in rows):
                continue
            reminders.create(
                platform=case.platform, channel=case.channel, thread=case.thread, user=case.opened_by,
                owner=case.owner, text=plan.text, due=plan.at, lang=case.lang, case_id=case.id,
                rule=key, notify=False, workspace=case.workspace,
            )
