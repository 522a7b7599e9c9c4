"""`case list` filters and the details that tell cases apart (store, marketplace, note), in English
and Chinese words; `case open` without a time says which time it used."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.model import Request


async def _team(ask, clock):
    """Four cases of one channel: two Anker stores, a Xiaomi store (Cdiscount), one closed."""
    a = await ask("case open messaging-warning received 2026-11-23 12:00 store Anker EU marketplace 德国站 owner @ana "
                  "note buyer says the parcel never came")
    b = await ask("案件 新建 cdiscount 收到 2026-11-20 10:00 店铺 小米旗舰店 站点 cdiscount", lang="zh")
    c = await ask("case open messaging-warning received 2026-11-20 10:00 store 'Anker US' marketplace us")
    d = await ask("case open messaging-warning received 2026-11-24 08:00 store Closed Co")
    await ask(f"case close {d.data['case_id']}")
    return [r.data["case_id"] for r in (a, b, c, d)]


def _ids(listed) -> list[int]:
    assert listed.kind == "list", listed.text
    return [item["case_id"] for item in listed.data["items"]]


async def test_details_are_stored_and_shown_on_the_case_and_its_line(ask, clock):
    a, b, c, _ = await _team(ask, clock)
    shown = await ask(f"case show {a}")
    assert (shown.data["store"], shown.data["marketplace"]) == ("Anker EU", "amazon-de")
    assert shown.data["note"] == "buyer says the parcel never came" and "Note: buyer says" in shown.text
    listed = await ask("case list")
    line = next(line for line in listed.text.splitlines() if line.startswith(f"#{a} "))
    assert line.startswith(f"#{a} · Anker EU · Amazon DE · messaging-warning · @ana · Appeal due: ")
    assert line.endswith("— buyer says the parcel never came")
    zh = await ask("case list", lang="zh")  # a Chinese screen names the marketplace and the type in Chinese
    line = next(line for line in zh.text.splitlines() if line.startswith(f"#{a} "))
    assert line.startswith(f"#{a} · Anker EU · 亚马逊德国站 · 买家-卖家消息违规警告 · @ana · 申诉截止: ")
    assert (await ask(f"case show {b}")).data["marketplace"] == "cdiscount-fr"
    assert (await ask(f"case show {c}")).data["store"] == "Anker US"


async def test_filters_in_english_and_chinese_and_the_order_by_next_deadline(ask, clock):
    a, b, c, d = await _team(ask, clock)
    # c's appeal was due 2026-11-23 10:00: overdue, so first; then a (11-26 12:00); then b (30 days)
    assert _ids(await ask("case list")) == [c, a, b]
    assert _ids(await ask("case list mine")) == [c, b]
    overdue = await ask("case list overdue")
    assert _ids(overdue) == [c] and "⚠️ Appeal due" in overdue.text and overdue.title.startswith("Overdue cases")
    assert _ids(await ask("案件 列表 我的 逾期", lang="zh")) == [c]
    assert _ids(await ask("case list type cdiscount")) == [b]
    assert _ids(await ask("case list store anker")) == [c, a]  # part of the name, any case
    assert _ids(await ask("案件 列表 店铺 小米", lang="zh")) == [b]
    assert _ids(await ask("case list marketplace de")) == [a]
    assert _ids(await ask("case list owner @ana")) == [a]
    assert _ids(await ask("case list closed")) == [d]
    assert sorted(_ids(await ask("案件 列表 全部", lang="zh"))) == sorted([a, b, c, d])
    empty = await ask("case list mine store anker marketplace de")
    assert _ids(empty) == [] and "No cases match" in empty.text and empty.data["total"] == 0


async def test_unknown_filters_and_values_are_refused_with_the_choices(ask, clock):
    await _team(ask, clock)
    refused = await ask("case list urgent")
    assert refused.kind == "error" and "`urgent` is not a filter" in refused.text and "overdue" in refused.text
    refused = await ask("案件 列表 紧急", lang="zh")
    assert refused.kind == "error" and "不是筛选条件" in refused.text and "逾期" in refused.text
    refused = await ask("case list type nothing-like-it")
    assert refused.kind == "error" and "Unknown case type" in refused.text
    refused = await ask("case open messaging-warning marketplace mars")
    assert refused.kind == "error" and "Unknown marketplace `mars`" in refused.text and "amazon-de" in refused.text
    refused = await ask("case list page 9")
    assert refused.kind == "error" and "no page 9" in refused.text


async def test_the_next_page_button_keeps_the_filters(ask, services, clock):
    for i in range(25):
        await ask(f"case open messaging-warning received 2026-11-24 0{i % 9}:00 store 'Anker EU' marketplace de")
    await ask("case open messaging-warning store Other")
    first = await ask("case list mine store 'anker eu'")
    assert first.data["total"] == 25 and len(first.data["items"]) == 20
    [next_page] = first.choices
    assert next_page.value == "cmd:case list mine store 'anker eu' page 2" and next_page.label == "Next page (21–25) ▶"
    second = await services.dispatcher.handle(Request(kind="choice", values=[next_page.value]))
    assert {k: second.data[k] for k in ("page", "pages", "total", "first", "last", "size")} == {
        "page": 2, "pages": 2, "total": 25, "first": 21, "last": 25, "size": 20}
    both = _ids(first) + _ids(second)
    assert len(set(both)) == 25 and all(services.cases.get(i).store == "Anker EU" for i in both)
    assert [c.label for c in second.choices] == ["◀ Previous page"]


async def test_update_changes_and_clears_details(ask, clock):
    a, *_ = await _team(ask, clock)
    updated = await ask(f"case update {a} store Anker DE marketplace amazon-fr")
    assert (updated.data["store"], updated.data["marketplace"]) == ("Anker DE", "amazon-fr")
    assert updated.title.startswith(f"Case #{a} updated")
    noted = await ask(f"案件 更新 {a} 备注：买家说包裹没收到 don't refund yet", lang="zh")
    assert noted.data["note"] == "买家说包裹没收到 don't refund yet" and "备注：买家说包裹没收到" in noted.text
    cleared = await ask(f"case update {a} note -")
    assert cleared.data["note"] is None and cleared.data["store"] == "Anker DE"
    sent = await ask(f"case update {a} appeal sent owner @bo")
    assert sent.data["owner"] == "bo" and any(d["id"] == "follow-up" for d in sent.data["deadlines"])


async def test_opening_without_a_time_says_it_counted_from_now(ask, clock):
    opened = await ask("case open messaging-warning store Anker")
    assert opened.data["received_assumed"] is True
    assert opened.context[0].startswith("⏱ Counted from now, Tue, Nov 24 09:00 (UTC)")
    assert f"case update {opened.data['case_id']} received" in opened.context[0]
    zh = await ask("案件 新建 messaging-warning", lang="zh")
    assert zh.context[0].startswith("⏱ 从现在（11月24日周二 09:00，UTC）开始计算")
    given = await ask("case open messaging-warning received 2026-11-24 06:00")
    assert given.data["received_assumed"] is False and not any("Counted from now" in c for c in given.context)


async def test_a_deadline_in_another_year_shows_its_year(ask, clock):
    """A CSBA trial opened on Dec 20 ends on Jan 19: without the year the line read as this
    January, its weekday wrong."""
    clock.set(datetime(2026, 12, 20, 9, 0, tzinfo=timezone.utc))
    await ask("case open csba-trial")
    listed = await ask("case list")
    assert "Tue, Jan 19, 2027 09:00" in listed.plain_text(), listed.plain_text()
    zh = await ask("案件 列表", lang="zh")
    assert "2027年1月19日周二 09:00" in zh.plain_text()
