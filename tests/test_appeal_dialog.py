"""The appeal dialogue through the real dispatcher: steps, validation, navigation, persistence."""

import pytest

from bot.clock import FakeClock
from bot.model import Request
from bot.services import Services
from tests.appeal_helpers import Chat, bare

pytestmark = pytest.mark.both_engines  # storage contract: SQLite and PostgreSQL


@pytest.fixture
def chat(services):
    return Chat(services)


TYPED = {
    "notice_date": "2026-11-20",
    "order_ids": "113-4567890-1234567",
    "conversation_orders": "113-4567890-1234567",
    "asins": "B0C1234567",
    "cdiscount_orders": "2011051803T1VLZ",
    "store_name": "Harbour Lights Home",
    "login_email": "ops@harbourlights-home.example",
    "actions_date": "2026-11-22",
    "retraction_date": "2026-11-22",
}


async def answer_one(chat, response):
    """A valid answer to the step being asked: its first choice, or a typed value, or Skip."""
    step, kind = response.data["step"], response.data["answer_type"]
    if kind == "choice":
        return await chat.press(response.choices[0].value)
    if kind == "multi":
        await chat.press(response.choices[0].value)
        return await chat.press("done")
    return await chat.say(TYPED[step]) if step in TYPED else await chat.press("skip")


async def answer_until(chat, response, stop_step: str):
    """Answer each step with a valid value until `stop_step` is asked."""
    for _ in range(60):  # a step that keeps refusing its answer fails the test instead of hanging it
        if response.kind != "dialog" or response.data["step"] == stop_step:
            return response
        response = await answer_one(chat, response)
    raise AssertionError(f"the dialogue did not reach {stop_step}: stuck at {response.data.get('step')}")


async def test_start_asks_the_marketplace_with_buttons_and_the_contract_fields(chat):
    r = await chat.cmd("appeal")
    assert r.kind == "dialog"
    # which steps are asked hangs on the marketplace and the type: no total is claimed before them
    assert r.data["step"] == "marketplace" and r.data["step_index"] == 1 and r.data["steps_total"] is None
    assert r.text.startswith("(step 1) ")
    assert r.data["dialog_id"].startswith("AP-")
    assert [bare(c.value) for c in r.choices][:2] == ["amazon-us", "amazon-uk"]
    contract = r.to_contract()
    assert {"dialog_id", "step", "step_index", "steps_total", "choices"} <= set(contract)


async def test_violation_types_follow_the_marketplace(chat):
    await chat.cmd("appeal")
    amazon = await chat.press("amazon-us")
    assert "cdiscount-formal-notice" not in [bare(c.value) for c in amazon.choices]
    assert {"odr", "messaging", "invalid-tracking"} <= {bare(c.value) for c in amazon.choices}
    await chat.cmd("appeal")
    cdiscount = await chat.press("cdiscount-fr")
    assert [bare(c.value) for c in cdiscount.choices] == ["cdiscount-formal-notice"]


async def test_start_with_a_type_preselects_it(chat):
    r = await chat.cmd("appeal start messaging")
    assert r.data["step"] == "marketplace"
    assert "cdiscount-fr" not in [bare(c.value) for c in r.choices]
    r = await chat.press("amazon-uk")
    assert r.data["step"] == "notice_date"
    r = await chat.cmd("appeal cdiscount-formal-notice")
    # the only marketplace of a Cdiscount notice is filled in; the letter's language comes first, since
    # the sentences typed later go into the letter as they are
    assert r.data["step"] == "language"
    r = await chat.press(next(c.value for c in r.choices if bare(c.value) == "fr"))
    assert r.data["step"] == "notice_date"


async def test_start_with_an_unknown_type_is_a_usage_error(chat):
    r = await chat.cmd("appeal start frobnicate")
    assert r.kind == "error" and "frobnicate" in r.text and "odr" in r.text
    assert any("Example:" in line for line in r.context)


