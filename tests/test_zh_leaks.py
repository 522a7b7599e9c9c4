"""English leaking into the Chinese interface, and small input gaps found beside it: route notes,
states and step ids, sources, the console's button hint, marketplace names, full-width digits,
keywords inside names, Chinese action words, bidi characters.

The sweep at the end runs help, misuse and a happy path of every command through
`sellerbot console --json --lang zh` and refuses any run of two English words outside ids, command
lines, quoted text and the English appeal letter itself.
"""

from __future__ import annotations

import io
import re

import pytest
import yaml

from adapters.console import ConsolePrinter
from bot.appeals.mailboxes import Mailboxes
from bot.dispatcher import clean_text
from bot.model import Choice, Request, Response
from tests.conftest import ROOT, json_lines, run_cli
from tests.test_chinese_interface import TYPED, every_help_and_misuse

TWO_WORDS = re.compile(r"(?<![\w\-./@#<])[A-Za-z]{2,}(?: [A-Za-z]{2,})+(?![\w\-/@>])")
COMMAND_LINE = re.compile(r"/seller(?: [^\s，。；：（）]+)*")
"""A command line, Chinese words and all (`/seller 案件 更新 3 appeal sent`): typed words, not prose."""
QUOTED = re.compile(r"`[^`]*`|“[^”]*”|\"[^\"]*\"|（[A-Za-z][A-Za-z ,'/-]*）")
"""Quoted words, and a gloss in brackets after a Chinese term (`账户状况（Account Health）`)."""
NAMES = {"mise en demeure", "vendor express", "project zero"}
"""Names kept as they are: Cdiscount's French formal notice, Amazon programmes."""


def english_runs(text: str) -> list[str]:
    bare = QUOTED.sub("", COMMAND_LINE.sub("", text))
    return [m for m in TWO_WORDS.findall(bare) if m.lower() not in NAMES]


def shown_texts(response: dict) -> list[str]:
    """What a person reads, less the appeal letter (written in English on purpose) and what it lists."""
    sections = response.get("sections") if isinstance(response.get("sections"), list) else []
    if response.get("kind") == "draft":
        sections = [s for s in sections if s.get("title") == "发送到哪里"]
        return [*response.get("context", []), *(s["text"] for s in sections)]
    return [response.get("text") or "", response.get("title") or "", *response.get("context", []),
            *(s.get("title") or "" for s in sections), *(s["text"] for s in sections),
            *(c["label"] for c in response.get("choices", []))]


def test_the_detector_sees_two_english_words_and_passes_ids_and_command_lines():
    assert english_runs("卖家列表：Seller list of mailboxes") == ["Seller list of mailboxes"]
    assert english_runs("状态是 cancelled，当前步骤“站点” amazon-us order-defect-rate") == []
    assert english_runs("示例：/seller 案件 更新 3 appeal sent") == []
    assert english_runs("绩效（Performance）> 账户状况（Account Health）") == []


# ----- route notes -----------------------------------------------------------------------------

ROUTES = yaml.safe_load((ROOT / "knowledge" / "mailboxes.yaml").read_text(encoding="utf-8"))["routes"]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r['marketplace']}/{r['purpose']}")
def test_every_route_note_reads_in_the_users_language(route):
    mailboxes = Mailboxes.load(ROOT / "knowledge" / "mailboxes.yaml")
    zh = mailboxes.send_to(route["marketplace"], route["purpose"], "zh")["route_note"]
    en = mailboxes.send_to(route["marketplace"], route["purpose"], "en")["route_note"]
    assert re.search(r"[\u4e00-\u9fff]", zh) and english_runs(re.sub(r"[\w.+-]+@[\w.-]+|https?://\S+", "", zh)) == []
    assert en == route["note"]["en"]


def test_a_fallback_route_names_the_purpose_in_chinese():
    note = Mailboxes.load(ROOT / "knowledge" / "mailboxes.yaml").send_to("amazon-uk", "listing", "zh")["note"]
    assert "非侵权类商品页面问题" in note and "listing" not in note


