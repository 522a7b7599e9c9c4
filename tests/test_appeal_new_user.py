"""What a new user's review of the appeal dialogue found, through the real dispatcher: Chinese in the
store name, a tracked draft's case without its store, a reopened draft that could not be tracked or
shown whole, a step counter whose total moved, prompts naming a language the letter is not in, and
an action typed as an intention that only the final checks caught."""

import re

import pytest

from tests.appeal_helpers import Chat, bare
from tests.test_appeal_dialog import TYPED, answer_one, answer_until

pytestmark = pytest.mark.both_engines  # the draft keeps its answers in both stores (m004_answers)
CJK = re.compile(r"[\u4e00-\u9fff]")


async def finished(chat, kind="messaging"):
    await answer_until(chat, await chat.cmd(f"appeal start {kind}"), "review")
    return await chat.press("done")


@pytest.mark.parametrize("lang, needle", [
    ("zh", "请按平台上显示的店铺名输入（拉丁字母"),
    ("en", "type the store's name as it appears on the marketplace, in Latin letters"),
])
async def test_a_chinese_store_name_is_refused_at_its_step_with_how_to_type_it(services, lang, needle):
    chat = Chat(services, lang=lang)
    await answer_until(chat, await chat.cmd("appeal start messaging"), "store_name")
    refused = await chat.say("小米旗舰店")
    assert refused.data["step"] == "store_name" and needle in refused.data["error"]
    assert "store_name" not in services.dialogs.store.get(1).complete  # nothing stored
    await chat.say("Xiaomi Store")
    review = await chat.say(TYPED["login_email"])
    assert review.data["step"] == "review"
    draft = await chat.press("done")
    assert draft.kind == "draft" and "Xiaomi Store" in draft.text and not CJK.search(draft.text)


async def test_a_chinese_store_name_kept_from_before_is_checked_again(services):
    chat = Chat(services)
    await finished(chat)
    services.dialogs.store.save_answer(1, "store_name", "小米旗舰店", complete=True, now=services.clock.now())
    await chat.cmd("appeal resume AP-1")
    await chat.press("edit store_name")
    kept = await chat.press("keep")
    assert kept.data["step"] == "store_name" and "Latin letters" in kept.data["error"]


async def test_a_cases_chinese_store_is_not_put_into_the_letter_but_asked(services):
    chat = Chat(services)
    opened = await chat.cmd("case open messaging-warning received 2026-11-20 09:00 marketplace us store 小米旗舰店")
    assert opened.data["case_id"] == 1
    asked = []
    response = await chat.cmd("appeal start case 1")
    while response.kind == "dialog" and response.data["step"] != "review":
        asked.append(response.data["step"])
        response = await answer_one(chat, response)
    assert "store_name" in asked


async def test_a_tracked_draft_opens_its_case_with_the_drafts_store_and_marketplace(services):
    chat = Chat(services)
    await finished(chat)
    case = await chat.cmd("appeal track AP-1")
    assert case.kind == "case"
    assert case.data["store"] == TYPED["store_name"] and case.data["marketplace"] == "amazon-us"
    assert case.data["events"]["received"].startswith("2026-11-20")  # counted from the notice date


async def test_a_reopened_draft_is_tracked_and_shown_as_last_finished(services):
    chat = Chat(services, lang="zh")
    first = await finished(chat)
    await chat.cmd("appeal resume AP-1")
    editing = await chat.press("edit root_causes")
    assert editing.data["step"] == "root_causes"
    shown = await chat.cmd("appeal show AP-1")
    assert shown.kind == "draft" and shown.text == first.text and shown.data["version"] == 1
    assert shown.data["editing"] == ["root_causes"]
    assert "AP-1 正在修改（修改中：根本原因）" in shown.context[0]
    assert shown.choices[0].value == "cmd:appeal resume AP-1"
    tracked = await chat.cmd("appeal track AP-1")
    assert tracked.kind == "case" and tracked.data["store"] == TYPED["store_name"]
    assert "案件跟进的是最后完成的第 1 版" in tracked.context[0]


async def test_the_step_counter_never_claims_a_total_the_answers_do_not_decide(services):
    chat = Chat(services, lang="zh")
    shown = []
    response = await chat.cmd("appeal start odr")
    shown.append(response.text.split(")")[0] + ")")
    response = await chat.press("amazon-us")
    shown.append(response.text.split(")")[0] + ")")
    back = await chat.say("返回")  # reopens the type: which steps are asked is open again
    shown.append(back.text.split(")")[0] + ")")
    assert shown == ["(第 1 步)", "(3/16)", "(第 2 步)"]
    assert back.data["steps_total"] is None
    totals = set()
    response = await chat.press(back.choices[0].value)
    while response.kind == "dialog" and response.data["step"] != "review":
        totals.add(response.data["steps_total"])
        response = await answer_one(chat, response)
    assert totals == {16}


@pytest.mark.parametrize("violation, letter, other", [
    ("odr", "英文", "法文"), ("messaging", "英文", "法文"), ("ip-infringement", "英文", "法文"),
    ("cdiscount-formal-notice", "法文", "英文"),
])
async def test_prompts_name_only_the_letters_language(services, violation, letter, other):
    chat = Chat(services, lang="zh")
    response = await chat.cmd(f"appeal start {violation}")
    texts = {}
    while response.kind == "dialog" and response.data["step"] != "review":
        step = response.data["step"]
        texts[step] = response.text
        if step == "language":
            response = await chat.press(next(c.value for c in response.choices if bare(c.value) == "fr"))
        elif step == "cdiscount_orders":
            response = await chat.press("skip")
        else:
            response = await answer_one(chat, response)
    assert f"用{letter}输入" in texts["actions"]
    named_other = [step for step, text in texts.items() if other in text and step not in ("marketplace", "language")]
    assert named_other == []


@pytest.mark.parametrize("lang, typed, needle", [
    ("en", "We will retrain all agents.", "“We will” says what will be done"),
    ("zh", "We will retrain all agents.", "“We will”写的是打算"),
    ("en", "We plan to add a second agent for weekends.", "past tense"),
    ("en", "The new checklist will be implemented next week.", "A plan belongs to the preventive measures"),
])
async def test_an_action_typed_as_an_intention_is_refused_at_the_step(services, lang, typed, needle):
    chat = Chat(services, lang=lang)
    await answer_until(chat, await chat.cmd("appeal start messaging"), "actions")
    refused = await chat.say(typed)
    assert refused.data["step"] == "actions" and needle in refused.data["error"]
    assert services.dialogs.store.get(1).answers.get("actions") in (None, [])  # nothing added
    accepted = await chat.say("We retrained all agents on the messaging rules on 21 November.")
    assert "error" not in accepted.data and ("Added" in accepted.text or "已添加" in accepted.text)
