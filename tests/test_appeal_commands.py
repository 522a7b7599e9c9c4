"""`/seller appeal list|show|cancel`, the draft response, autocomplete, and where to send the letter."""

from pathlib import Path

import pytest

from bot.appeals.mailboxes import Mailboxes
from bot.model import Request
from tests.appeal_helpers import Chat
from tests.test_appeal_dialog import answer_until

FIXTURE = Path(__file__).parent / "data" / "mailboxes.yaml"


async def finished_draft(chat, kind="odr"):
    r = await answer_until(chat, await chat.cmd(f"appeal start {kind}"), "review")
    return await chat.press("done")


async def test_the_draft_response_has_the_letter_inline_and_as_a_file_with_lint_and_mailbox(services):
    chat = Chat(services)
    draft = await finished_draft(chat)
    assert draft.kind == "draft"
    contract = draft.to_contract()
    assert contract["draft_id"] == "AP-1" and contract["text"] == draft.text
    assert contract["files"][0]["content"] == draft.text and contract["files"][0]["mime"] == "text/markdown"
    assert isinstance(contract["lint"], list)
    assert contract["send_to"]["email"] == "seller-performance@amazon.com"
    assert contract["send_to"]["verify_before_use"] is True and "Verify before use" in contract["send_to"]["note"]
    where = next(s for s in draft.sections if s.title == "Where to send it")
    assert "Account Health" in where.text and "⚠ Verify before use" in where.text
    assert "Harbour Lights Home" in draft.text and "ops@harbourlights-home.example" in draft.text


async def test_list_shows_drafts_and_appeals_in_progress(services):
    chat = Chat(services)
    await finished_draft(chat)
    await chat.cmd("appeal start messaging")
    r = await chat.cmd("appeal list")
    assert r.kind == "list" and [i["id"] for i in r.data["items"]] == ["AP-2", "AP-1"]
    assert [i["status"] for i in r.data["items"]] == ["active", "draft"]
    assert {c.value for c in r.choices} == {"cmd:appeal resume AP-2", "cmd:appeal show AP-1"}
    other = await Chat(services, user="someone-else").cmd("appeal list")
    assert other.data["items"] == []


async def test_show_a_draft_and_an_appeal_in_progress(services):
    chat = Chat(services)
    draft = await finished_draft(chat)
    shown = await chat.cmd("appeal show ap-1")
    assert shown.kind == "draft" and shown.text == draft.text
    await chat.cmd("appeal start messaging")
    await chat.press("amazon-us")
    progress = await chat.cmd("appeal show AP-2")
    assert progress.kind == "info" and "Amazon US" in progress.sections[0].text
    assert progress.choices[0].value == "cmd:appeal resume AP-2"


@pytest.mark.parametrize("text,needle", [("appeal show", "Give its ID"), ("appeal show AP-99", "AP-99"), ("appeal show banana", "banana")])
async def test_show_needs_an_id_of_your_own(services, text, needle):
    r = await Chat(services).cmd(text)
    assert r.kind == "error" and needle in r.text


async def test_others_cannot_see_your_drafts_unless_curators(services):
    await finished_draft(Chat(services, platform="slack", user="U1"))
    r = await Chat(services, platform="slack", user="U2").cmd("appeal show AP-1")
    assert r.kind == "error"
    services.config.curator_roles = ["S0CURATORS"]
    curator = await services.dispatcher.handle(Request(kind="command", text="appeal show AP-1", platform="slack", user="U3", channel="c1", roles=["S0CURATORS"]))
    assert curator.kind == "draft"


async def test_cancel_the_dialogue_here_or_a_draft_by_id(services):
    chat = Chat(services)
    await finished_draft(chat)
    r = await chat.cmd("appeal cancel AP-1")
    assert r.kind == "info" and "cancelled" in r.text
    assert services.appeals.drafts.get(1)["status"] == "cancelled"
    again = await chat.cmd("appeal show AP-1")
    assert again.kind == "info" and again.data["status"] == "cancelled"
    await chat.cmd("appeal")
    r = await chat.cmd("appeal cancel")
    assert r.data == {"dialog_id": "AP-2", "status": "cancelled"}
    r = await chat.cmd("appeal cancel")
    assert r.kind == "error" and "No appeal is in progress" in r.text