@pytest.mark.parametrize("step,bad,reason", [
    ("order_ids", "113-456789-1234567", "NNN-NNNNNNN-NNNNNNN"),
    ("order_ids", "113-4567890-1234567, hello", "hello"),
    ("notice_date", "2026-12-25", "future"),
    ("notice_date", "next Tuesday", "future"),
    ("notice_date", "the day the parcel vanished", "could not read"),
    ("notice_date", "2019-01-05", "days ago"),
    ("login_email", "ops at example dot com", "e-mail address"),
])
async def test_invalid_answers_are_refused_with_the_reason_and_asked_again(chat, step, bad, reason):
    await answer_until(chat, await chat.cmd("appeal start odr"), step)
    refused = await chat.say(bad)
    assert refused.kind == "dialog" and refused.data["step"] == step
    assert reason in refused.data["error"] and refused.text.startswith("⚠")


async def test_asins_are_validated_and_normalised(chat):
    await answer_until(chat, await chat.cmd("appeal start inauthentic"), "asins")
    refused = await chat.say("B0C123456, B0C1234567")
    assert "B0C123456" in refused.data["error"] and "B0" in refused.data["error"]
    accepted = await chat.say("b0c1234567 B0D7654321 b0c1234567")
    assert accepted.data["step"] == "root_causes"
    state = chat.svc.dialogs.store.get(int(accepted.data["dialog_id"].split("-")[1]))
    assert state.answers["asins"] == ["B0C1234567", "B0D7654321"]


async def test_a_choice_that_is_not_offered_is_refused(chat):
    await chat.cmd("appeal")
    r = await chat.press("amazon-mars")
    assert r.data["step"] == "marketplace" and "amazon-mars" in r.data["error"]


async def test_dates_in_chinese_are_understood(services):
    chat = Chat(services, lang="zh")
    r = await answer_until(chat, await chat.cmd("appeal start odr"), "notice_date")
    assert "通知是哪天收到的" in r.text
    r = await chat.say("11月20日")
    assert r.data["step"] == "notice_effect"
    await chat.say("back")
    r = await chat.say("昨天")
    state = services.dialogs.store.get(int(r.data["dialog_id"].split("-")[1]))
    assert state.answers["notice_date"] == "2026-11-23"  # FakeClock: 2026-11-24


async def test_multi_steps_add_toggle_and_need_one_item_before_done(chat):
    r = await answer_until(chat, await chat.cmd("appeal start messaging"), "root_causes")
    assert r.multi and bare(r.choices[-1].value) == "done"
    r = await chat.press("done")
    assert r.data["step"] == "root_causes" and "at least" in r.data["error"]
    r = await chat.press("msg-rc-whatsapp")
    assert r.choices[0].label.startswith("✓") and "Selected so far" in r.text
    r = await chat.press("msg-rc-whatsapp")
    assert not r.choices[0].label.startswith("✓")
    r = await chat.say("The agent used a personal phone to reply to buyers at night")
    r = await chat.press("msg-rc-rude", "msg-rc-marketing")  # a multi-select sends several values at once
    assert "2. " in r.text and "3. " in r.text
    r = await chat.press("done")
    assert r.data["step"] == "actions"
    state = chat.svc.dialogs.store.get(int(r.data["dialog_id"].split("-")[1]))
    assert state.answers["root_causes"] == [
        {"text": "The agent used a personal phone to reply to buyers at night"},
        {"key": "msg-rc-rude"}, {"key": "msg-rc-marketing"},
    ]


async def test_long_text_steps_ask_for_a_long_input(chat):
    r = await answer_until(chat, await chat.cmd("appeal start odr"), "notice_text")
    assert r.input is not None and r.input.long is True
    assert [bare(c.value) for c in r.choices] == ["skip"]


async def test_back_returns_to_the_previous_answer_and_keeps_it(chat):
    r = await answer_until(chat, await chat.cmd("appeal start odr"), "notice_text")
    r = await chat.say("back")
    assert r.data["step"] == "notice_effect"
    r = await chat.say("back")
    assert r.data["step"] == "notice_date" and "Current answer: 2026-11-20" in r.text
    assert bare(r.choices[-1].value) == "keep"
    r = await chat.press("keep")
    assert r.data["step"] == "notice_effect"


