"""Many Slack workspaces through Bolt's OAuth flow, on SQLite and on PostgreSQL: the install pages
served beside `/slack/events`, the installation and OAuth state stores on our database, and each
workspace answered, looked up and reminded with its own bot token. Real Bolt over HTTP, signed
requests, the Web API mocked (tests/mocks/slack_api.py: `oauth.v2.access`, the Authorization
header of every call)."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest
import yaml
from slack_sdk.oauth.installation_store import Installation

from adapters.clock import run_clock
from adapters.senders import platform_senders
from adapters.slack.oauth import BOT_SCOPES, INSTALL_PATH, REDIRECT_PATH, SlackInstallations, SlackOAuthStates
from adapters.slack.server import EVENTS_PATH, missing_variables
from bot.config import Config
from bot.reminders.scheduler import ReminderScheduler
from bot.services import Services
from tests.conftest import ROOT
from tests.mocks.slack_api import TEAM, TEAM_B, TOKEN_A, TOKEN_B, MockSlack, SlackDriver
from tests.mocks.slack_fixtures import SECRET, mock_slack, served  # noqa: F401

pytestmark = pytest.mark.both_engines

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "c0ffee-client-secret-0123456789"
COOKIE = "slack-app-oauth-state"


def oauth_config(db_target: str, mock: MockSlack) -> Config:
    return Config(db=db_target, tz="UTC", scheduler="off", slack_signing_secret=SECRET, slack_api_url=mock.api_url,
                  slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET)


@dataclass
class OAuthBed:
    mock: MockSlack
    services: Services
    config: Config
    base_url: str
    http: aiohttp.ClientSession

    def driver(self, **who) -> SlackDriver:
        return SlackDriver(self.base_url + EVENTS_PATH, SECRET, self.mock, **who)

    async def start_install(self, **headers) -> tuple[int, str, str]:
        """GET /slack/install: the page's status, the `state` in its "Add to Slack" link, the cookie."""
        async with self.http.get(self.base_url + INSTALL_PATH, headers=headers) as page:
            text = await page.text()
            cookie = page.headers.get("Set-Cookie", "")
        link = html.unescape(re.search(r'href="(https://slack.com/oauth/v2/authorize[^"]+)"', text)[1])
        query = parse_qs(urlparse(link).query)
        assert query["client_id"] == [CLIENT_ID] and query["scope"] == [",".join(BOT_SCOPES)]
        return page.status, query["state"][0], cookie

    async def redirect(self, code: str, state: str, cookie_state: str | None = None, **headers) -> tuple[int, str]:
        """Slack sends the browser back to /slack/oauth_redirect with the code and the state."""
        cookie = {"Cookie": f"{COOKIE}={cookie_state or state}"} if cookie_state != "" else {}
        async with self.http.get(self.base_url + REDIRECT_PATH, params={"code": code, "state": state},
                                 headers={**cookie, **headers}) as page:
            return page.status, await page.text()

    async def install(self, code: str, team: str, token: str, *, rotating: int | None = None) -> None:
        """The whole install flow into `team`; `rotating` (seconds): a token that expires (rotation on)."""
        self.mock.grant(code, team, token, rotating=rotating)
        status, state, cookie = await self.start_install()
        assert status == 200 and f"{COOKIE}={state}" in cookie
        status, page = await self.redirect(code, state)
        assert status == 200 and "Thank you!" in page, page


@pytest.fixture
async def oauth_bed(db_target, mock_slack, clock):
    config = oauth_config(db_target, mock_slack)
    services = Services(config, clock=clock)
    async with served(services, config) as base_url:
        # no cookie jar: each step sends exactly the cookie a browser would (the state cookie is Secure)
        http = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
        yield OAuthBed(mock_slack, services, config, base_url, http)
        await mock_slack.settle(0.05)
        await http.close()


def _auth_of(mock: MockSlack, method: str, **params) -> set[str]:
    return {c.params["_auth"] for c in mock.called(method) if all(c.params.get(k) == v for k, v in params.items())}


