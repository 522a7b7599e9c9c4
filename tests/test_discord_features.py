"""The real features through Discord: payloads a Discord client would send, discord.py's own state
and command tree, the real core behind them, the mock REST API recording what users would see."""

from __future__ import annotations

from datetime import timedelta

from adapters.discord.sender import DiscordSender
from bot.model import Response
from bot.sender import Outgoing
from tests.mocks.discord_api import AGENT_ID, APP_ID, CHANNEL_ID, OWNER_ID, ROLE_CURATOR_ID, buttons, user
from tests.mocks.discord_fixtures import *  # noqa: F401,F403
from tests.mocks.discord_fixtures import interact
from tests.reminder_fakes import delivery_for

STORE = "Harbour Lights Home"
EMAIL = "ops@harbourlights-home.example"


def answer_button(message: dict) -> dict:
    [opener] = [b for b in buttons(message) if b["custom_id"].startswith("sb:in:")]
    return opener


def select_menu(message: dict) -> dict:
    [menu] = [c for row in message["components"] for c in row["components"] if c["type"] == 3]
    return menu


class DiscordUser:
    """Clicks and types in Discord: each action is one INTERACTION_CREATE, and the bot's next
    message (or the marked one) is read back from the mock API."""

    def __init__(self, bot, api, locale: str = "en-US"):
        self.bot, self.api, self.locale = bot, api, locale

    async def slash(self, path: list[str], options: dict) -> dict:
        payload = self.api.slash(path, options, locale=self.locale)
        [callback] = await interact(self.bot, self.api, payload)
        assert callback["type"] == 4, callback
        return self.api.original(payload)

    async def press(self, message: dict, label: str) -> dict:
        [target] = [b for b in buttons(message) if b["label"] == label]
        payload = self.api.press(message, target["custom_id"], locale=self.locale)
        await interact(self.bot, self.api, payload, followups=1)
        return self.api.latest()

    async def pick(self, message: dict, count: int) -> dict:
        menu = select_menu(message)
        values = [o["value"] for o in menu["options"][:count]]
        await interact(self.bot, self.api, self.api.select(message, menu["custom_id"], values, locale=self.locale), followups=1)
        return self.api.latest()

    async def type(self, message: dict, text: str, *, long: bool) -> dict:
        payload = self.api.press(message, answer_button(message)["custom_id"], locale=self.locale)
        [modal] = await interact(self.bot, self.api, payload)
        assert modal["type"] == 9
        box = modal["data"]["components"][0]["components"][0]
        assert box["style"] == (2 if long else 1), box
        submit = self.api.submit(message, modal["data"]["custom_id"], {box["custom_id"]: text}, locale=self.locale)
        await interact(self.bot, self.api, submit, followups=1)
        return self.api.latest()


def prompt(message: dict) -> str:
    return message["embeds"][0]["description"]


async def test_a_whole_appeal_dialogue_in_discord(discord_api, bot, services):
    agent = DiscordUser(bot, discord_api)
    message = await agent.slash(["appeal"], {"action": "start", "type": "messaging"})
    assert "marketplace" in prompt(message).lower() and "Amazon US" in [b["label"] for b in buttons(message)]
    message = await agent.press(message, "Amazon US")
    message = await agent.type(message, "2026-11-20", long=False)  # the notice's date
    message = await agent.press(message, "A warning only")  # what the notice did
    notice = "Dear Seller,\nWe found messages asking buyers to contact you outside Buyer-Seller Messaging."
    message = await agent.type(message, notice, long=True)  # the notice's text, pasted in a paragraph box
    message = await agent.type(message, "112-9876543-1112223", long=False)  # the orders concerned
    # root causes: two suggestions from the menu, one in our own words, then Done
    message = await agent.pick(message, 2)
    assert [o["label"][:1] for o in select_menu(message)["options"][:3]] == ["✓", "✓", select_menu(message)["options"][2]["label"][:1]]
    assert "Selected so far" in prompt(message) and "2. " in prompt(message)
    message = await agent.type(message, "A new agent answered from a personal e-mail template.", long=True)
    assert "personal e-mail template" in prompt(message)
    message = await agent.press(message, "Done")
    message = await agent.pick(message, 2)  # actions
    message = await agent.press(message, "Done")
    message = await agent.type(message, "2026-11-22", long=False)  # the date they were done
    message = await agent.pick(message, 2)  # prevention
    message = await agent.press(message, "Done")
    message = await agent.pick(message, 1)  # what is attached
    message = await agent.press(message, "Done")
    message = await agent.type(message, STORE, long=False)
    message = await agent.type(message, EMAIL, long=False)
    assert "Done: write it" in [b["label"] for b in buttons(message)]
    draft = await agent.press(message, "Done: write it")

    assert draft["embeds"][0]["title"].startswith("Draft AP-1")
    [delivery] = [c for c in discord_api.calls if c.method == "POST" and c.path.startswith(f"webhooks/{APP_ID}/") and c.files]
    [(filename, letter)] = delivery.files.items()
    assert filename.startswith("AP-1-messaging-Harbour-Lights-Home") and filename.endswith(".txt")
    assert STORE in letter.decode() and EMAIL in letter.decode()
    assert "personal e-mail template" in letter.decode()
    assert [b["label"] for b in buttons(draft)] == ["Open a case to track it", "Edit answers", "Cancel draft"]
    state = services.dialogs.store.get(1)
    assert state.status == "done" and state.platform == "discord" and state.channel == str(CHANNEL_ID)
    # every answered step's message was marked: no live button is left on an earlier step
    answered = [m for m in discord_api.messages.values() if m is not draft and m["components"]]
    assert answered and all(c.get("disabled") for m in answered for row in m["components"] for c in row["components"])