async def test_resume_a_finished_draft_reopens_it_for_editing_and_makes_a_new_version(services):
    chat = Chat(services)
    await finished_draft(chat)
    r = await chat.cmd("appeal resume AP-1")
    assert r.kind == "dialog" and r.data["step"] == "review"
    await chat.press("edit store_name")
    await chat.say("Harbour Lights Outlet")
    draft = await chat.press("done")
    assert draft.kind == "draft" and draft.data["version"] == 2 and "Harbour Lights Outlet" in draft.text


async def test_autocomplete_lists_the_users_drafts(services):
    chat = Chat(services)
    await finished_draft(chat)
    await chat.cmd("appeal start messaging")
    req = Request(kind="command", user="agent-1", channel="c1")
    everything = await services.dispatcher.suggest("draft", "", req)
    assert [c.value for c in everything] == ["AP-2", "AP-1"]
    assert [c.value for c in await services.dispatcher.suggest("draft", "harbour", req)] == ["AP-1"]
    assert "draft" in services.app.suggesters


async def test_chinese_interface_prompts_and_lint_in_chinese(services):
    chat = Chat(services, lang="zh")
    r = await chat.cmd("appeal")
    assert "哪个站点" in r.text and r.choices[0].label == "亚马逊美国站"
    draft = await answer_until(chat, r, "review")
    draft = await chat.press("done")
    assert draft.title.startswith("申诉草稿") and "Dear Seller Performance Team" in draft.text


async def test_help_lists_the_appeal_actions(services):
    r = await Chat(services).cmd("help appeal")
    assert "appeal show <ID>" in r.sections[1].text and "appeal [start] [TYPE]" in r.sections[1].text


def test_mailbox_by_marketplace_and_purpose_with_fallback_and_warning():
    boxes = Mailboxes.load(FIXTURE)
    ip = boxes.send_to("amazon-us", "ip")
    assert ip["email"] == "notice-request-dispute@amazon.com" and ip["verify_before_use"]
    assert ip["note"].startswith("Verify before use") and ip["verified_on"] == "2026-11-20"
    fallback = boxes.send_to("amazon-uk", "messaging")
    assert fallback["email"] == "seller-performance@amazon.co.uk" and "general performance route" in fallback["note"]
    cdiscount = boxes.send_to("cdiscount-fr", "formal-notice", "zh")
    assert cdiscount["email"] is None and "Espace vendeur" in cdiscount["path"] and cdiscount["note"].startswith("使用前请核实")
    unknown = boxes.send_to("amazon-br", "performance")
    assert unknown["email"] is None and "No mailbox is known" in unknown["note"]
    assert Mailboxes.load(Path("/nonexistent/mailboxes.yaml")).send_to("amazon-us", "ip")["email"] is None


def test_every_appeal_type_finds_a_route_in_the_knowledge_base(services):
    appeals = services.appeals
    boxes = appeals.mailboxes()
    for choice in appeals.flow.step("marketplace").choices:
        for violation in appeals.flow.catalog:
            offered = {c.value for c in appeals.flow.choices_for(appeals.flow.step("violation"), {"marketplace": choice.value})}
            if violation not in offered:
                continue
            send_to = boxes.send_to(choice.value, appeals.types[violation]["purpose"])
            assert send_to["path"], (choice.value, violation)


async def test_appeal_types_are_offered_for_autocomplete_in_the_users_language(services):
    from bot.model import Request

    every = await services.dispatcher.suggest("appeal_type", "", Request(kind="command"))
    assert {"messaging", "odr", "cdiscount-formal-notice"} <= {c.value for c in every}
    chinese = await services.dispatcher.suggest("appeal_type", "", Request(kind="command", lang="zh"))
    assert any("\u4e00" <= ch <= "\u9fff" for c in chinese for ch in c.label)
    narrowed = await services.dispatcher.suggest("appeal_type", "track", Request(kind="command"))
    assert narrowed and all("track" in (c.value + c.label).lower() for c in narrowed)