async def test_only_optional_steps_can_be_skipped(chat):
    r = await answer_until(chat, await chat.cmd("appeal start odr"), "notice_text")
    r = await chat.press("skip")
    assert r.data["step"] == "metric_counts"
    r = await chat.press("skip")
    assert r.data["step"] == "order_ids"
    r = await chat.say("skip")
    assert r.data["step"] == "order_ids" and "cannot be skipped" in r.data["error"]


async def test_back_on_the_first_step_says_so(chat):
    await chat.cmd("appeal")
    r = await chat.say("back")
    assert r.data["step"] == "marketplace" and "first question" in r.data["error"]


async def test_edit_a_step_from_review_and_come_back_to_review(chat):
    r = await answer_until(chat, await chat.cmd("appeal start odr"), "review")
    assert bare(r.choices[0].value) == "done" and "edit store_name" in [bare(c.value) for c in r.choices]
    r = await chat.press("edit store_name")
    assert r.data["step"] == "store_name"
    r = await chat.say("Harbour Lights Outlet")
    assert r.data["step"] == "review" and "Harbour Lights Outlet" in r.text
    r = await chat.say("edit nothing-like-this")
    assert r.data["step"] == "review" and "store_name" in r.data["error"]


async def test_changing_the_type_drops_the_answers_that_no_longer_fit(chat):
    r = await answer_until(chat, await chat.cmd("appeal start odr"), "review")
    r = await chat.say("edit violation")
    r = await chat.press("ip-infringement")
    assert r.data["step"] == "asins", "the new type needs ASINs, not order IDs"
    r = await answer_until(chat, r, "root_causes")
    assert r.data["step"] == "root_causes" and bare(r.choices[0].value).startswith("ip-")


async def test_cancel_ends_the_dialogue(chat):
    await chat.cmd("appeal")
    r = await chat.say("cancel")
    assert r.kind == "info" and "cancelled" in r.text
    assert await chat.say("amazon-us") is None


async def test_other_users_in_the_channel_do_not_disturb_the_dialogue(services):
    alice, bob = Chat(services, user="alice"), Chat(services, user="bob")
    await alice.cmd("appeal")
    assert await bob.say("amazon-us") is None
    assert await bob.press("amazon-us") is None
    r = await alice.press("amazon-us")
    assert r.data["step"] == "violation"


async def test_dialogue_buttons_with_cmd_values_run_commands(chat):
    await chat.cmd("appeal")
    r = await chat.press("cmd:appeal list")
    assert r.kind == "list"


async def test_a_restart_loses_nothing_and_another_process_resumes(config, clock):
    first = Services(config, clock=clock)
    chat = Chat(first)
    r = await answer_until(chat, await chat.cmd("appeal start odr"), "root_causes")
    await chat.press("odr-rc-slow-replies")
    first.store.close()  # the process dies here

    second = Services(config, clock=FakeClock(clock.now()))
    again = Chat(second, channel="another-channel")
    r = await again.cmd("appeal resume")
    assert r.data["step"] == "root_causes" and "Resuming" in r.text
    assert r.choices[2].label.startswith("✓"), "the pick made before the crash is still there"
    r = await answer_until(again, await again.press("done"), "review")
    r = await again.press("done")
    assert r.kind == "draft" and "Buyer messages were not answered within 24 hours" in r.data["text"]
    second.store.close()


async def test_starting_a_second_appeal_pauses_the_first(chat):
    first = await chat.cmd("appeal start odr")
    second = await chat.cmd("appeal start messaging")
    assert first.data["dialog_id"] + " is paused" in second.text
    r = await chat.cmd(f"appeal resume {first.data['dialog_id']}")
    assert r.data["dialog_id"] == first.data["dialog_id"] and r.data["step"] == "marketplace"
    assert second.data["dialog_id"] + " is paused" in r.text


async def test_resume_with_nothing_to_resume_is_a_usage_error(chat):
    r = await chat.cmd("appeal resume")
    assert r.kind == "error" and "no unfinished appeal" in r.text


async def test_plain_messages_without_a_dialogue_are_not_answered(services):
    assert await services.dispatcher.handle(Request(kind="message", text="113-4567890-1234567")) is None


