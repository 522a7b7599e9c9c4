"""Structured logs from every path a team would ship: one line per command arriving through Slack,
one line per reminder delivery attempt (reminder_id, attempt, outcome), in the real clock process too."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from bot.logs import setup_logging
from bot.sender import DeliveryFailed, RetryLater
from tests.conftest import json_lines, run_cli
from tests.mocks.slack_fixtures import mock_slack, slack_bed  # noqa: F401
from tests.reminder_fakes import RecordingSender, delivery_for


def _json_logs(stream: io.StringIO, event: str) -> list[dict]:
    return [line for line in map(json.loads, stream.getvalue().splitlines()) if line.get("event") == event]


async def test_each_reminder_delivery_attempt_logs_one_line_with_its_outcome(services, clock):
    def make(text: str, channel: str):
        return services.reminders.create(platform="console", channel=channel, user="U1", text=text,
                                         due=clock.now() + timedelta(seconds=1))

    ok, flaky, gone = make("ok", "C1"), make("flaky", "C1"), make("gone", "C2")  # C1 pauses after its 429
    sender = RecordingSender([None, RetryLater(5, "429"), DeliveryFailed("channel_not_found")])
    delivery = delivery_for(services, sender)
    stream = io.StringIO()
    setup_logging("INFO", "json", stream=stream)
    try:
        clock.advance(seconds=1)
        await delivery.run_due()
        clock.advance(seconds=5)
        await delivery.run_due()
    finally:
        setup_logging("WARNING", "text")
    lines = _json_logs(stream, "reminder")
    assert [(line["reminder_id"], line["attempt"], line["outcome"]) for line in lines] == [
        (ok.id, 1, "sent"), (flaky.id, 1, "retry"), (gone.id, 1, "failed"), (flaky.id, 2, "sent"),
    ]
    assert [line["channel"] for line in lines] == ["C1", "C1", "C2", "C1"]
    assert all(line["latency_ms"] >= 0 and line["platform"] == "console" for line in lines)


def test_the_clock_process_logs_a_json_line_per_delivered_reminder(new_db):
    db = new_db("r.db")
    created = run_cli(["console", "--json", "--db", str(db)],
                      stdin="/seller remind in 1 second first\n/seller remind in 1 second second\n")
    assert created.returncode == 0, created.stderr
    ids = [r["reminder_id"] for r in json_lines(created.stdout)]
    clock = run_cli(["clock", "--for", "1.5", "--json", "--db", str(db)], env={"SELLERBOT_LOG_FORMAT": "json"})
    assert clock.returncode == 0, clock.stderr
    logs = [json.loads(line) for line in clock.stderr.splitlines() if line.startswith("{")]
    delivered = [(line["reminder_id"], line["outcome"]) for line in logs if line.get("event") == "reminder"]
    assert sorted(delivered) == [(ids[0], "sent"), (ids[1], "sent")]
    assert [r["reminder_id"] for r in json_lines(clock.stdout)] == ids


async def test_slack_commands_and_button_presses_log_one_line_each(slack_bed):  # noqa: F811
    stream = io.StringIO()
    setup_logging("INFO", "json", stream=stream)
    try:
        await slack_bed.driver.command("help", user="U42", channel="C7")
        await slack_bed.mock.next_message()
        await slack_bed.driver.command("appeal start", user="U42", channel="C7")
        prompt = await slack_bed.mock.next_message()
        await slack_bed.driver.press(prompt, prompt.labels()[0], user="U42")
        await slack_bed.mock.next_message()
        await slack_bed.mock.settle()
    finally:
        setup_logging("WARNING", "text")
    lines = _json_logs(stream, "command")
    assert [(line["command"], line["outcome"]) for line in lines] == [("help", "ok"), ("appeal", "ok"), ("choice", "ok")]
    assert all(line["platform"] == "slack" and line["user"] == "U42" and line["channel"] == "C7" for line in lines)
    assert all(isinstance(line["latency_ms"], float) for line in lines)
