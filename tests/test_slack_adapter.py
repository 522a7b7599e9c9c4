"""The Slack adapter through its real HTTP endpoint: signed requests in, Web API calls out.

Commands here are throwaway ones registered by the test, so these tests pin the adapter's own
behaviour (acks, signatures, retries, threads, buttons, users) whatever the features do.
"""

from __future__ import annotations

import time

import aiohttp

from bot.context import Context
from bot.model import Attachment, Choice, Input, Response, Section
from tests.mocks.slack_api import TEAM
from tests.mocks.slack_fixtures import mock_slack, scratch_commands, slack_bed  # noqa: F401

# --- the endpoint ---------------------------------------------------------------------------------


async def test_health_answers_ok(slack_bed):
    async with aiohttp.ClientSession() as session:
        async with session.get(slack_bed.base_url + "/health") as response:
            assert response.status == 200
            assert (await response.json())["ok"] is True


async def test_slash_command_is_acked_at_once_then_answered_through_response_url(slack_bed, scratch_commands):
    cmd = scratch_commands("echo")

    @cmd.action("back")
    async def back(ctx: Context) -> Response:
        return Response(
            kind="info", title="Echo", text=f"you said: {ctx.args}", ephemeral=True,
            sections=[Section(title="Words", text=ctx.args)], context=["Source: test", "Verified on: 2026-01-01"],
            choices=[Choice(label="Again", value="cmd:echo back again"), Choice(label="Stop", value="stop", style="danger")],
        )

    started = time.perf_counter()
    ack = await slack_bed.driver.command("echo back hello & <!channel>")
    ack_ms = (time.perf_counter() - started) * 1000
    assert ack.status == 200
    answer = await slack_bed.mock.next_message()
    assert answer.via == "response" and answer.ephemeral
    assert answer.blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Echo", "emoji": True}}
    body = answer.all_text()
    assert "you said: hello &amp; &lt;!channel&gt;" in body  # typed text never becomes a ping
    assert answer.context() == ["Source: test", "Verified on: 2026-01-01"]
    assert answer.labels() == ["Again", "Stop"]
    assert answer.buttons()[1]["style"] == "danger"
    assert len({b["action_id"] for b in answer.buttons()}) == 2
    assert "you said" in answer.text  # the notification fallback
    print(f"slash-command ack over HTTP: {ack_ms:.1f} ms")


async def test_unsigned_bad_and_stale_requests_are_refused_with_401_and_run_nothing(slack_bed, scratch_commands):
    ran = []
    cmd = scratch_commands("touch")

    @cmd.action("it")
    async def touch(ctx: Context) -> Response:
        ran.append(ctx.args)
        return Response(text="touched")

    body = slack_bed.driver.command_body("touch it")
    assert (await slack_bed.driver.post(body, signed=False)).status == 401
    forged = {"X-Slack-Signature": "v0=" + "0" * 64}
    assert (await slack_bed.driver.post(body, headers=forged)).status == 401
    five_minutes_ago = int(time.time()) - 5 * 60 - 1
    assert (await slack_bed.driver.post(body, ts=five_minutes_ago)).status == 401
    await slack_bed.mock.settle()
    assert ran == [] and slack_bed.mock.called("response") == []


async def test_replayed_slash_command_runs_once(slack_bed, scratch_commands):
    ran = []
    cmd = scratch_commands("count")

    @cmd.action("up")
    async def up(ctx: Context) -> Response:
        ran.append(1)
        return Response(text=f"count {len(ran)}")

    body = slack_bed.driver.command_body("count up")
    assert (await slack_bed.driver.post(body)).status == 200
    assert (await slack_bed.driver.post(body)).status == 200
    await slack_bed.mock.wait_for("response")
    await slack_bed.mock.settle()
    assert ran == [1] and len(slack_bed.mock.called("response")) == 1