async def test_a_second_workspace_installs_and_each_sees_only_its_own_cases_with_its_own_token(oauth_bed, clock, caplog):
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.INFO, logger="sellerbot")  # whatever an earlier test's setup_logging left
    bed, mock = oauth_bed, oauth_bed.mock
    await bed.install("code-a", TEAM, TOKEN_A)
    await bed.install("code-b", TEAM_B, TOKEN_B)
    installations = SlackInstallations(bed.services.store, CLIENT_ID)
    assert installations.bot_of_team(TEAM_B).bot_token == TOKEN_B
    assert installations.bot_of_team(TEAM).bot_token == TOKEN_A

    # The same channel id in both (a channel shared between the two workspaces): only the team differs.
    alice, bo = bed.driver(team=TEAM, user="UA1"), bed.driver(team=TEAM_B, user="UB1")
    try:
        assert (await bo.command("case open messaging-warning store Xiaomi B")).status == 200
        opened_b = await mock.next_message()
        assert "Xiaomi B" in opened_b.all_text()
        await alice.command("case open messaging-warning store Anker A")
        assert "Anker A" in (await mock.next_message()).all_text()

        await bo.command("case list")
        listed_b = (await mock.next_message()).all_text()
        await alice.command("case list")
        listed_a = (await mock.next_message()).all_text()
        assert "Xiaomi B" in listed_b and "Anker A" not in listed_b
        assert "Anker A" in listed_a and "Xiaomi B" not in listed_a

        # B's posts go out with B's token: the locale lookup, and a dialogue thread it opens.
        await bo.command("appeal start odr")
        thread = await mock.next_message()
        assert thread.via == "chat.postMessage"
    finally:
        await alice.close()
        await bo.close()
    assert _auth_of(mock, "users.info", user="UB1") == {f"Bearer {TOKEN_B}"}
    assert _auth_of(mock, "users.info", user="UA1") == {f"Bearer {TOKEN_A}"}
    assert _auth_of(mock, "chat.postMessage") == {f"Bearer {TOKEN_B}"}

    # `sellerbot clock` finds each reminder's workspace token in the installation store.
    clock.advance(days=3)  # every reminder of both cases is due
    (due,) = bed.services.store.query("SELECT count(*) AS n FROM reminders WHERE state = 'pending'")
    assert due["n"] >= 2
    delivering = asyncio.create_task(run_clock(bed.config, clock=clock))
    try:
        posts = (await mock.wait_for("chat.postMessage", 1 + due["n"]))[1:]  # after the dialogue thread
    finally:
        delivering.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await delivering
    owners = {p.params["text"].split(">")[0] + ">": p.params["_auth"] for p in posts}
    assert owners == {"<@UB1>": f"Bearer {TOKEN_B}", "<@UA1>": f"Bearer {TOKEN_A}"}
    assert all(p.params["_auth"] == owners[p.params["text"].split(">")[0] + ">"] for p in posts)

    assert "Slack app installed in workspace T0SECOND" in caplog.text
    for secret in (TOKEN_A, TOKEN_B, CLIENT_SECRET):  # tokens are never logged
        assert secret not in caplog.text


async def test_a_request_from_a_workspace_that_never_installed_is_told_to_install_and_not_run(oauth_bed):
    bed, mock = oauth_bed, oauth_bed.mock
    stranger = bed.driver(team="T0NEVER", user="UX")
    try:
        ack = await stranger.command("case open messaging-warning store Nobody")
    finally:
        await stranger.close()
    assert ack.status == 200
    (answer,) = await mock.wait_for("response")
    assert "not installed in this workspace" in answer.params["text"] and "尚未安装" in answer.params["text"]
    await mock.settle()
    assert bed.services.store.query("SELECT id FROM cases") == []
    assert bed.services.store.query("SELECT id FROM inbox") == []


async def test_a_bad_or_expired_state_gets_a_clear_page_and_installs_nothing(oauth_bed, clock):
    bed = oauth_bed
    status, page = await bed.redirect("code-x", "made-up-state")
    assert status == 401 and "expired or was already used" in page and INSTALL_PATH in page

    _, state, _ = await bed.start_install()
    status, page = await bed.redirect("code-x", state, cookie_state="")  # the cookie was lost
    assert status == 400 and "another browser" in page

    _, state, _ = await bed.start_install()
    clock.advance(minutes=11)
    status, page = await bed.redirect("code-x", state, **{"Accept-Language": "zh-CN,zh;q=0.9"})
    assert status == 401 and "此安装链接已过期或已被使用" in page

    _, state, _ = await bed.start_install()
    status, page = await bed.redirect("bad", state)  # Slack refuses the code
    assert status == 401 and "did not accept the installation code" in page

    _, state, _ = await bed.start_install()
    assert (await bed.redirect("code-y", state))[0] == 200
    status, page = await bed.redirect("code-z", state)  # a state is good once
    assert status == 401 and "already used" in page

    assert "xoxb-" not in page and CLIENT_SECRET not in page
    assert [row["team_id"] for row in bed.services.store.query("SELECT team_id FROM slack_bots")] == [TEAM_B]


async def test_an_uninstalled_workspace_loses_its_token_and_its_reminders_fail_clearly(oauth_bed, clock):
    bed, mock = oauth_bed, oauth_bed.mock
    await bed.install("code-b", TEAM_B, TOKEN_B)
    bo = bed.driver(team=TEAM_B, user="UB1")
    try:
        await bo.command("remind in 2 minutes renew the CSBA trial")
        await mock.next_message()
        # Slack tells the app it was uninstalled (an event, signed like any other)
        event = {"type": "event_callback", "team_id": TEAM_B, "api_app_id": "AMOCK", "event_id": "EvUninstall",
                 "event": {"type": "app_uninstalled", "event_ts": "1.0"}, "event_time": 1,
                 "authorizations": [{"team_id": TEAM_B, "user_id": "UBOT", "is_bot": True}]}
        assert (await bo.post(json.dumps(event), content_type="application/json")).status == 200
    finally:
        await bo.close()
    assert SlackInstallations(bed.services.store, CLIENT_ID).bot_of_team(TEAM_B) is None

    clock.advance(minutes=2)
    report = await ReminderScheduler(bed.services, platform_senders(bed.config, bed.services.store)).run_once()
    assert len(report.failed) == 1 and mock.called("chat.postMessage") == []
    (row,) = bed.services.store.query("SELECT state, last_error FROM reminders")
    assert row["state"] == "failed" and "not installed in Slack workspace T0SECOND" in row["last_error"]


