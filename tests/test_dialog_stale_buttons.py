"""A button of an earlier dialogue prompt acts only on its own step: pressed once the dialogue has
moved on, it answers "already answered" and leaves the current step alone — on the console, on
Slack and on Discord, each through its own payloads.

The case from the issue: "Skip" of the notice-text prompt, pressed again while the order IDs are
asked, used to skip the order IDs."""

from __future__ import annotations

from tests.conftest import json_lines, run_cli
from tests.mocks.discord_api import buttons
from tests.mocks.discord_fixtures import *  # noqa: F401,F403
from tests.mocks.discord_fixtures import interact
from tests.mocks.slack_fixtures import mock_slack, slack_bed  # noqa: F401
from tests.test_discord_features import DiscordUser, prompt


def test_console_a_stale_skip_does_not_skip_the_current_step(new_db):
    db_c = new_db("c.db")
    first = run_cli(["console", "--json", "--db", db_c],
                    stdin="/seller appeal start messaging\n!choice amazon-us\nyesterday\n!choice warning\n")
    notice_prompt = json_lines(first.stdout)[-1]
    assert notice_prompt["step"] == "notice_text"
    [skip] = [c["value"] for c in notice_prompt["choices"] if c["label"] == "Skip"]
    assert skip == "AP-1/notice_text/skip"

    second = run_cli(["console", "--json", "--db", db_c],
                     stdin=f"!choice {skip}\n!choice {skip}\n/seller appeal show AP-1\n")
    moved, stale, shown = json_lines(second.stdout)
    assert moved["step"] == "conversation_orders"  # the notice text was skipped by its own button
    assert stale["kind"] == "dialog" and stale["step"] == "conversation_orders"
    assert stale["error"].startswith("Already answered") and "Notice text" in stale["error"]
    assert "Order IDs of the conversations" not in shown["sections"][0]["text"]  # still unanswered


def test_console_a_stale_button_is_refused_in_chinese(new_db):
    out = run_cli(["console", "--json", "--lang", "zh", "--db", new_db("z.db")],
                  stdin="/seller appeal\n!choice AP-1/marketplace/amazon-us\n!choice AP-1/marketplace/amazon-uk\n")
    _, type_prompt, stale = json_lines(out.stdout)
    assert type_prompt["step"] == stale["step"] == "violation"
    assert stale["error"].startswith("已回答")


async def test_slack_a_stale_skip_does_not_skip_the_current_step(slack_bed):
    mock, driver, services = slack_bed.mock, slack_bed.driver, slack_bed.services
    await driver.command("appeal start messaging")
    root = await mock.next_message()
    await driver.press(root, "Amazon US")
    await mock.next_message()
    await driver.say("2026-11-20", thread_ts=root.ts)
    await driver.press(await mock.next_message(), "A warning only")
    notice = await mock.next_message()
    assert "Paste the text of the notice" in notice.all_text()
    [skip] = [dict(b) for b in notice.buttons() if b["text"]["text"] == "Skip"]
    await driver.press(notice, "Skip")
    orders = await mock.next_message()
    assert "Which orders do the messages concern" in orders.all_text()

    # the old prompt's button pressed again (a double click, or a client that had not redrawn it)
    await driver.post(driver.action_body(notice, skip))
    refused = await mock.next_message()
    assert "Already answered" in refused.all_text() and "Which orders do the messages concern" in refused.all_text()
    state = services.dialogs.store.active("slack", "U1", "C1")
    assert state.current_step == "conversation_orders" and "conversation_orders" not in state.complete


async def test_discord_a_stale_skip_does_not_skip_the_current_step(discord_api, bot, services):
    agent = DiscordUser(bot, discord_api)
    message = await agent.slash(["appeal"], {"action": "start", "type": "messaging"})
    message = await agent.press(message, "Amazon US")
    effect = await agent.type(message, "2026-11-20", long=False)
    notice = await agent.press(effect, "A warning only")
    assert "Paste the text of the notice" in prompt(notice)
    orders = await agent.press(notice, "Skip")
    assert "Which orders do the messages concern" in prompt(orders)

    [skip] = [b for b in buttons(notice) if b["label"] == "Skip"]
    payload = discord_api.press(notice, skip["custom_id"])  # a client still showing the old prompt
    await interact(bot, discord_api, payload, followups=1)
    refused = discord_api.latest()
    assert "Already answered" in prompt(refused) and "Which orders do the messages concern" in prompt(refused)
    state = services.dialogs.store.get(1)
    assert state.current_step == "conversation_orders" and "conversation_orders" not in state.complete