async def test_open_drafts_are_suggested_while_typing_the_draft_option(discord_api, bot, services):
    agent = DiscordUser(bot, discord_api)
    await agent.slash(["appeal"], {"action": "start", "type": "odr"})
    payload = discord_api.autocomplete(["appeal"], {"action": "resume", "draft": "AP"}, focused="draft")
    [callback] = await interact(bot, discord_api, payload)
    assert callback["type"] == 8 and [c["value"] for c in callback["data"]["choices"]] == ["AP-1"]


async def test_a_chinese_discord_client_gets_the_dialogue_in_chinese(discord_api, bot):
    agent = DiscordUser(bot, discord_api, locale="zh-CN")
    message = await agent.slash(["appeal"], {"action": "start", "type": "odr"})
    assert message["embeds"][0]["title"].startswith("申诉") and "站点" in prompt(message)
    assert answer_button(message)["label"] == "✍ 输入回答"


async def test_a_case_opened_in_discord_reminds_its_owner_in_the_channel(discord_api, bot, services, clock):
    """`/seller case open` with a user option, then the case's first reminder delivered by the
    real delivery loop through DiscordSender: a 429 waited out, then one post mentioning the owner.
    Sent again with the same key (what delivery does for a row a crash left in doubt), Discord's
    nonce keeps it to one message."""
    payload = discord_api.slash(
        ["case"], {"action": "open", "type": "messaging-warning", "received": "2026-11-24 08:00", "owner": {"user": str(OWNER_ID)}},
        resolved={"users": {str(OWNER_ID): user(OWNER_ID, "lead")}},
    )
    [callback] = await interact(bot, discord_api, payload)
    assert callback["data"]["embeds"][0]["title"].startswith("Case #1 opened")
    [opened] = services.cases.list_open("discord", str(CHANNEL_ID))
    assert opened.owner == str(OWNER_ID) and opened.opened_by == str(AGENT_ID)

    sender = DiscordSender(services.config.model_copy(update={"discord_token": "clock-token"}))
    try:
        clock.advance(hours=30)  # past "48 h left" (received 08:00, 72 h to answer)
        discord_api.fail("POST", rf"channels/{CHANNEL_ID}/messages", 429)
        report = await delivery_for(services, sender, platform="discord").run_due()
        assert len(report.sent) == 1
        posts = discord_api.channel_posts()
        assert len(posts) == 2  # the 429, then the post
        body = posts[-1].json
        assert body["content"].startswith(f"<@{OWNER_ID}> ⏰") and body["allowed_mentions"] == {"parse": [], "users": [OWNER_ID]}
        assert "Case #1" in body["embeds"][0]["footer"]["text"]
        resent = await sender.send(Outgoing(platform="discord", channel=str(CHANNEL_ID), key=report_key(services, report.sent[0]),
                                            response=Response(kind="reminder", text="again"), mentions=[str(OWNER_ID)]))
        assert resent == discord_api.latest()["id"] and len([m for m in discord_api.messages.values() if m["nonce"]]) == 1
    finally:
        await sender.close()


