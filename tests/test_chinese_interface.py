"""A Chinese interface is Chinese everywhere (issue 11): help, usage lines, examples, errors and
buttons of every command, driven through `sellerbot console --json --lang zh` in a fresh process.

Ids (`order-defect-rate`, `Asia/Shanghai`), command words in usage lines, `code` and quoted text
are not sentences; three English words in a row outside them are.
"""

from __future__ import annotations

import re

from bot.app import build_app
from tests.conftest import json_lines, run_cli

COMMAND_LINE = re.compile(r"/seller[^\u4e00-\u9fff—（），。；：]*")
"""A usage line or example: `/seller remind <时间> <内容> | list | cancel` is made of ids."""
QUOTED = re.compile(r"`[^`]*`|“[^”]*”|\"[^\"]*\"")
SENTENCE = re.compile(r"(?<![\w-])[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}(?![\w-])")
NOT_ENGLISH = {"mise en demeure"}
"""The French name of Cdiscount's formal notice, kept beside its Chinese title."""

TYPED = [
    "/seller", "/seller help nothing-here", "/seller frobnicate",
    "/seller remind 明天上午10点", "/seller remind 下周三 跟进", "/seller remind snooze 1", "/seller remind cancel abc",
    "/seller remind 明天上午10点 提交申诉", "/seller remind list", "/seller remind snooze 1 1小时", "/seller remind snooze 1 soon",
    "/seller remind cancel 1", "/seller remind cancel 1",
    "/seller metrics odr x 5", "/seller metrics foo 1 2", "/seller metrics odr 9 5", "/seller metrics odr 2 126 mars",
    "/seller metrics odr 2 126",
    "/seller feedback 1 maybe", "/seller feedback x helpful", "/seller feedback 999 helpful",
    "/seller settings tz Mars/Base", "/seller settings lang fr", "/seller settings tz 北京时间", "/seller settings",
    "/seller kb show nope", "/seller kb show order-defect-rate fr", "/seller kb search", "/seller kb search ODR limit",
    "/seller case open messaging-warning", "/seller case show 1", "/seller case update 1 xyz", "/seller case update 1 owner",
    "/seller case list", "/seller case close 1", "/seller case update 1 appeal sent",
    "/seller appeal show AP-99", "/seller appeal resume", "/seller appeal cancel", "/seller appeal list", "/seller appeal nope",
    "/seller ask", "/seller 帮助", "/seller 提醒 取消 5", "/seller 设置 时区 深圳",
]


def every_help_and_misuse() -> list[str]:
    lines = ["/seller help", "/seller 帮助"]
    for cmd in build_app().unique_commands():
        lines += [f"/seller help {cmd.name}", f"/seller help {cmd.words[0]}", f"/seller {cmd.name} ??"]
        for action in cmd.actions.values():
            lines += [f"/seller {cmd.name} {action.name}", f"/seller {cmd.name} {action.name} ?? ?? ?? ?? ??"]
    return lines


def english_in(response: dict) -> list[str]:
    sections = response.get("sections") if isinstance(response.get("sections"), list) else []
    texts = [response.get("text") or "", response.get("title") or "", *response.get("context", []),
             *(s.get("title") or "" for s in sections), *(s["text"] for s in sections),
             *(c["label"] for c in response.get("choices", []))]
    found = []
    for text in texts:
        bare = QUOTED.sub("", COMMAND_LINE.sub("", text))
        found += [m.group(0) for m in SENTENCE.finditer(bare) if m.group(0) not in NOT_ENGLISH]
    return found


def test_a_chinese_console_answers_every_help_usage_error_and_button_in_chinese(new_db):
    lines = every_help_and_misuse() + TYPED
    result = run_cli(["console", "--json", "--lang", "zh", "--db", new_db("zh.db")], stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    responses = json_lines(result.stdout)
    assert len(responses) == len(lines)
    english = {line: found for line, response in zip(lines, responses) if (found := english_in(response))}
    assert english == {}
    errors = [r for r in responses if r["kind"] == "error"]
    assert len(errors) > 60 and sum(any(c.startswith("用法：") for c in r.get("context", [])) for r in errors) > 60
    assert not [c for r in responses for c in r.get("context", []) if c.startswith(("Usage:", "Example:"))]


def test_the_detector_finds_english():
    """The check above could pass by seeing nothing: it does see an English sentence."""
    assert english_in({"text": "`kb` 需要指定操作。 Give the reminder number, e.g. 12."}) == ["Give the reminder number"]
    assert english_in({"text": "用法：/seller remind <时间> <内容> | list | cancel", "context": ["示例：/seller kb show order-defect-rate"]}) == []


def test_chinese_command_words_answer_in_chinese_even_in_an_english_console(new_db):
    result = run_cli(["console", "--json", "--db", new_db("c.db")],
                     stdin="/seller 帮助\n/seller 帮助 提醒\n/seller 提醒 列表\n/seller help\n/seller 设置 语言 中文\n/seller help\n")
    first, remind_help, listed, english, saved, chinese = json_lines(result.stdout)
    assert first["kind"] == "help" and "平台政策问答" in first["text"]
    assert remind_help["title"] == "/seller 提醒" and remind_help["text"].startswith("在指定时间提醒本频道")
    assert listed["kind"] == "list" and listed["text"] == "本频道没有待发送的提醒。"
    assert english["text"].startswith("Policy answers")
    assert saved["title"] == "语言已保存" and saved["user_lang"] == "zh"
    assert chinese["text"].startswith("平台政策问答")