async def test_a_button_with_a_command_value_runs_that_command(slack_bed, scratch_commands):
    cmd = scratch_commands("menu")

    @cmd.action("open")
    async def open_(ctx: Context) -> Response:
        return Response(text="pick", choices=[Choice(label="Help", value="cmd:help")], ephemeral=True)

    await slack_bed.driver.command("menu open")
    menu = await slack_bed.mock.next_message()
    assert (await slack_bed.driver.press(menu, "Help")).status == 200
    shown = await slack_bed.mock.next_message()
    assert shown.via == "response" and "/seller help" in shown.all_text()
    assert slack_bed.mock.called("response")[-1].params["replace_original"] is False


async def test_in_channel_answers_are_not_ephemeral_and_unknown_commands_get_usage(slack_bed, scratch_commands):
    cmd = scratch_commands("shout")

    @cmd.action("it")
    async def shout(ctx: Context) -> Response:
        return Response(text="EVERYONE", ephemeral=False)

    await slack_bed.driver.command("shout it")
    await slack_bed.driver.command("nonsense here")
    shout_msg, error = await slack_bed.mock.next_message(), await slack_bed.mock.next_message()
    messages = {m.text: m for m in (shout_msg, error)}
    assert messages["EVERYONE"].ephemeral is False
    assert slack_bed.mock.called("response")[0].params["response_type"] in ("in_channel", "ephemeral")
    unknown = next(m for m in (shout_msg, error) if m.text != "EVERYONE")
    assert unknown.ephemeral and "nonsense" in unknown.all_text() and "Usage: /seller help" in unknown.all_text()


# --- who is asking ------------------------------------------------------------------------------


async def test_users_locale_admin_flag_and_user_groups_reach_the_core(slack_bed, scratch_commands):
    seen = []
    cmd = scratch_commands("whoami")

    @cmd.action("now")
    async def whoami(ctx: Context) -> Response:
        seen.append(ctx.req)
        return Response(text=ctx.pick(en="hello", zh="你好"))

    slack_bed.mock.users["UZH"] = {"locale": "zh-CN", "profile": {"display_name": "小王"}}
    slack_bed.mock.users["UADM"] = {"is_admin": True}
    slack_bed.mock.usergroups = [{"id": "S1", "handle": "curator", "users": ["UCUR"]}]
    for user in ("UZH", "UADM", "UCUR"):
        await slack_bed.driver.command("whoami now", user=user)
        await slack_bed.mock.next_message()
    await slack_bed.driver.command("whoami now please", user="UZH")  # typed words never change the language
    await slack_bed.mock.next_message()
    await slack_bed.driver.command("settings lang en", user="UZH")  # the user's own setting beats the locale
    await slack_bed.mock.next_message()
    await slack_bed.driver.command("whoami now", user="UZH")
    await slack_bed.mock.next_message()
    zh, admin, curator, still_zh, english = seen
    assert (zh.platform, zh.user, zh.user_name, zh.lang) == ("slack", "UZH", "小王", "zh")
    assert zh.workspace == TEAM  # the team scopes what the user can reach
    assert admin.is_admin and not zh.is_admin
    assert curator.roles == ["S1"]  # the group's id, never its handle (which members may create)
    assert not slack_bed.services.auth.is_curator(curator)
    slack_bed.services.config.curator_roles = ["S1"]
    assert slack_bed.services.auth.is_curator(curator)
    assert still_zh.lang == "zh" and english.lang == "en"
    assert len(slack_bed.mock.called("users.info")) == 3  # cached per user


# --- dialogues in threads -------------------------------------------------------------------------


