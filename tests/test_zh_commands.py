"""Chinese command lines as Chinese users type them (review items 6, 7, 8, 14): command and action
words glued to what follows, appeal types by their Chinese names, the command lines replies suggest
in the reader's words (and accepted as such), and the wording of lists and errors.
"""

from __future__ import annotations

import re

import pytest

from bot.app import build_app
from tests.conftest import json_lines, run_cli

# ----- item 6: no space after the command word ---------------------------------------------------


def test_the_reviewers_lines_typed_without_spaces_run_in_a_chinese_console(new_db):
    lines = ["/seller 提醒明天上午10点跟进申诉", "/seller 提醒列表", "/seller 帮助提醒"]
    result = run_cli(["console", "--json", "--lang", "zh", "--db", new_db("glued.db")], stdin="\n".join(lines) + "\n")
    reminder, listed, helped = json_lines(result.stdout)
    assert reminder["kind"] == "reminder" and reminder["text"] == "跟进申诉", reminder
    assert listed["kind"] == "list" and "#1" in listed["text"] and "跟进申诉" in listed["text"]
    assert helped["kind"] == "help" and helped["title"] == "/seller 提醒"  # the command as this reader types it


@pytest.mark.parametrize("line, kind, check", [
    ("提醒列表", "list", "#1"),
    ("提醒列", "list", "#1"),  # the longest word first: 列表, else 列
    ("提醒取消1", "info", "已取消提醒 #1"),
    ("提醒 取消1", "info", "已取消提醒 #1"),
    ("提醒推迟1 1小时", "reminder", "已推迟"),
    ("提醒后天上午9点 发货", "reminder", "发货"),
    ("案件新建消息违规", "case", "已创建案件 #1"),
    ("案件类型", "list", "messaging-warning"),
    ("帮助案件", "help", "/seller 案件"),
    ("问订单缺陷率是多少", "answer", ""),
    ("设置语言中文", "settings", "语言已保存"),  # settings' implicit action takes no words: 语言 is unambiguous
])
async def test_a_command_word_and_an_action_word_glued_to_what_follows(ask, line, kind, check):
    await ask("remind 明天上午10点 提交申诉", lang="zh")
    r = await ask(line)
    assert r.kind == kind and check in (r.title or "") + r.text, (r.kind, r.title, r.text)
    assert r.lang == "zh"


@pytest.mark.parametrize("line, said", [
    # remind's implicit action reads a time: a Chinese rest after 稍后 is its words, not `snooze`'s id
    ("提醒 稍后5分钟 喝水", "没有在“稍后5分钟 喝水”开头找到时间"),
    ("helpme", "未知命令 `helpme`"),  # only Chinese words are split off
])
async def test_a_glued_word_is_not_split_where_that_would_be_a_guess(ask, line, said):
    r = await ask(line, lang="zh")
    assert r.kind == "error" and said in r.text, r.text


async def test_an_unknown_command_on_a_chinese_screen_names_the_chinese_command_words(ask):
    r = await ask("火星", lang="zh")
    assert r.kind == "error"
    for cmd in build_app().unique_commands():
        assert f"{cmd.words[0]}（{cmd.name}）" in r.text
    en = await ask("frobnicate", lang="en")
    assert "Commands: appeal, ask," in en.text and "申诉" not in en.text


# ----- item 7: appeal types by their Chinese names -------------------------------------------------

@pytest.mark.parametrize("typed, violation", [
    ("站内信", "messaging"),  # the beginning of 站内信违规, no other type's
    ("消息违规", "messaging"),  # a case type's alias (deadlines.yaml: appeal: {violation: messaging})
    ("站内信违规", "messaging"),
    ("迟发货", "late-shipment"),
    ("ODR 超标", "odr"),
    ("拒付", "odr"),
    ("假货", "inauthentic"),
    ("知识产权侵权", "ip-infringement"),
    ("正式警告", "cdiscount-formal-notice"),
    ("messaging", "messaging"),
])
async def test_an_appeal_type_is_named_in_chinese_as_a_case_type_is(ask, typed, violation):
    started = await ask(f"申诉 开始 {typed}", lang="zh")
    assert started.kind == "dialog", started.text
    listed = await ask("appeal list", lang="zh")
    assert listed.data["items"][0]["violation"] == violation