def report_key(services, reminder_id: int) -> str:
    return services.reminders.get(reminder_id).key


async def test_reminders_set_listed_and_snoozed_from_discord(discord_api, bot, services):
    agent = DiscordUser(bot, discord_api, locale="zh-CN")
    created = await agent.slash(["remind", "set"], {"when": "in 2 hours", "text": "check the A-to-z claims"})
    assert created["embeds"][0]["title"] == "⏰ 已设置提醒 #1"
    [reminder] = services.reminders.pending("discord", str(CHANNEL_ID))
    assert reminder.text == "check the A-to-z claims" and reminder.owner == str(AGENT_ID)
    assert reminder.due == services.clock.now() + timedelta(hours=2)
    await agent.slash(["remind", "snooze"], {"id": "1", "duration": "1 day"})
    assert services.reminders.get(1).due == services.clock.now() + timedelta(hours=26)
    listed = await agent.slash(["remind", "list"], {})
    assert "check the A-to-z claims" in str(listed["embeds"])
    payload = discord_api.autocomplete(["remind", "cancel"], {"id": ""}, focused="id")
    [callback] = await interact(bot, discord_api, payload)
    assert [c["value"] for c in callback["data"]["choices"]] == ["1"]


async def test_closing_someone_elses_case_is_refused_unless_the_member_may_manage_the_server(discord_api, bot, services):
    await interact(bot, discord_api, discord_api.slash(["case"], {"action": "open", "type": "messaging-warning"}))
    other = 1_200_000_000_000_000_099
    refused = (await interact(bot, discord_api, discord_api.slash(["case"], {"action": "close", "id": "1"}, user_id=other)))[0]
    assert refused["data"]["flags"] & 64 and "curator" in refused["data"]["embeds"][0]["description"].lower()
    assert services.cases.get(1).state == "open"
    manager = str(1 << 5)  # Manage Server
    allowed = (await interact(bot, discord_api, discord_api.slash(["case"], {"action": "close", "id": "1"}, user_id=other, permissions=manager)))[0]
    assert allowed["data"]["embeds"][0]["title"].startswith("Case #1 closed") and services.cases.get(1).state == "closed"


async def test_case_types_are_suggested_from_the_rules(discord_api, bot):
    payload = discord_api.autocomplete(["case"], {"action": "open", "type": "mess"}, focused="type", locale="zh-CN")
    [callback] = await interact(bot, discord_api, payload)
    assert callback["type"] == 8 and "messaging-warning" in [c["value"] for c in callback["data"]["choices"]]


async def test_an_ask_in_discord_answers_with_its_source_and_takes_a_vote(discord_api, bot, services):
    agent = DiscordUser(bot, discord_api)
    answer = await agent.slash(["ask"], {"question": "What is the maximum order defect rate?"})
    embed = answer["embeds"][0]
    assert embed["title"] == "Order defect rate (ODR)" and "1%" in embed["description"]
    assert "Source:" in embed["footer"]["text"] and "Verified on 20" in embed["footer"]["text"]
    labels = [b["label"] for b in buttons(answer)]
    assert labels[-2:] == ["👍 Helpful", "👎 Not helpful"] and "✍ Type an answer" not in labels
    payload = discord_api.press(answer, buttons(answer)[-2]["custom_id"])
    [thanks] = await interact(bot, discord_api, payload)
    assert thanks["type"] == 4 and thanks["data"]["flags"] & 64  # only the voter sees the thanks
    assert "Thanks" in thanks["data"]["embeds"][0]["description"]
    assert not any(b.get("disabled") for b in buttons(discord_api.messages[int(answer["id"])]))  # the answer stays usable
    related = buttons(answer)[0]
    assert related["custom_id"].startswith("sb:c:cmd:kb show ")
    [shown] = await interact(bot, discord_api, discord_api.press(answer, related["custom_id"]))
    assert shown["type"] == 4 and shown["data"]["embeds"][0]["title"] == related["label"]


async def test_a_chinese_question_gets_a_chinese_answer(discord_api, bot):
    agent = DiscordUser(bot, discord_api, locale="zh-CN")
    answer = await agent.slash(["ask"], {"question": "订单缺陷率的标准是多少?"})
    assert "1%" in answer["embeds"][0]["description"] and "核实日期" in answer["embeds"][0]["footer"]["text"]