def _quiz(scratch_commands):
    """A two-step dialogue: a button step, a multi-select step, a free-text step, then a draft."""
    steps: dict[tuple[str, str], int] = {}
    answers: list = []
    cmd = scratch_commands("quiz")

    def prompt(step: int) -> Response:
        if step == 0:
            return Response(kind="dialog", text="Which marketplace?", choices=[
                Choice(label="Amazon US", value="amazon-us"), Choice(label="Cdiscount", value="cdiscount")])
        if step == 1:
            return Response(kind="dialog", text="Root causes?", multi=True, choices=[
                Choice(label="Late carrier", value="carrier-" * 30 + "delay"), Choice(label="Stock errors", value="stock")])
        return Response(kind="dialog", text="Store name?", input=Input(label="Store name", placeholder="ACME"))

    @cmd.action("start")
    async def start(ctx: Context) -> Response:
        steps[(ctx.req.channel, ctx.req.user)] = 0
        return prompt(0)

    @scratch_commands.listen
    async def listener(ctx: Context) -> Response | None:
        key = (ctx.req.channel, ctx.req.user)
        if key not in steps:
            return None
        answers.append((ctx.req.kind, ctx.req.values or ctx.req.text, ctx.req.thread))
        steps[key] += 1
        if steps[key] < 3:
            return prompt(steps[key])
        del steps[key]
        letter = "Dear Seller Performance,\n\n" + "We fixed it. " * 200
        return Response(kind="draft", title="Your letter", text=letter,
                        files=[Attachment(filename="appeal.md", content=letter)])

    return answers


async def test_a_dialogue_started_by_command_continues_in_a_thread(slack_bed, scratch_commands):
    answers = _quiz(scratch_commands)
    mock, driver = slack_bed.mock, slack_bed.driver

    await driver.command("quiz start")
    first = await mock.next_message()
    assert first.via == "chat.postMessage" and first.channel == "C1" and first.thread_ts is None
    assert first.labels() == ["Amazon US", "Cdiscount"]

    await driver.press(first, "Amazon US", user="U2")  # not the owner's dialogue
    refused = await mock.next_message()
    assert refused.via == "response" and refused.ephemeral and "belongs to <@U1>" in refused.text
    assert first.buttons() and mock.called("chat.update") == []

    await driver.press(first, "Cdiscount")
    second = await mock.next_message()
    assert second.thread_ts == first.ts and second.via == "chat.postMessage"
    marked = next(c for c in mock.called("chat.update"))
    assert marked.params["ts"] == first.ts and "Cdiscount" in str(marked.params["blocks"])
    assert first.buttons() == []  # the old prompt can no longer be answered

    assert [o["text"]["text"] for o in second.options()] == ["Late carrier", "Stock errors"]
    long_value = second.options()[0]["value"]
    assert len(long_value) <= 150  # Slack's option value limit; the real value is kept server-side
    await driver.pick_several(second, ["Late carrier", "Stock errors"])
    third = await mock.next_message()
    assert third.thread_ts == first.ts and "Reply in this thread" in " ".join(third.context())

    await driver.say("someone else talking", thread_ts=first.ts, user="U2")  # not the dialogue's owner
    await driver.say("ACME <mailto:x@acme.com|x@acme.com> & Co", thread_ts=first.ts)
    draft = await mock.next_message()
    assert draft.thread_ts == first.ts and len(draft.text) < 1000  # a preview, the letter is a file
    await mock.wait_for("files.completeUploadExternal")
    upload = mock.upload("appeal.md")
    assert upload["channel"] == "C1" and upload["thread_ts"] == first.ts
    assert upload["content"].startswith("Dear Seller Performance") and len(upload["content"]) > 2000

    assert answers == [
        ("choice", ["cdiscount"], first.ts),
        ("choice", ["carrier-" * 30 + "delay", "stock"], first.ts),
        ("message", "ACME x@acme.com & Co", first.ts),
    ]
    await driver.say("just chatting in the channel now")  # the dialogue is over: not for the bot
    await mock.settle()
    assert len(answers) == 3 and mock.messages[-1] is draft


async def test_plain_channel_messages_answer_the_active_dialogue_into_its_thread(slack_bed, scratch_commands):
    answers = _quiz(scratch_commands)
    mock, driver = slack_bed.mock, slack_bed.driver
    await driver.command("quiz start")
    first = await mock.next_message()
    await driver.say("hello from someone else", user="U9")  # others' messages do not disturb it
    await driver.say("amazon-us")  # the owner answers in the channel instead of the thread
    second = await mock.next_message()
    assert second.thread_ts == first.ts
    assert answers == [("message", "amazon-us", first.ts)]