async def test_every_type_goes_by_the_name_its_chinese_error_shows(services):
    appeals = services.appeals
    for choice in appeals.type_choices():
        assert appeals.resolve_type(appeals.type_word(choice.value, "zh")) == choice.value


@pytest.mark.parametrize("typed", ["火星", "投诉"])  # 投诉 ends two types' names: not a guess
async def test_an_unknown_appeal_type_is_explained_in_chinese(ask, typed):
    r = await ask(f"申诉 开始 {typed}", lang="zh")
    assert r.kind == "error" and f"`{typed}`" in r.text
    assert "站内信违规（messaging）" in r.text and "操作：开始、继续、跟进、列表、查看、取消。" in r.text
    assert not re.search(r"start|resume|cancel", r.text)
    assert "示例：/seller 申诉 开始 ODR 超标" in r.context
    en = await ask(f"appeal start {typed}", lang="en")
    assert "Actions: start, resume, track, list, show, cancel." in en.text and "Example: /seller appeal start odr" in en.context


# ----- item 8: the command lines a reply suggests are in the reader's words ----------------------

@pytest.mark.parametrize("line, shown, not_shown", [
    ("提醒 取消 1 2", "多条请逐条发送（/seller 提醒 取消 1，…）", "cancel 1"),
    ("案件 更新 1 瞎写", "或 负责人 @用户、店铺 <店铺>、站点 <站点>、备注 <备注>。", "owner"),
    ("申诉 查看 AP-0", "请查看 /seller 申诉 列表。", "appeal list"),
    ("申诉 查看", "（见 /seller 申诉 列表）", "appeal list"),
    ("申诉 继续", "用 /seller 申诉 开始，或用 /seller 申诉 继续 <编号> 重新打开草稿", "resume"),
    ("案件 更新 1 负责人", "请在 `负责人` 后写负责人的 @用户名，例如 负责人 @ana。", "owner"),
])
async def test_errors_on_a_chinese_screen_suggest_chinese_command_lines(ask, line, shown, not_shown):
    await ask("remind 明天上午10点 提交申诉", lang="zh")
    await ask("case open messaging-warning", lang="zh")
    r = await ask(line, lang="zh")
    assert r.kind == "error" and shown in r.text and not_shown not in r.text, r.text


async def test_an_appeal_steps_footer_names_the_chinese_resume_line(ask):
    first = await ask("申诉", lang="zh")
    assert first.context == ["可输入 返回、修改 <步骤>、取消；稍后发送 /seller 申诉 继续 可接着填写。"]
    second = await ask("申诉", lang="zh")
    assert "AP-1 已暂停，稍后发送 /seller 申诉 继续 AP-1 可接着填写。" in second.text
    english = await ask("appeal", lang="en")
    assert english.context == ["Type back, edit <step>, cancel — or /seller appeal resume later."]


@pytest.mark.parametrize("line, usage", [
    ("案件 更新 1 瞎写", "用法：/seller 案件 更新 <编号> [事件] [负责人 @用户] [店铺 <店铺>] [站点 <站点>] [备注 <备注>]"),
    ("案件 新建", "用法：/seller 案件 新建 <类型> [收到 <时间>] [店铺 <店铺>] [站点 <站点>] [负责人 @用户] [备注 <备注>]"),
    ("案件 列表 火星", "用法：/seller 案件 列表 [进行中|逾期|已关闭|全部|我的] [类型 <类型>] [店铺 <店铺>] [站点 <站点>] "
                  "[负责人 @用户] [页 <页码>]"),
    ("提醒 列表 火星", "用法：/seller 提醒 列表 [全部|我的] [页 <页码>]"),
])
async def test_chinese_usage_lines_show_the_chinese_keywords(ask, line, usage):
    await ask("case open messaging-warning", lang="zh")
    r = await ask(line, lang="zh")
    assert r.kind == "error" and usage in r.context, r.context


KEYWORD_LINES = [
    ("案件 新建 消息违规 收到 昨天 18:00 店铺 Anker 站点 德国站 负责人 @bo 备注 第二家店", "case",
     {"store": "Anker", "marketplace": "amazon-de", "owner": "bo", "note": "第二家店"}),
    ("案件 更新 1 负责人 @ana", "case", {"owner": "ana"}),
    ("案件 列表 类型 消息违规 负责人 @ana 页 1", "list", {"page": 1}),
    ("提醒 列表 页 1", "list", {"page": 1}),
    ("申诉 开始 案件 1", "dialog", {"violation": "messaging"}),  # what case 1 tells the appeal
]