async def test_chinese_typed_into_a_letter_step_is_refused_in_chinese_with_english_suggestions(services):
    """Issue 12: Chinese typed into a step went verbatim into the English letter."""
    chat = Chat(services, lang="zh")
    r = await answer_until(chat, await chat.cmd("appeal start messaging"), "root_causes")
    r = await chat.say("客服用私人微信联系了买家")
    assert r.data["step"] == "root_causes"
    error = r.data["error"]
    assert error.startswith("申诉信是英文的") and "英文建议" in error
    first = services.appeals.flow.catalog["messaging"]["root_causes"][0]
    assert first.label.en in error  # an English suggestion to pick instead
    state = services.dialogs.store.get(int(r.data["dialog_id"].split("-")[1]))
    assert not state.answers.get("root_causes")  # nothing Chinese was kept
    r = await chat.say("An agent contacted a buyer through a personal chat app")
    assert "personal chat app" in r.text


async def test_chinese_typed_into_a_french_letter_is_refused_naming_french(services):
    """A French Cdiscount letter: the refusal names French, not English, and the draft says so."""
    chat = Chat(services, lang="zh")
    r = await answer_until(chat, await chat.cmd("appeal start cdiscount-formal-notice"), "language")
    french = next(c.value for c in r.choices if bare(c.value) == "fr")
    r = await answer_until(chat, await chat.press(french), "root_causes")
    r = await chat.say("库存每天只更新一次")  # typed, not picked: words that would go into the letter as they are
    assert r.data["step"] == "root_causes"
    assert r.data["error"].startswith("申诉信是法文的") and "英文" not in r.data["error"]
    draft = await answer_until(chat, await chat.say("Notre stock n'était mis à jour qu'une fois par jour"), "review")
    draft = await chat.press("done")
    assert any("申诉信为法文" in line for line in draft.context)


async def test_the_chinese_dialogue_says_the_letter_is_in_english(services):
    chat = Chat(services, lang="zh")
    r = await chat.cmd("appeal")
    assert "申诉信用英文撰写" in r.text
    draft = await answer_until(chat, r, "review")
    draft = await chat.press("done")
    assert any("申诉信为英文" in line for line in draft.context)


@pytest.mark.parametrize("step,typed", [
    ("notice_text", "您的订单缺陷率超过了 1% 的目标，我们已移除您的销售权限。"),
    ("complaint_ref", "投诉编号 8841920374，权利人 诺德利希"),
])
async def test_chinese_pasted_as_the_notice_or_typed_as_a_reference_is_refused_naming_english(services, step, typed):
    """The notice copied from Seller Central in Chinese went into the English letter as a quote."""
    chat = Chat(services, lang="zh")
    start = "appeal start odr" if step == "notice_text" else "appeal start ip-infringement"
    r = await answer_until(chat, await chat.cmd(start), step)
    if step == "notice_text":
        assert "英文" in r.text  # the prompt says which language the notice is quoted in
    r = await chat.say(typed)
    assert r.data["step"] == step and r.data["error"].startswith("申诉信是英文的")
    state = services.dialogs.store.get(int(r.data["dialog_id"].split("-")[1]))
    assert step not in state.answers


async def test_after_choosing_a_french_letter_no_prompt_asks_for_english(services):
    """The Cdiscount French dialogue told the agent to type actions and attachments in English."""
    chat = Chat(services, lang="zh")
    r = await answer_until(chat, await chat.cmd("appeal start cdiscount-formal-notice"), "language")
    r = await chat.press(next(c.value for c in r.choices if bare(c.value) == "fr"))
    prompts = []
    for _ in range(40):  # every step after the language, up to the review
        if r.kind != "dialog" or r.data["step"] == "review":
            break
        prompts.append(r.text)
        r = await answer_one(chat, r)
    assert r.data["step"] == "review" and len(prompts) > 5
    assert prompts and not [p for p in prompts if "英文输入" in p or "请用英文" in p or "用英文，" in p]


ADMISSIONS = ("It was our responsibility", "our checks were not sufficient")


async def _press(chat, response, value: str):
    """Press the button of `value` among the choices the step offers (refused if it is not offered)."""
    return await chat.press(next(c.value for c in response.choices if bare(c.value) == value))