async def test_a_retried_event_never_runs_twice(slack_bed, scratch_commands):
    answers = _quiz(scratch_commands)
    mock, driver = slack_bed.mock, slack_bed.driver
    await driver.command("quiz start")
    first = await mock.next_message()
    body = driver.message_body("amazon-us", thread_ts=first.ts, event_id="Ev0RETRY1")
    assert (await driver.post(body, content_type="application/json")).status == 200
    for attempt in (1, 2):
        retry = await driver.post(body, content_type="application/json",
                                  headers={"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"})
        assert retry.status == 200
    await mock.next_message()
    await mock.settle()
    assert answers == [("message", "amazon-us", first.ts)]
    assert len([m for m in mock.messages if m.thread_ts == first.ts]) == 1


async def test_dialogue_falls_back_to_an_ephemeral_prompt_where_the_bot_cannot_post(slack_bed, scratch_commands):
    _quiz(scratch_commands)
    slack_bed.mock.fail("chat.postMessage", status=200, body={"ok": False, "error": "not_in_channel"})
    await slack_bed.driver.command("quiz start")
    prompt = await slack_bed.mock.next_message()
    assert prompt.via == "response" and prompt.labels() == ["Amazon US", "Cdiscount"]
    assert any("/invite" in line for line in prompt.context())


async def test_an_ephemeral_error_in_a_dialogue_stays_in_its_thread_and_keeps_it_open(slack_bed, scratch_commands):
    answers = _quiz(scratch_commands)

    @scratch_commands.listen
    async def strict(ctx: Context) -> Response | None:
        if ctx.req.kind == "message" and ctx.req.text == "oops":
            return Response(kind="error", text="That is not a marketplace.", ephemeral=True)
        return None

    mock, driver = slack_bed.mock, slack_bed.driver
    await driver.command("quiz start")
    first = await mock.next_message()
    await driver.say("oops", thread_ts=first.ts)
    refused = await mock.next_message()
    assert refused.via == "chat.postEphemeral" and refused.thread_ts == first.ts
    assert mock.called("chat.postEphemeral")[0].params["user"] == "U1"
    await driver.say("cdiscount")  # still the active dialogue: a channel message answers it
    assert (await mock.next_message()).thread_ts == first.ts
    assert answers == [("message", "cdiscount", first.ts)]


async def test_a_private_answer_with_a_file_sends_the_file_by_direct_message(slack_bed, scratch_commands):
    cmd = scratch_commands("letter")

    @cmd.action("show")
    async def show(ctx: Context) -> Response:
        return Response(kind="draft", text="Dear team", ephemeral=True,
                        files=[Attachment(filename="poa-7.md", content="Dear team, full letter")])

    await slack_bed.driver.command("letter show")
    shown = await slack_bed.mock.next_message()
    assert shown.via == "response" and shown.ephemeral
    assert "poa-7.md — sent to you by direct message" in " ".join(shown.context())
    await slack_bed.mock.wait_for("files.completeUploadExternal")
    assert slack_bed.mock.called("conversations.open")[0].params["users"] == "U1"
    upload = slack_bed.mock.upload("poa-7.md")
    assert upload["channel"] == "DU1" and upload["content"] == "Dear team, full letter"


async def test_a_multi_step_with_its_own_done_sends_the_ticked_options_then_done(slack_bed, scratch_commands):
    got = []
    cmd = scratch_commands("causes")

    @cmd.action("pick")
    async def pick_(ctx: Context) -> Response:
        return Response(kind="info", text="Which causes?", multi=True, ephemeral=True, choices=[
            Choice(label="Carrier", value="carrier"), Choice(label="Stock", value="stock"),
            Choice(label="Done", value="done", style="primary")])

    @scratch_commands.listen
    async def record(ctx: Context) -> Response | None:
        if ctx.req.kind != "choice":
            return None
        got.append(ctx.req.values)
        return Response(text="noted", ephemeral=True)

    await slack_bed.driver.command("causes pick")
    menu = await slack_bed.mock.next_message()
    assert menu.labels() == ["Done"]
    await slack_bed.driver.pick_several(menu, ["Carrier", "Stock"], press="Done")
    assert (await slack_bed.mock.next_message()).text == "noted"
    assert got == [["carrier", "stock", "done"]]
