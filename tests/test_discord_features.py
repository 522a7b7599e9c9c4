"""The real features through Discord: payloads a Discord client would send, discord.py's own state
and command tree, the real core behind them, the mock REST API recording what users would see."""

from __future__ import annotations

from tests.mocks.discord_api import APP_ID, CHANNEL_ID, buttons
from tests.mocks.discord_fixtures import *  # noqa: F401,F403
from tests.mocks.discord_fixtures import interact

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
    for _ in ("actions", "prevention"):
        message = await agent.pick(message, 2)
        message = await agent.press(message, "Done")
    message = await agent.type(message, STORE, long=False)
    message = await agent.type(message, EMAIL, long=False)
    assert "Done: write it" in [b["label"] for b in buttons(message)]
    draft = await agent.press(message, "Done: write it")

    assert draft["embeds"][0]["title"].startswith("Draft AP-1")
    [delivery] = [c for c in discord_api.calls if c.method == "POST" and c.path.startswith(f"webhooks/{APP_ID}/") and c.files]
    [(filename, letter)] = delivery.files.items()
    assert filename.startswith("AP-1-messaging-Harbour-Lights-Home") and filename.endswith(".md")
    assert STORE in letter.decode() and EMAIL in letter.decode()
    assert "personal e-mail template" in letter.decode()
    assert [b["label"] for b in buttons(draft)] == ["Edit answers", "Cancel draft"]
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
