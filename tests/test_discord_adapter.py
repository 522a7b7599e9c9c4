"""The Discord adapter driven through discord.py itself: real INTERACTION_CREATE payloads go through
the library's connection state, command tree and component dispatch; REST goes to a local mock that
records what the bot sends. Commands here are throwaway ones, to pin down the adapter's own rules
(see test_discord_features.py for the real features)."""

from __future__ import annotations

import asyncio

from adapters.discord.store import Stash
from bot.context import Context
from bot.model import Attachment, Choice, Input, Request, Response, Section
from tests.conftest import run_cli
from tests.mocks.discord_api import AGENT_ID, APP_ID, GUILD_ID, ROLE_CURATOR_ID, button, buttons
from tests.mocks.discord_fixtures import *  # noqa: F401,F403
from tests.mocks.discord_fixtures import interact

ADMIN = str(1 << 3)


def echo_command(temporary_command, name: str, seen: list[Request]):
    async def handler(ctx: Context) -> Response:
        seen.append(ctx.req)
        return Response(kind="info", text=f"got: {ctx.args}")

    return temporary_command(name, handler=handler)


async def test_login_syncs_one_seller_group_mirroring_the_core_with_chinese_descriptions(discord_api, make_bot, temporary_command):
    temporary_command("widget")
    await make_bot()
    [sync] = discord_api.calls_to("PUT", rf"applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    [seller] = sync.json
    assert seller["name"] == "seller" and seller["description_localizations"]["zh-CN"].startswith("账户健康")
    subs = {o["name"]: o for o in seller["options"]}
    assert {"appeal", "case", "remind", "settings", "widget", "help"} <= set(subs)
    case = {o["name"]: o for o in subs["case"]["options"]}
    assert (case["action"]["required"], case["type"]["autocomplete"], case["owner"]["type"]) == (True, True, 6)
    assert {"name": "open a case", "value": "open", "name_localizations": {"zh-CN": "新建案件", "zh-TW": "新建案件"}} in [
        {k: c[k] for k in ("name", "value", "name_localizations")} for c in case["action"]["choices"]]
    assert subs["case"]["description_localizations"]["zh-CN"].startswith("跟踪账户健康案件")  # the core's own summary
    remind = subs["remind"]
    assert remind["type"] == 2 and [o["name"] for o in remind["options"]] == ["set", "list", "cancel", "done", "snooze"]
    when = remind["options"][0]["options"][0]
    assert (when["name"], when["type"], when["required"]) == ("when", 3, True)
    assert [o["name"] for o in subs["widget"]["options"]] == ["args"]  # unknown to the spec: free text


async def test_slash_command_is_rebuilt_as_the_core_command_line_with_who_and_where(discord_api, make_bot, temporary_command):
    seen: list[Request] = []
    echo_command(temporary_command, "echo", seen)
    bot = await make_bot()
    payload = discord_api.slash(["echo"], {"args": "ODR 是什么?"}, locale="zh-CN", roles=[ROLE_CURATOR_ID])
    [callback] = await interact(bot, discord_api, payload)
    [req] = seen
    assert (req.kind, req.text, req.platform) == ("command", "echo ODR 是什么?", "discord")
    assert (req.user, req.user_name, req.channel, req.lang) == (str(AGENT_ID), "Agent", payload["channel_id"], "zh")
    assert req.roles == [str(ROLE_CURATOR_ID)] and req.is_admin is False  # ids only, never role names
    assert req.workspace == str(GUILD_ID)  # the guild scopes what the user can reach
    assert callback["type"] == 4 and callback["data"]["embeds"][0]["description"] == "got: ODR 是什么?"
    assert not callback["data"].get("flags", 0) & 64


async def test_answer_is_an_embed_with_sections_and_source_in_the_footer(discord_api, make_bot, temporary_command):
    async def answer(ctx: Context) -> Response:
        return Response(
            kind="answer", title="Order defect rate", text="Keep ODR under 1%.",
            sections=[Section(title="Made of", text="negative feedback, A-to-z claims, chargebacks")],
            context=["Source: seller-central/odr", "Verified on 2026-10-01"],
            choices=[Choice(label="Helpful", value="cmd:help", style="primary")],
        )

    temporary_command("answer", handler=answer)
    bot = await make_bot()
    [callback] = await interact(bot, discord_api, discord_api.slash(["answer"], {"args": "odr"}))
    embed = callback["data"]["embeds"][0]
    assert embed["title"] == "Order defect rate" and embed["description"] == "Keep ODR under 1%."
    assert embed["fields"] == [{"name": "Made of", "value": "negative feedback, A-to-z claims, chargebacks", "inline": False}]
    assert embed["footer"]["text"] == "Source: seller-central/odr\nVerified on 2026-10-01"
    [helpful] = buttons(callback["data"])
    assert helpful["label"] == "Helpful" and helpful["custom_id"] == "sb:c:cmd:help" and helpful["style"] == 1


async def test_a_dialogue_with_buttons_a_multi_select_and_a_modal(discord_api, make_bot, temporary_command, temporary_listener):
    """A throwaway three-step dialogue: a button, a multiple choice, a long text typed in a modal,
    and a letter attached as a file at the end. Each answered step's message is marked."""
    answers: list[tuple[str, list[str], str]] = []
    step = {"n": 0}

    def ask_step() -> Response:
        if step["n"] == 0:
            return Response(kind="dialog", text="Marketplace?", choices=[Choice(label="Amazon US", value="amazon-us"), Choice(label="Cdiscount", value="cdiscount")])
        if step["n"] == 1:
            return Response(kind="dialog", text="Root causes?", multi=True, choices=[
                Choice(label="Late carrier", value="late-carrier"), Choice(label="No stock sync", value="stock"),
                Choice(label="Done", value="done", style="primary")])
        return Response(kind="dialog", text="What did you change?", input=Input(label="Actions taken", long=True, placeholder="We…"))

    async def start(ctx: Context) -> Response:
        step["n"] = 0
        return ask_step()

    temporary_command("quiz", handler=start)

    @temporary_listener
    async def listen(ctx: Context) -> Response | None:
        answers.append((ctx.req.kind, ctx.req.values, ctx.req.text))
        if ctx.req.kind == "choice" and ctx.req.values != ["done"] and step["n"] == 1:
            return Response(kind="dialog", text="Added.", multi=True, choices=[Choice(label="Done", value="done", style="primary")])
        step["n"] += 1
        if step["n"] == 3:
            return Response(kind="draft", title="Plan of action", text="Dear team…",
                            files=[Attachment(filename="poa-D-1.md", content="Dear team,\nwe fixed it.")])
        return ask_step()

    bot = await make_bot()
    # 1. /seller quiz -> buttons
    start_payload = discord_api.slash(["quiz"], {})
    await interact(bot, discord_api, start_payload)
    first = discord_api.original(start_payload)
    assert [b["label"] for b in buttons(first)] == ["Amazon US", "Cdiscount", "✍ Type an answer"]  # typing is always possible
    # 2. press "Amazon US": the step is marked (type 7) and the next one follows
    press = discord_api.press(first, button(first, "Amazon US")["custom_id"])
    [marked] = await interact(bot, discord_api, press, followups=1)
    assert marked["type"] == 7
    states = {b["label"]: (b["disabled"], b["style"]) for b in buttons(marked["data"])}
    assert states == {"Amazon US": (True, 3), "Cdiscount": (True, 2), "✍ Type an answer": (True, 2)}
    second = discord_api.latest()
    [row_select, row_buttons] = second["components"]
    select = row_select["components"][0]
    assert select["type"] == 3 and select["max_values"] == 2 and [o["label"] for o in select["options"]] == ["Late carrier", "No stock sync"]
    assert [b["label"] for b in row_buttons["components"]] == ["Done", "✍ Type your own (one per line)"]
    # 3. pick both causes at once, then press Done
    picked = discord_api.select(second, select["custom_id"], [o["value"] for o in select["options"]])
    await interact(bot, discord_api, picked, followups=1)
    added = discord_api.latest()
    await interact(bot, discord_api, discord_api.press(added, button(added, "Done")["custom_id"]), followups=1)
    third = discord_api.latest()
    # 4. the long-text step: the button opens a modal with a paragraph box
    opener = button(third, "Actions taken")
    [modal] = await interact(bot, discord_api, discord_api.press(third, opener["custom_id"]))
    assert modal["type"] == 9
    text_input = modal["data"]["components"][0]["components"][0]
    assert (text_input["style"], text_input["label"], text_input["placeholder"]) == (2, "Actions taken", "We…")
    submit = discord_api.submit(third, modal["data"]["custom_id"], {text_input["custom_id"]: "Switched carrier on 2026-11-21."})
    [marked_input] = await interact(bot, discord_api, submit, followups=1)
    assert marked_input["type"] == 7 and buttons(marked_input["data"])[0]["disabled"] is True
    # 5. the letter arrives as an attachment
    [draft_call] = [c for c in discord_api.calls_to("POST", rf"webhooks/{APP_ID}/{submit['token']}")]
    assert draft_call.files == {"poa-D-1.md": b"Dear team,\nwe fixed it."}
    assert draft_call.json["embeds"][0]["title"] == "Plan of action"
    assert answers == [
        ("choice", ["amazon-us"], ""),
        ("choice", ["late-carrier", "stock"], ""),
        ("choice", ["done"], ""),
        ("message", [], "Switched carrier on 2026-11-21."),
    ]


async def test_a_command_button_runs_the_command_and_leaves_its_message_alone(discord_api, bot):
    payload = discord_api.slash(["help"], {})
    await interact(bot, discord_api, payload)
    message = discord_api.original(payload)
    message["components"] = [{"type": 1, "components": [{"type": 2, "style": 2, "label": "Help", "custom_id": "sb:c:cmd:help"}]}]
    [callback] = await interact(bot, discord_api, discord_api.press(message, "sb:c:cmd:help"))
    assert callback["type"] == 4 and callback["data"]["embeds"][0]["title"] == "sellerbot"


async def test_a_long_choice_value_is_stashed_and_still_works_after_a_restart(discord_api, make_bot, services, temporary_command, temporary_listener):
    long_value = ("root cause: " + "the carrier missed the pickup window during the peak season " * 3).strip()
    got: list[list[str]] = []

    async def offer(ctx: Context) -> Response:
        return Response(kind="dialog", text="Pick", choices=[Choice(label="That one", value=long_value)])

    temporary_command("pick", handler=offer)

    @temporary_listener
    async def listen(ctx: Context) -> Response | None:
        got.append(ctx.req.values)
        return Response(kind="info", text="noted")

    first_bot = await make_bot()
    payload = discord_api.slash(["pick"], {})
    await interact(first_bot, discord_api, payload)
    message = discord_api.original(payload)
    custom_id = buttons(message)[0]["custom_id"]
    assert custom_id == "sb:k:" + Stash.key_for(long_value) and len(custom_id) <= 100
    await first_bot.close()
    restarted = await make_bot(sync="none")
    await interact(restarted, discord_api, discord_api.press(message, custom_id), followups=1)
    assert got == [[long_value]]


async def test_an_unknown_stashed_value_says_the_button_expired(discord_api, bot):
    message = {**discord_api._message(1, {}), "components": [
        {"type": 1, "components": [{"type": 2, "style": 2, "label": "Old", "custom_id": "sb:k:0123456789abcdef"}]}]}
    discord_api.messages[int(message["id"])] = message
    [callback] = await interact(bot, discord_api, discord_api.press(message, "sb:k:0123456789abcdef"))
    assert callback["data"]["flags"] & 64 and "expired" in callback["data"]["embeds"][0]["description"]


async def test_a_press_nobody_waits_for_is_answered_privately(discord_api, bot):
    message = {**discord_api._message(1, {}), "components": [
        {"type": 1, "components": [{"type": 2, "style": 2, "label": "Stale", "custom_id": "sb:c:amazon-us"}]}]}
    discord_api.messages[int(message["id"])] = message
    [callback] = await interact(bot, discord_api, discord_api.press(message, "sb:c:amazon-us"))
    assert callback["type"] == 4 and callback["data"]["flags"] & 64
    assert "Nothing is waiting" in callback["data"]["embeds"][0]["description"]


async def test_slow_work_is_deferred_then_delivered(discord_api, make_bot, temporary_command):
    async def slow(ctx: Context) -> Response:
        await asyncio.sleep(0.3)
        return Response(kind="answer", text="after a while", ephemeral=ctx.args == "private")

    temporary_command("slow", handler=slow)
    bot = await make_bot(defer_after=0.05)
    public = discord_api.slash(["slow"], {"args": "public"})
    [deferred] = await interact(bot, discord_api, public)
    assert deferred["type"] == 5
    await discord_api.wait_for(lambda: discord_api.calls_to("PATCH", rf"webhooks/{APP_ID}/{public['token']}/messages/@original"))
    assert discord_api.original(public)["embeds"][0]["description"] == "after a while"

    private = discord_api.slash(["slow"], {"args": "private"})
    await interact(bot, discord_api, private, followups=1)
    assert discord_api.calls_to("DELETE", rf"webhooks/{APP_ID}/{private['token']}/messages/@original")
    assert discord_api.followups(private["token"])[0]["flags"] & 64


async def test_curator_commands_follow_roles_and_guild_permissions(discord_api, make_bot, services, temporary_command):
    vault = temporary_command("vault")

    @vault.action("open", curator=True)
    async def open_(ctx: Context) -> Response:
        return Response(kind="info", text="opened")

    bot = await make_bot()
    refused = (await interact(bot, discord_api, discord_api.slash(["vault"], {"action": "open"})))[0]["data"]
    assert refused["flags"] & 64 and "curator" in refused["embeds"][0]["description"].lower()
    admin = (await interact(bot, discord_api, discord_api.slash(["vault"], {"action": "open"}, permissions=ADMIN)))[0]["data"]
    assert admin["embeds"][0]["description"] == "opened"
    services.config.curator_roles.append("Curator")  # a role *name* grants nothing
    by_name = (await interact(bot, discord_api, discord_api.slash(["vault"], {"action": "open"}, roles=[ROLE_CURATOR_ID])))[0]["data"]
    assert "curator" in by_name["embeds"][0]["description"].lower()
    services.config.curator_roles.append(str(ROLE_CURATOR_ID))
    role = (await interact(bot, discord_api, discord_api.slash(["vault"], {"action": "open"}, roles=[ROLE_CURATOR_ID])))[0]["data"]
    assert role["embeds"][0]["description"] == "opened"


def test_missing_token_is_reported_by_name(new_db):
    result = run_cli(["discord", "--db", new_db("d.db")], env={"DISCORD_TOKEN": ""})
    assert result.returncode != 0
    assert "DISCORD_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_guild_sync_without_a_guild_id_is_refused(new_db):
    result = run_cli(["discord", "--sync", "guild", "--db", new_db("d.db")],
                     env={"DISCORD_TOKEN": "x", "DISCORD_GUILD_ID": ""})
    assert result.returncode != 0 and "DISCORD_GUILD_ID" in result.stderr


async def test_a_button_step_can_still_be_answered_by_typing_in_a_text_box(discord_api, make_bot, temporary_command, temporary_listener):
    typed: list[str] = []

    async def start(ctx: Context) -> Response:
        return Response(kind="dialog", text="Marketplace?", choices=[Choice(label="Amazon US", value="amazon-us")])

    temporary_command("quiz", handler=start)

    @temporary_listener
    async def listen(ctx: Context) -> Response | None:
        typed.append(ctx.req.text)
        return Response(kind="info", text="cancelled")

    bot = await make_bot()
    payload = discord_api.slash(["quiz"], {}, locale="zh-CN")
    await interact(bot, discord_api, payload)
    message = discord_api.original(payload)
    opener = button(message, "输入回答")
    [modal] = await interact(bot, discord_api, discord_api.press(message, opener["custom_id"], locale="zh-CN"))
    box = modal["data"]["components"][0]["components"][0]
    assert modal["data"]["title"] == "你的回答" and box["style"] == 1  # one line for a choice step
    await interact(bot, discord_api, discord_api.submit(message, modal["data"]["custom_id"], {box["custom_id"]: "cancel"}), followups=1)
    assert typed == ["cancel"]