# --- the stores alone -------------------------------------------------------------------------------
def _installation(team: str, user: str, token: str, at: datetime) -> Installation:
    return Installation(app_id="AMOCK", team_id=team, team_name="Team", user_id=user, bot_token=token, bot_id="B1",
                        bot_user_id="UBOT", bot_scopes=list(BOT_SCOPES), installed_at=at.timestamp())


async def test_the_installation_store_keeps_the_latest_bot_and_each_installer(services):
    store = SlackInstallations(services.store, CLIENT_ID)
    first, later = datetime(2026, 11, 1, 9), datetime(2026, 11, 2, 9)
    await store.async_save(_installation("T1", "U1", "xoxb-old-000000", first))
    await store.async_save(_installation("T1", "U2", "xoxb-new-000000", later))
    await store.async_save(_installation("T2", "U9", "xoxb-other-0000", first))

    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot.bot_token == "xoxb-new-000000" and bot.bot_scopes == list(BOT_SCOPES)
    latest = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert latest.user_id == "U2"
    by_first = await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert by_first.user_id == "U1" and by_first.bot_token == "xoxb-new-000000"  # the workspace's current bot
    assert await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U404") is None
    assert SlackInstallations(services.store, "another-app").bot_of_team("T1") is None  # per app

    await store.async_delete_all(enterprise_id=None, team_id="T1")
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert await store.async_find_installation(enterprise_id=None, team_id="T1") is None
    assert store.bot_of_team("T2").bot_token == "xoxb-other-0000"


async def test_an_oauth_state_is_good_once_and_until_it_expires(services, clock):
    states = SlackOAuthStates(services.store, clock, expires=timedelta(minutes=10))
    first, second = await states.async_issue(), await states.async_issue()
    assert first != second and len(first) >= 32
    assert await states.async_consume(first) is True
    assert await states.async_consume(first) is False
    clock.advance(minutes=10, seconds=1)
    assert await states.async_consume(second) is False
    assert await states.async_consume("") is False
    await states.async_issue()  # issuing clears the expired ones
    assert len(services.store.query("SELECT state FROM slack_oauth_states")) == 1


# --- configuration and docs -------------------------------------------------------------------------
def test_oauth_needs_the_client_secret_and_http():
    config = Config(slack_client_id=CLIENT_ID, slack_signing_secret=SECRET)
    assert missing_variables(config, socket=False) == ["SLACK_CLIENT_SECRET"]
    full = config.model_copy(update={"slack_client_secret": CLIENT_SECRET})
    assert full.slack_oauth and missing_variables(full, socket=False) == []
    assert "SLACK_BOT_TOKEN" in missing_variables(full, socket=True)  # Socket Mode serves one workspace
    assert not full.model_copy(update={"slack_bot_token": "xoxb-1"}).slack_oauth  # one token: one workspace
    assert full.redacted()["slack_client_secret"] == "***"


def test_the_install_asks_for_the_manifest_scopes_and_the_manifest_names_the_redirect():
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert tuple(manifest["oauth_config"]["scopes"]["bot"]) == BOT_SCOPES
    assert "https://YOUR-HOST/slack/oauth_redirect" in manifest["oauth_config"]["redirect_urls"]


async def test_the_web_process_serves_the_install_page_without_a_bot_token(db_target, mock_slack):
    """`sellerbot` with no subcommand picks Slack from the OAuth variables and serves the flow."""
    from tests.test_slack_server import NO_SLACK, _free_port, _start

    port = _free_port()
    env = {**NO_SLACK, "SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET,
           "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": mock_slack.api_url, "PORT": str(port),
           "SELLERBOT_DB": db_target, "SELLERBOT_SCHEDULER": "off"}
    process = await _start([], env)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            for _ in range(400):
                try:
                    async with http.get(f"http://127.0.0.1:{port}{INSTALL_PATH}") as page:
                        text, cookie = await page.text(), page.headers.get("Set-Cookie", "")
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("the server never answered")
        assert page.status == 200 and "https://slack.com/oauth/v2/authorize" in text and COOKIE in cookie
        assert mock_slack.called("auth.test") == []  # no token to check at start
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, stderr.decode()
    assert CLIENT_SECRET not in stderr.decode()