async def test_kb_reload_is_refused_to_an_agent_and_allowed_to_a_curator_role(discord_api, bot, services):
    refused = (await interact(bot, discord_api, discord_api.slash(["kb"], {"action": "reload"})))[0]["data"]
    assert refused["flags"] & 64 and "Only curators" in refused["embeds"][0]["description"]
    services.config.curator_roles.append(str(ROLE_CURATOR_ID))  # a role may be configured by id
    allowed = (await interact(bot, discord_api, discord_api.slash(["kb"], {"action": "reload"}, roles=[ROLE_CURATOR_ID])))[0]["data"]
    assert "Only curators" not in str(allowed["embeds"])


async def test_article_ids_are_suggested_while_typing(discord_api, bot):
    payload = discord_api.autocomplete(["kb"], {"action": "show", "query": "order-def"}, focused="query")
    [callback] = await interact(bot, discord_api, payload)
    assert callback["data"]["choices"][0]["value"] == "order-defect-rate"


async def test_a_posted_reminder_is_snoozed_and_done_with_its_discord_buttons(discord_api, bot, services, clock):
    """The reminder posted by DiscordSender carries Done / Snooze 1 h / Tomorrow 9:00 as persistent
    buttons; a press is a component interaction that runs the reminder command as the presser."""
    agent = DiscordUser(bot, discord_api, locale="zh-CN")
    await agent.slash(["remind", "set"], {"when": "in 2 hours", "text": "check the A-to-z claims"})
    sender = DiscordSender(services.config.model_copy(update={"discord_token": "clock-token"}))
    try:
        clock.advance(hours=2)
        [rid] = (await delivery_for(services, sender, platform="discord").run_due()).sent
    finally:
        await sender.close()
    posted = discord_api.latest()
    assert [b["label"] for b in buttons(posted)] == ["✓ 完成", "推迟 1 小时", "明天 9:00"]
    assert [b["custom_id"] for b in buttons(posted)] == [
        f"sb:c:cmd:remind done {rid}", f"sb:c:cmd:remind snooze {rid} 1h", f"sb:c:cmd:remind snooze {rid} tomorrow 9:00"]

    [snoozed] = await interact(bot, discord_api, discord_api.press(posted, buttons(posted)[1]["custom_id"], locale="zh-CN"))
    assert snoozed["type"] == 4 and "已推迟" in snoozed["data"]["embeds"][0]["title"]
    assert services.reminders.get(rid).due == clock.now() + timedelta(hours=1)
    [done] = await interact(bot, discord_api, discord_api.press(posted, buttons(posted)[0]["custom_id"], locale="zh-CN"))
    assert "已完成" in str(done["data"]) and services.reminders.get(rid).done_at == clock.now()


async def test_a_draft_longer_than_an_embed_keeps_where_to_send_it_and_arrives_as_one_file(discord_api, bot, services):
    """Issue 12: a draft over 4,096 characters dropped "Where to send it" and arrived as two files."""
    agent = DiscordUser(bot, discord_api)
    message = await agent.slash(["appeal"], {"action": "start", "type": "messaging"})
    message = await agent.press(message, "Amazon US")
    message = await agent.type(message, "2026-11-20", long=False)
    message = await agent.press(message, "A warning only")
    notice = "Dear Seller,\n" + "We found messages asking buyers to contact you outside Buyer-Seller Messaging. " * 36
    message = await agent.type(message, notice.strip(), long=True)
    message = await agent.type(message, "112-9876543-1112223", long=False)
    for step in ("root_causes", "actions", "actions_date", "prevention", "evidence"):
        if step == "actions_date":
            message = await agent.type(message, "2026-11-22", long=False)
            continue
        message = await agent.pick(message, 5)
        message = await agent.press(message, "Done")
    message = await agent.type(message, STORE, long=False)
    message = await agent.type(message, EMAIL, long=False)
    draft = await agent.press(message, "Done: write it")

    [embed] = draft["embeds"]
    letter_chars = len(services.appeals.drafts.get(1)["text"])
    assert letter_chars > 4096
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "Where to send it" in fields and "sellerbot-draft" not in str(fields)
    assert "Account Health" in fields["Where to send it"]
    assert any("full text in AP-1-messaging-" in f["value"] for f in embed["fields"])
    [delivery] = [c for c in discord_api.calls if c.method == "POST" and c.path.startswith(f"webhooks/{APP_ID}/") and c.files]
    [(filename, content)] = delivery.files.items()  # one file: the letter
    assert filename.startswith("AP-1-messaging-") and len(content.decode()) == letter_chars
