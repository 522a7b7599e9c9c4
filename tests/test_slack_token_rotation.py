"""Slack token rotation with many workspaces, on SQLite and on PostgreSQL: an app with rotation on
gets bot tokens that expire after 12 hours and refresh tokens good once. Bolt's authorize (a signed
slash command into the real app), `WorkspaceClients` (answers, and `sellerbot clock` posting
reminders) and the installation store must renew a token near its expiry, save the new pair for
every process, and survive two processes renewing the same token at once. The Web API is the mock
(tests/mocks/slack_api.py): it revokes a refresh token once used and refuses an expired token."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
import yaml
from slack_sdk.oauth.installation_store import Bot, Installation

from adapters.clock import run_clock
from adapters.slack.client import ROTATE_BEFORE_MINUTES, WorkspaceClients
from adapters.slack.oauth import BOT_SCOPES, SlackInstallations
from bot.store import Store
from tests.conftest import ROOT
from tests.mocks.slack_api import TEAM_B, TOKEN_B, MockSlack
from tests.mocks.slack_fixtures import mock_slack  # noqa: F401
from tests.test_slack_oauth import CLIENT_ID, OAuthBed, oauth_bed  # noqa: F401

pytestmark = pytest.mark.both_engines

TWELVE_HOURS = 12 * 3600
SOON = 10 * 60
"""A token installed to last 10 minutes: inside the renewal window (ROTATE_BEFORE_MINUTES)."""


def _bot(bed: OAuthBed) -> Bot:
    return SlackInstallations(bed.services.store, CLIENT_ID).bot_of_team(TEAM_B)


def _refreshes(mock: MockSlack) -> list[dict]:
    return [c.params for c in mock.called("oauth.v2.access") if c.params.get("grant_type") == "refresh_token"]


def _auths_since(mock: MockSlack, start: int) -> set[str]:
    return {c.params.get("_auth") for c in mock.calls[start:] if c.method not in ("response", "oauth.v2.access")}


def _clients(bed: OAuthBed, store=None) -> WorkspaceClients:
    """What a process (web worker or clock) builds: its own store handle and rotator."""
    return WorkspaceClients(bed.config, SlackInstallations(store or bed.services.store, CLIENT_ID),
                            wait_on_rate_limit=False)


async def test_an_install_with_rotation_keeps_the_refresh_token_and_its_expiry(oauth_bed):
    await oauth_bed.install("code-b", TEAM_B, TOKEN_B, rotating=TWELVE_HOURS)
    bot = _bot(oauth_bed)
    assert bot.bot_token == TOKEN_B and bot.bot_refresh_token.startswith("xoxe-1-")
    assert abs(bot.bot_token_expires_at - (time.time() + TWELVE_HOURS)) < 600
    assert bot.bot_refresh_token in oauth_bed.mock.refresh_tokens  # the one Slack handed out, not yet used


async def test_a_command_from_a_workspace_whose_token_expires_soon_renews_it_and_answers_with_the_new_one(oauth_bed):
    bed, mock = oauth_bed, oauth_bed.mock
    await bed.install("code-b", TEAM_B, TOKEN_B, rotating=SOON)
    installed = _bot(bed)
    start = len(mock.calls)

    bo = bed.driver(team=TEAM_B, user="UB1")
    try:
        assert (await bo.command("appeal start odr")).status == 200
        thread = await mock.next_message()  # a dialogue thread: chat.postMessage with the bot token
    finally:
        await bo.close()
    assert thread.via == "chat.postMessage"

    (refresh,) = _refreshes(mock)
    assert refresh["refresh_token"] == installed.bot_refresh_token and refresh["_auth"].startswith("Basic ")
    renewed = _bot(bed)
    assert renewed.bot_token not in (None, TOKEN_B) and renewed.bot_token.startswith("xoxb-")
    assert renewed.bot_refresh_token != installed.bot_refresh_token and renewed.bot_refresh_token in mock.refresh_tokens
    assert renewed.bot_token_expires_at > time.time() + TWELVE_HOURS - 600
    assert renewed.installed_at == pytest.approx(installed.installed_at, abs=1)  # the same install, renewed
    # every Web API call after the renewal (Bolt's auth.test, the locale lookup, the post) used the new token
    assert _auths_since(mock, start) == {f"Bearer {renewed.bot_token}"}
    assert mock.called("auth.test")[-1].params["_auth"] == f"Bearer {renewed.bot_token}"


async def test_the_clock_renews_an_expired_token_before_posting_a_reminder_twelve_hours_later(oauth_bed, clock):
    bed, mock = oauth_bed, oauth_bed.mock
    await bed.install("code-b", TEAM_B, TOKEN_B, rotating=TWELVE_HOURS)
    bo = bed.driver(team=TEAM_B, user="UB1")
    try:
        await bo.command("remind in 12 hours renew the CSBA trial")
        assert "renew the CSBA trial" in (await mock.next_message()).all_text()
    finally:
        await bo.close()
    assert _refreshes(mock) == []  # a fresh token is not renewed

    # Twelve hours later: the token Slack gave at install time has expired, and Slack refuses it.
    clock.advance(hours=12)
    installations = SlackInstallations(bed.services.store, CLIENT_ID)
    old = installations.bot_of_team(TEAM_B)
    old.bot_token_expires_at = int(time.time()) - 60
    await installations.async_save_bot(old)
    mock.expire(TOKEN_B)

    delivering = asyncio.create_task(run_clock(bed.config, clock=clock))
    try:
        (post,) = await mock.wait_for("chat.postMessage")
    finally:
        delivering.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await delivering
    renewed = installations.bot_of_team(TEAM_B)
    assert renewed.bot_token != TOKEN_B and post.params["_auth"] == f"Bearer {renewed.bot_token}"
    assert "renew the CSBA trial" in post.params["text"]
    assert [r["refresh_token"] for r in _refreshes(mock)] == [old.bot_refresh_token]
    assert renewed.bot_token_expires_at > time.time() + TWELVE_HOURS - 600
    (row,) = bed.services.store.query("SELECT state FROM reminders")
    assert row["state"] == "sent"


async def test_when_another_process_renewed_first_the_spent_refresh_token_leads_to_its_token(oauth_bed):
    """Both processes read the expiring token; the other one exchanges the refresh token first, so
    ours is refused (`invalid_refresh_token`): ours must read the store again and use what the
    other one saved, not fail nor go on with the old token."""
    bed, mock = oauth_bed, oauth_bed.mock
    await bed.install("code-b", TEAM_B, TOKEN_B, rotating=SOON)
    installed = _bot(bed)
    other_store = Store.connect(bed.config.db)
    mine, other = _clients(bed), _clients(bed, other_store)
    renewed_by_other: list[str] = []

    async def the_other_process_renews_first(params: dict) -> None:
        renewed_by_other.append((await other.get(TEAM_B)).token)

    try:
        mock.before("oauth.v2.access", the_other_process_renews_first)
        mock.expire(TOKEN_B)
        client = await mine.get(TEAM_B)
        posted = await client.chat_postMessage(channel="C1", text="still speaking")
    finally:
        other_store.close()
    assert renewed_by_other and renewed_by_other[0] != TOKEN_B
    assert client.token == renewed_by_other[0] == _bot(bed).bot_token
    assert posted["ok"]
    # two exchanges of the same refresh token: the other process's, then ours (refused)
    assert [r["refresh_token"] for r in _refreshes(mock)] == [installed.bot_refresh_token] * 2
    assert _bot(bed).bot_refresh_token in mock.refresh_tokens  # the stored one is the one still good


async def test_one_process_renews_a_token_once_however_many_uses_wait_for_it(oauth_bed):
    bed, mock = oauth_bed, oauth_bed.mock
    await bed.install("code-b", TEAM_B, TOKEN_B, rotating=SOON)
    clients = _clients(bed)
    first, second, third = await asyncio.gather(*(clients.get(TEAM_B) for _ in range(3)))
    assert first.token == second.token == third.token == _bot(bed).bot_token != TOKEN_B
    assert len(_refreshes(mock)) == 1
    # another process reads the store and finds the renewed token: nothing to renew
    assert (await _clients(bed).get(TEAM_B)).token == first.token and len(_refreshes(mock)) == 1


async def test_a_failed_renewal_keeps_the_still_valid_token_and_is_tried_again_at_the_next_use(oauth_bed, caplog):
    bed, mock = oauth_bed, oauth_bed.mock
    await bed.install("code-b", TEAM_B, TOKEN_B, rotating=SOON)
    clients = _clients(bed)
    mock.fail("oauth.v2.access", status=500)
    assert (await clients.get(TEAM_B)).token == TOKEN_B  # Slack is down: the token still has 10 minutes
    assert _bot(bed).bot_token == TOKEN_B and "could not renew the bot token" in caplog.text
    renewed = await clients.get(TEAM_B)
    assert renewed.token != TOKEN_B and renewed.token == _bot(bed).bot_token
    for secret in (TOKEN_B, renewed.token, _bot(bed).bot_refresh_token):
        assert secret not in caplog.text


# --- the store alone ------------------------------------------------------------------------------
def _rotating(token: str, refresh: str, expires_at: int, installed_at: float) -> Bot:
    return Bot(app_id="AMOCK", team_id="T1", bot_token=token, bot_id="B1", bot_user_id="UBOT",
               bot_scopes=list(BOT_SCOPES), bot_refresh_token=refresh, bot_token_expires_at=expires_at,
               installed_at=installed_at)


async def test_a_late_renewal_never_replaces_a_fresher_token_nor_undoes_a_reinstall(services):
    store = SlackInstallations(services.store, CLIENT_ID)
    now, installed = int(time.time()), time.time() - 3600
    await store.async_save_bot(_rotating("xoxb-first-00000", "xoxe-1-a", now + 60, installed))
    await store.async_save_bot(_rotating("xoxb-later-00000", "xoxe-1-c", now + TWELVE_HOURS + 5, installed))
    await store.async_save_bot(_rotating("xoxb-slower-0000", "xoxe-1-b", now + TWELVE_HOURS, installed))
    kept = store.bot_of_team("T1")
    assert (kept.bot_token, kept.bot_refresh_token) == ("xoxb-later-00000", "xoxe-1-c")

    reinstall = Installation(app_id="AMOCK", team_id="T1", user_id="U2", bot_token="xoxb-reinstall-0", bot_id="B1",
                             bot_user_id="UBOT", bot_scopes=list(BOT_SCOPES), bot_refresh_token="xoxe-1-r",
                             bot_token_expires_at=now + 600, installed_at=time.time())
    await store.async_save(reinstall)
    await store.async_save_bot(_rotating("xoxb-renewed-old", "xoxe-1-d", now + 2 * TWELVE_HOURS, installed))
    assert store.bot_of_team("T1").bot_token == "xoxb-reinstall-0"


# --- configuration --------------------------------------------------------------------------------
def test_the_manifest_leaves_rotation_off_for_the_single_token_mode():
    """SLACK_BOT_TOKEN is a token that never expires: rotation, once on, cannot be turned off and
    would end it after 12 hours. The manifest says how to turn it on for many workspaces."""
    text = (ROOT / "manifest.yml").read_text()
    assert yaml.safe_load(text)["settings"]["token_rotation_enabled"] is False
    assert "token_rotation_enabled: true" in text  # the comment saying when to turn it on
    assert ROTATE_BEFORE_MINUTES * 60 < TWELVE_HOURS
