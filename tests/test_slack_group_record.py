"""A burst of Slack commands is recorded in groups: one write transaction for the requests that
arrived while the previous group was written, each still recorded before its own ack, and each
run once (real Bolt over HTTP, real SQLite)."""

from __future__ import annotations

import asyncio

from adapters.slack.intake import Intake
from bot.context import Context
from bot.model import Response
from tests.mocks.slack_fixtures import mock_slack, scratch_commands, slack_bed, slack_config  # noqa: F401

BURST = 30


async def test_a_burst_is_recorded_in_fewer_transactions_than_requests_and_each_runs_once(
    slack_bed, scratch_commands, monkeypatch
):
    runs: dict[str, int] = {}
    cmd = scratch_commands("tally")

    @cmd.action("up")
    async def up(ctx: Context) -> Response:
        runs[ctx.args] = runs.get(ctx.args, 0) + 1
        return Response(text=f"tally {ctx.args}", ephemeral=True)

    groups: list[int] = []
    record_now = Intake._record_now

    def counting(self, requests):
        groups.append(len(requests))
        return record_now(self, requests)

    monkeypatch.setattr(Intake, "_record_now", counting)
    acks = await asyncio.gather(*(slack_bed.driver.command(f"tally up {n}") for n in range(BURST)))
    assert [a.status for a in acks] == [200] * BURST
    recorded = slack_bed.services.store.execute("SELECT count(*) FROM inbox WHERE kind = 'command'").fetchone()[0]
    assert recorded == BURST  # every ack came back after its row was written
    assert sum(groups) == BURST and len(groups) < BURST, groups  # several per transaction
    for _ in range(BURST):
        await slack_bed.mock.next_message()
    await slack_bed.mock.settle()
    assert runs == {str(n): 1 for n in range(BURST)}
