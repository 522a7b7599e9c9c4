"""Responses for reminders and cases, in the user's language and the channel's time zone.

Times for people are formatted by babel; times for programs (`due`, `deadlines`, `reminders`) are
ISO 8601 with the channel zone's offset, as the scripting contract says.
"""

from __future__ import annotations

import re

from bot import marketplaces, paging
from bot.context import Context
from bot.errors import UsageError
from bot.i18n import pick, status_label
from bot.model import Response, Section
from bot.reminders import times
from bot.reminders.store import Case, Reminder

_MENTION = re.compile(r"^<?@?!?([^>|\s]+)(?:\|[^>]*)?>?$")


def user_id(token: str, lang: str = "en") -> str:
    """The user id in a mention as each platform writes it: `<@U123>`, `<@U123|ana>`, `<@!42>`, `@ana`."""
    match = _MENTION.match(token.strip())
    if not match or not match.group(1):
        raise UsageError(pick(lang, en=f"`{token}` is not a user mention (write @name).",
                              zh=f"`{token}` 不是用户提及（请写 @用户名）。"))
    return match.group(1)


def item_id(ctx: Context, token: str | None, what_en: str, what_zh: str) -> int:
    """A numeric id as typed (`12` or `#12`)."""
    text = (token or "").strip().lstrip("#")
    if not re.fullmatch(r"[0-9]{1,12}", text):  # ASCII digits only ("²".isdigit() is true), SQLite-sized
        raise UsageError(ctx.pick(en=f"Give the {what_en} number, e.g. 12.", zh=f"请提供{what_zh}编号，例如 12。"))
    return int(text)


def mention(user: str | None) -> str:
    return f"@{user}" if user else "-"


def status_words(reminder: Reminder, lang: str) -> str:
    """A reminder's status (Reminder.status: a done one-off reads `done`) in the user's words."""
    return status_label(reminder.status, lang)


def reminder_item(ctx: Context, reminder: Reminder) -> dict:
    zone = ctx.svc.channel_zone(reminder.platform, reminder.channel, reminder.workspace)
    return {
        "reminder_id": reminder.id,
        "text": reminder.text,
        "due": times.local_iso(reminder.due, zone),
        "state": reminder.status,
        "owner": reminder.owner,
        "case_id": reminder.case_id,
        "repeat": times.rule_words(reminder.repeat, ctx.lang),
        "mentions": reminder.mentions,
    }


def reminder_response(ctx: Context, reminder: Reminder, *, title_en: str, title_zh: str) -> Response:
    """A reminder that was set or moved: its text, when it is due, and how to change it."""
    zone = ctx.svc.channel_zone(reminder.platform, reminder.channel, reminder.workspace)
    root = ctx.svc.config.root_command
    when = times.human(reminder.due, zone, ctx.lang)
    relative = times.relative(reminder.due, ctx.now, ctx.lang)
    context = [
        ctx.pick(en=f"Due {when} ({relative}).", zh=f"提醒时间：{when}（{relative}）。"),
        ctx.pick(
            en=f"Cancel: /{root} remind cancel {reminder.id} · Snooze: /{root} remind snooze {reminder.id} 1h",
            zh=f"取消：/{root} 提醒 取消 {reminder.id} · 推迟：/{root} 提醒 推迟 {reminder.id} 1小时",
        ),
    ]
    if reminder.repeat:
        repeat = times.rule_words(reminder.repeat, ctx.lang)
        context.insert(0, ctx.pick(en=f"Repeats {repeat}; cancel ends the series.",
                                   zh=f"重复：{repeat}；取消即结束整个系列。"))
    if reminder.case_id:
        context.append(ctx.pick(en=f"Case #{reminder.case_id}", zh=f"案件 #{reminder.case_id}"))
    return Response(
        kind="reminder",
        title=ctx.pick(en=title_en, zh=title_zh),
        text=reminder.text,
        context=context,
        data={**reminder_item(ctx, reminder), "late": False},
    )


def _untagged(reminder: Reminder) -> str:
    """A case reminder's text without the `Case #3 · ` / `案件 #3 · ` it opens with: the list line
    names the case already."""
    if reminder.case_id is None:
        return reminder.text
    return re.sub(rf"^(?:Case|案件) #{reminder.case_id} · ", "", reminder.text)