@pytest.mark.parametrize("line, kind, data", KEYWORD_LINES)
async def test_the_chinese_keywords_of_usage_lines_are_accepted(ask, line, kind, data):
    await ask("case open messaging-warning", lang="zh")
    r = await ask(line, lang="zh")
    assert r.kind == kind, r.text
    got = (await ask("appeal list")).data["items"][0] if kind == "dialog" else r.data
    assert {k: got.get(k) for k in data} == data, got


def test_every_chinese_keyword_declared_is_tried_above():
    """A keyword added to a usage line is added to the lines above, so it is checked to be read."""
    declared = {p.keyword_zh for cmd in build_app().unique_commands() for a in cmd.actions.values() for p in a.params
                if p.keyword_zh}
    tried = {word for line, _, _ in KEYWORD_LINES for word in line.split()}
    assert declared and declared <= tried, declared - tried


# ----- item 14: names and wording ------------------------------------------------------------------

async def test_the_appeal_list_names_the_marketplace(services, ask):
    from bot.model import Request

    await ask("appeal", lang="zh", user="u1")
    await services.dispatcher.handle(Request(kind="message", text="德国站", lang="zh", user="u1"))
    zh = await ask("申诉 列表", lang="zh", user="u1")
    assert " · 亚马逊德国站 · " in zh.text and "amazon-de" not in zh.text
    assert zh.data["items"][0]["marketplace"] == "amazon-de"  # the code stays in the data
    en = await ask("appeal list", lang="en", user="u1")
    assert " · Amazon DE · " in en.text


async def test_a_deadline_just_past_reads_seconds_ago_in_plain_chinese(ask, clock):
    await ask("case open messaging-warning", lang="zh")
    clock.advance(hours=72, seconds=47)
    shown = "\n".join(s.text for s in (await ask("案件 查看 1", lang="zh")).sections)
    assert "(47秒前)" in shown and "秒钟" not in shown, shown
    en = "\n".join(s.text for s in (await ask("case show 1", lang="en")).sections)
    assert "(47 seconds ago)" in en


async def test_a_case_reminder_is_named_once_on_its_list_line(ask):
    await ask("case open messaging-warning", lang="zh")
    listed = await ask("提醒 列表", lang="zh")
    first = listed.text.splitlines()[0]
    assert first.count("案件 #1") == 1 and "申诉截止" in first, first
    en = await ask("remind list", lang="en")
    assert en.text.splitlines()[0].lower().count("case #1") == 1


@pytest.mark.parametrize("line, lang, text", [
    ("case list page -1", "en", "`-1` is not a page number: pages are numbered 1, 2, 3…, e.g. page 2."),
    ("案件 列表 页 0", "zh", "`0` 不是页码：页码从 1 开始（1、2、3…），例如 页 2。"),
    ("remind list page x", "en", "`x` is not a page number: pages are numbered 1, 2, 3…, e.g. page 2."),
    ("case list page 5", "en", "There is no page 5: the list has 1 in all, and its last page is 1."),
    ("案件 列表 页 5", "zh", "没有第 5 页：共 1 条，最后一页是第 1 页。"),
])
async def test_a_wrong_page_is_explained(ask, line, lang, text):
    await ask("case open messaging-warning")
    r = await ask(line, lang=lang)
    assert r.kind == "error" and r.text == text


def test_every_chinese_word_a_usage_line_shows_is_accepted(services):
    """Chinese usage lines write the command, its actions and their fixed values in Chinese
    (`/seller 提醒 列表 [全部|我的]`): each word shown must be one the parser takes."""
    app = services.app
    for command in app.unique_commands():
        assert app.commands.get(command.typed("zh").lower()) is command, command.name
        for action in command.actions.values():
            assert command.find_action(action.word("zh")) is action, (command.name, action.name)
            for param in action.params:
                for option in param.choices:
                    assert option.matches(option.typed("zh")), (command.name, action.name, option.value)
        for param in command.own_params:
            for option in param.choices:
                assert option.matches(option.typed("zh")), (command.name, option.value)