# ----- states, step ids, sources -----------------------------------------------------------------


async def test_states_and_steps_are_shown_by_their_chinese_labels(ask):
    await ask("remind 明天上午10点 提交申诉", lang="zh")
    await ask("remind cancel 1", lang="zh")
    again = await ask("remind cancel 1", lang="zh")
    assert "提醒 #1 已取消" in again.text and "cancelled" not in again.text
    snooze = await ask("remind snooze 1 1h", lang="zh")
    assert "已取消" in snooze.text and "cancelled" not in snooze.text
    await ask("appeal", lang="zh")
    listed = await ask("appeal list", lang="zh")
    assert "进行中，当前步骤“站点”" in listed.text and "active" not in listed.text and "marketplace" not in listed.text
    assert listed.data["items"][0]["status"] == "active"  # the id stays in the data
    english = await ask("appeal list", lang="en")
    assert "in progress at “Marketplace”" in english.text


async def test_an_answer_cites_its_source_in_the_users_language(ask):
    zh = await ask("ask 订单缺陷率是多少", lang="zh")
    source = next(line for line in zh.context if line.startswith("来源："))
    assert "卖家平台帮助：订单缺陷率" in source and "Seller Central Help" not in source
    assert zh.data["source"] == source.removeprefix("来源：")
    en = await ask("ask what is the order defect rate limit", lang="en")
    assert any(line.startswith("Source: Seller Central Help: Order Defect Rate") for line in en.context)
    shown = await ask("kb show order-defect-rate", lang="zh")
    assert "来源：卖家平台帮助：订单缺陷率" in shown.context[0]


# ----- console ------------------------------------------------------------------------------------


def test_the_button_hint_follows_the_language_of_the_answer():
    out = io.StringIO()
    printer = ConsolePrinter(out, lang="en")
    printer.show(Response(text="选择", choices=[Choice(label="是", value="yes")], lang="zh"))
    assert "输入 !序号" in out.getvalue() and "press a button" not in out.getvalue()


async def test_an_unbalanced_quote_is_explained_without_pythons_words(ask):
    r = await ask('remind list "mine', lang="zh")
    assert r.kind == "error" and "引号没有配对" in r.text and "No closing" not in r.text


# ----- input ---------------------------------------------------------------------------------------


async def test_full_width_digits_and_chinese_marketplace_names_are_read_everywhere(ask):
    counted = await ask("metrics odr １２ ２２６", lang="zh")
    assert counted.kind == "metrics" and (counted.data["bad"], counted.data["total"]) == (12, 226)
    for typed, code in (("美国站", "amazon-us"), ("德国站", "amazon-de"), ("日本站", "amazon-jp"), ("亚马逊英国站", "amazon-uk"),
                        ("uk", "amazon-uk"), ("AMAZON-DE", "amazon-de")):
        r = await ask(f"metrics odr 2 126 {typed}", lang="zh")
        assert r.kind == "metrics" and r.data["marketplace"] == code, (typed, r.text)
    unknown = await ask("metrics odr 2 126 火星站", lang="zh")
    assert unknown.kind == "error" and "未知站点 `火星站`" in unknown.text
    opened = await ask("case open messaging-warning marketplace 德国站", lang="zh")
    assert opened.data["marketplace"] == "amazon-de"


async def test_the_appeal_dialogue_takes_a_chinese_marketplace_name(services, ask):
    await ask("appeal", lang="zh", user="u1")
    step = await services.dispatcher.handle(Request(kind="message", text="德国站", lang="zh", user="u1"))
    assert step.kind == "dialog" and step.data["step"] == "violation"
    listed = await ask("appeal list", lang="zh", user="u1")
    assert listed.data["items"][0]["marketplace"] == "amazon-de"


def test_clean_text_folds_full_width_ascii_and_strips_bidi_controls():
    assert clean_text("metrics odr １２ ２２６ ＃３") == "metrics odr 12 226 #3"
    assert clean_text("提交申诉，（今天）：完成！") == "提交申诉，（今天）：完成！"  # Chinese punctuation stays
    for mark in ("\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u061c", "\x85", "\u2060"):
        assert clean_text(f"Anker{mark} Store") == "Anker Store", repr(mark)