def reminder_list(ctx: Context, reminders: list[Reminder], *, number: int = 1, mine: bool = False) -> Response:
    """One page of the channel's pending reminders (`mine`: filtered to the user's), soonest first, with
    its count and the buttons to the other pages (bot/paging.py): a long text is clipped on its line,
    never a reminder left out."""
    zone = ctx.svc.channel_zone(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
    page = paging.page_of(reminders, number, ctx.lang)
    if not reminders and mine:
        text = ctx.pick(en="You have no pending reminders in this channel.", zh="你在本频道没有待发送的提醒。")
    elif not reminders:
        text = ctx.pick(en="No reminders pending in this channel.", zh="本频道没有待发送的提醒。")
    else:
        text = "\n".join(
            paging.line(
                f"#{r.id} · {times.short(r.due, zone, ctx.lang, now=ctx.now)}"
                + (f" · 🔁 {times.rule_words(r.repeat, ctx.lang)}" if r.repeat else "")
                + (f" · {ctx.pick(en='case', zh='案件')} #{r.case_id}" if r.case_id else "")
                + f" · {', '.join(mention(m) for m in r.mentions) or mention(r.owner)} · {paging.clip(_untagged(r), 100)}"
            )
            for r in page.items
        )
    context = [ctx.pick(en=f"Soonest first; times in {times.zone_label(zone)}.", zh=f"按时间排序；时间为 {times.zone_label(zone)}。")]
    if page.pages > 1:
        context.insert(0, ctx.pick(en=f"Page {page.number} of {page.pages}", zh=f"第 {page.number}/{page.pages} 页"))
    return Response(
        kind="list",
        title=ctx.pick(en="Reminders", zh="提醒") + f" · {page.count(ctx.lang)}",
        text=text,
        context=context,
        choices=page.choices(ctx.lang, "remind list mine" if mine else "remind list"),
        ephemeral=True,
        data={"items": [reminder_item(ctx, r) for r in page.items], **page.data()},
    )


def case_response(ctx: Context, case: Case, *, title_en: str | None = None, title_zh: str | None = None) -> Response:
    """A case with its deadlines (derived from the rules) and the reminders planned for it."""
    svc = ctx.svc
    zone = svc.channel_zone(case.platform, case.channel, case.workspace)
    case_type = svc.cases.case_type(case)
    deadlines = svc.cases.deadlines(case)
    planned = svc.reminders.for_case(case.id, states=("pending",))
    now = ctx.now
    lines = []
    for deadline in deadlines:
        label = deadline.rule.label.get(ctx.lang)
        when = times.human(deadline.due, zone, ctx.lang)
        source = f" [{deadline.rule.source}]" if deadline.rule.source else ""
        if deadline.met:
            lines.append(f"✓ {label}: {when} — " + ctx.pick(en="done", zh="已完成") + source)
        else:
            lines.append(f"• {label}: {when} ({times.relative(deadline.due, now, ctx.lang)})" + source)
    reminder_lines = [f"• #{r.id} {times.human(r.due, zone, ctx.lang)}" for r in planned]
    events = ", ".join(
        f"{svc.cases.rules.event_label(event, ctx.lang)} {times.human(at, zone, ctx.lang)}"
        for event, at in sorted(case.events.items(), key=lambda e: e[1])
    )
    state = status_label(case.state, ctx.lang)
    notes = [d.rule.note.get(ctx.lang) for d in deadlines if not d.met and d.rule.note]
    return Response(
        kind="case",
        title=ctx.pick(en=title_en or f"Case #{case.id}", zh=title_zh or f"案件 #{case.id}")
        + f" · {case_type.title.get(ctx.lang)}",
        text=ctx.pick(
            en=f"Owner: {mention(case.owner)} · {state} · {events}",
            zh=f"负责人：{mention(case.owner)} · {state} · {events}",
        ) + _details_text(ctx, case),
        sections=[
            Section(title=ctx.pick(en="Deadlines", zh="截止时间"),
                    text="\n".join(lines) or ctx.pick(en="None yet.", zh="暂无。")),
            Section(title=ctx.pick(en="Reminders", zh="提醒"),
                    text="\n".join(reminder_lines) or ctx.pick(en="None planned.", zh="没有待发送的提醒。")),
        ],
        context=notes + _next_steps(ctx, case, case_type.events),
        data={
            "case_id": case.id,
            "type": case.type,
            "state": case.state,
            "owner": case.owner,
            "store": case.store,
            "marketplace": case.marketplace,
            "note": case.note,
            "events": {event: times.local_iso(at, zone) for event, at in case.events.items()},
            "deadlines": [
                {"id": d.rule.id, "label": d.rule.label.get(ctx.lang), "due": times.local_iso(d.due, zone),
                 "met": d.met, "overdue": not d.met and d.due <= now, "source": d.rule.source}
                for d in deadlines
            ],
            "reminders": [times.local_iso(r.due, zone) for r in planned],
            "reminder_ids": [r.id for r in planned],
        },
    )


def _details_text(ctx: Context, case: Case) -> str:
    """The lines that tell this case from the channel's others: store, marketplace, note."""
    parts = []
    if case.store:
        parts.append(ctx.pick(en=f"Store: {case.store}", zh=f"店铺：{case.store}"))
    if case.marketplace:
        parts.append(ctx.pick(en=f"Marketplace: {marketplaces.label(case.marketplace, 'en')}",
                              zh=f"站点：{marketplaces.label(case.marketplace, 'zh')}"))
    text = ("\n" + " · ".join(parts)) if parts else ""
    if case.note:
        text += "\n" + ctx.pick(en=f"Note: {case.note}", zh=f"备注：{case.note}")
    return text


def _next_steps(ctx: Context, case: Case, events: list[str]) -> list[str]:
    """The commands that make sense now: the first event of the type not yet recorded (a CSBA
    trial has no "appeal sent"), and closing; nothing for a closed case."""
    if case.state == "closed":
        return []
    rules = ctx.svc.cases.rules
    closing = ctx.line("case", "close", case.id)
    resolved = [e for e in ctx.svc.cases.case_type(case).resolved_by if e in case.events]
    if resolved:
        label = rules.event_label(resolved[0], ctx.lang)
        return [ctx.pick(en=f"{label.capitalize()}: nothing is left to do. Close: {closing}",
                         zh=f"{label}：案件已无待办。关闭：{closing}")]
    hints = []
    upcoming = next((event for event in events if event not in case.events), None)
    if upcoming is not None:
        updating = ctx.line("case", "update", case.id, rules.event_label(upcoming, ctx.lang))
        hints.append(ctx.pick(en=f"Update: {updating}", zh=f"更新：{updating}"))
    hints.append(ctx.pick(en=f"Close: {closing}", zh=f"关闭：{closing}"))
    return [" · ".join(hints)]