@pytest.mark.parametrize("entitlement", ["brand-owner", "licence", "owner-authorisation",
                                         "distributor-authorisation", "distributor-invoices"])
async def test_an_ip_seller_entitled_to_sell_answers_with_its_proof_instead_of_admitting_fault(chat, entitlement):
    flow = chat.svc.appeals.flow
    r = await answer_until(chat, await chat.cmd("appeal start ip-infringement"), "retraction")
    r = await _press(chat, r, "authorised")
    assert r.data["step"] == "entitlement"
    r = await answer_until(chat, await _press(chat, r, entitlement), "root_causes")
    # the causes offered explain why the complaint arose; none says the seller was not entitled
    admitting = {c.value for c in flow.choices_for(flow.step("root_causes"), {"violation": "ip-infringement", "retraction": "not-retracted"})}
    offered = {bare(c.value) for c in r.choices} - {"done"}
    assert offered and not offered & admitting
    r = await answer_until(chat, r, "review")
    letter = (await chat.press("done")).data["text"]
    right = flow.extra["entitlements"][entitlement]
    proof = next(c.text.en for c in flow.catalog["ip-infringement"]["evidence"] if c.value == right["proof"])
    assert right["sentence"] in letter and not [s for s in ADMISSIONS if s in letter]
    assert f"Attached:\n- {proof}\n" in letter and f"--- Attach to the form ---\n- {proof}\n" in letter


@pytest.mark.parametrize("retraction,says,never", [
    ("retracted", "On 22 November 2026 the rights owner retracted the complaint; their retraction is attached.", ADMISSIONS[0]),
    ("not-retracted", ADMISSIONS[0] + " to confirm that we were entitled", "retracted the complaint"),
])
async def test_the_retracted_and_not_retracted_ip_letters_are_unchanged(chat, retraction, says, never):
    r = await answer_until(chat, await chat.cmd("appeal start ip-infringement"), "retraction")
    r = await answer_until(chat, await _press(chat, r, retraction), "review")
    letter = (await chat.press("done")).data["text"]
    assert says in letter and never not in letter and "entitled to sell" not in letter


async def test_switching_to_entitled_to_sell_drops_the_admitting_root_causes_picked_before(chat):
    r = await answer_until(chat, await chat.cmd("appeal start ip-infringement"), "retraction")
    r = await answer_until(chat, await _press(chat, r, "not-retracted"), "root_causes")
    await chat.press("ip-rc-hijack")
    r = await answer_until(chat, await chat.press("done"), "review")
    r = await chat.say("edit retraction")
    r = await _press(chat, r, "authorised")
    assert r.data["step"] == "entitlement"
    r = await _press(chat, r, "licence")
    assert r.data["step"] == "root_causes", "the cause picked on the other path is asked again"
    r = await answer_until(chat, r, "review")
    letter = (await chat.press("done")).data["text"]
    assert "without authorisation to sell under that brand" not in letter and "under a licence" in letter


@pytest.mark.parametrize("lang, future, before", [
    ("en", "2026-11-25 is in the future: give a date up to today (Actions completed on).",
     "2026-11-19 is before notice date (2026-11-20): check the year and the day."),
    ("zh", "2026-11-25 是将来的日期：请填写今天或之前的日期（措施完成日期）。",
     "2026-11-19 早于通知日期（2026-11-20）：请检查年份和日期。"),
])
async def test_the_actions_date_is_between_the_notice_and_today_and_its_errors_name_it(services, lang, future, before):
    """A future actions date was told "give the date the notice arrived"; one before the notice (a
    year typed wrong: 2025-12-01 for a notice of 2026-12-06) went into the letter unnoticed."""
    chat = Chat(services, lang=lang)
    r = await answer_until(chat, await chat.cmd("appeal start messaging"), "actions_date")
    r = await chat.say("2026-11-25")  # FakeClock: 2026-11-24
    assert r.data["step"] == "actions_date" and r.data["error"] == future
    r = await chat.say("2026-11-19")
    assert r.data["step"] == "actions_date" and r.data["error"] == before
    r = await chat.say("2026-11-20")  # the notice's own day is fine
    assert r.data["step"] != "actions_date"