async def test_a_right_to_left_override_is_not_stored(ask):
    r = await ask("remind 明天上午10点 \u202e提交申诉", lang="zh")
    assert r.text == "提交申诉" and "\u202e" not in r.text


async def test_a_keyword_inside_a_store_name_gets_a_hint_to_quote_it(ask):
    r = await ask("case open messaging-warning store Anker Official Store", lang="zh")
    assert r.kind == "error" and '`store "Anker Official Store"`' in r.text and "引号" in r.text
    en = await ask("case open messaging-warning store Anker Official Store marketplace us", lang="en")
    assert 'put the name in quotes: `store "Anker Official Store"`' in en.text
    quoted = await ask('case open messaging-warning store "Anker Official Store"', lang="zh")
    assert quoted.kind == "case" and quoted.data["store"] == "Anker Official Store"


@pytest.mark.parametrize("line,kind,check", [
    ("提醒 删除 1", "info", "已取消提醒 #1"),
    ("提醒 删 1", "info", "已取消提醒 #1"),
    ("提醒 延后 1 10分钟", "reminder", "已推迟"),
    ("提醒 延迟 1 1小时", "reminder", "已推迟"),
    ("提醒 列", "list", ""),
])
async def test_chinese_action_words_of_remind(ask, line, kind, check):
    await ask("remind 明天上午10点 提交申诉", lang="zh")
    r = await ask(line)
    assert r.kind == kind and check in (r.title or "") + r.text, r.text


# ----- the sweep ------------------------------------------------------------------------------------

HAPPY = [
    "/seller ask 订单缺陷率是多少", "/seller ask 迟发率多少算超标", "/seller ask 账户被封资金怎么办", "/seller ask 知识产权投诉怎么申诉",
    "/seller kb show order-defect-rate", "/seller kb show appeal-mailboxes", "/seller kb search 缺陷率", "/seller kb stats",
    "/seller kb stale", "/seller case types", "/seller case open messaging-warning store Anker marketplace 美国站",
    "/seller case show 1", "/seller case list", "/seller case update 1 appeal sent", "/seller case close 1",
    "/seller case open messaging-warning store Anker Official Store", "/seller remind 明天上午10点 提交申诉",
    "/seller remind list", "/seller 提醒 列", "/seller 提醒 延后 1 10分钟", "/seller 提醒 删除 1", "/seller remind cancel 1",
    "/seller remind snooze 1 1h", "/seller metrics odr １２ ２２６ 德国站", "/seller metrics odr 2", "/seller remind list \"mine",
    "/seller appeal", "美国站", "/seller appeal list", "/seller appeal show AP-1", "/seller appeal cancel", "/seller appeal show AP-1",
    "/seller settings", "/seller feedback 1 helpful",
]


def test_a_chinese_console_has_no_english_prose_in_help_errors_or_happy_paths(new_db):
    lines = every_help_and_misuse() + TYPED + HAPPY
    result = run_cli(["console", "--json", "--lang", "zh", "--db", new_db("sweep.db")], stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    responses = json_lines(result.stdout)
    assert len(responses) == len(lines)
    english = {line: found for line, response in zip(lines, responses)
               if (found := [run for text in shown_texts(response) for run in english_runs(text)])}
    assert english == {}


async def test_a_chinese_draft_says_where_to_send_it_in_chinese(services):
    """The sweep skips the English letter but reads "发送到哪里"; a whole zh appeal reaches it."""
    from tests.appeal_helpers import Chat
    from tests.test_appeal_dialog import answer_until

    chat = Chat(services, lang="zh")
    await answer_until(chat, await chat.cmd("appeal"), "review")
    draft = await chat.press("done")
    assert draft.kind == "draft", draft.text
    where = next(s.text for s in draft.sections if s.title == "发送到哪里")
    assert "绩效类申诉" in where and english_runs(re.sub(r"路径：.*|\S+@\S+", "", where)) == []
