"""Long lists page in the core, the same on every platform: 150 cases (and 150 reminders) shown 20
at a time, each page saying which items it holds ("21–40 of 150") with a button to the next one.
Driven through each platform's real payloads: Slack's signed HTTP, Discord's interactions, the
console's button numbers. Every page is checked whole: the ids a reader sees continue where the
previous page ended, in deadline order, and all 150 are seen once (nothing cut to fit)."""

from __future__ import annotations

from bot.services import Services
from tests.case_seed import COUNT, count_in, expected_pages, ids_on, seed_cases, seed_reminders
from tests.conftest import json_lines, run_cli
from tests.mocks.discord_api import AGENT_ID, CHANNEL_ID, GUILD_ID, buttons
from tests.mocks.discord_fixtures import *  # noqa: F401,F403
from tests.mocks.discord_fixtures import interact
from tests.mocks.slack_api import TEAM
from tests.mocks.slack_fixtures import mock_slack, slack_bed  # noqa: F401

PAGES = -(-COUNT // 20)


def _sections(message) -> str:
    """The list as Slack shows it: the section blocks (not the notification fallback)."""
    return "\n".join(b["text"]["text"] for b in message.blocks if b["type"] == "section")


def _check_page(number: int, title: str, lines: str, pages: list[list[int]]) -> None:
    first, last, total = count_in(title)
    assert total == COUNT
    assert (first, last) == ((number - 1) * 20 + 1, (number - 1) * 20 + len(pages[number - 1]))
    assert ids_on(lines) == pages[number - 1]  # this page continues where the last one ended


async def test_case_list_pages_on_slack(slack_bed):
    mock, driver, services = slack_bed.mock, slack_bed.driver, slack_bed.services
    order = [s.case_id for s in seed_cases(services, platform="slack", channel="C1", workspace=TEAM, owner="U1")]
    pages = expected_pages(order)
    await driver.command("case list")
    message = await mock.next_message()
    for number in range(1, PAGES + 1):
        header = message.blocks[0]["text"]["text"]
        _check_page(number, header, _sections(message), pages)
        assert not any("cut to fit" in line for line in message.context())
        next_page = [label for label in message.labels() if label.startswith("Next page")]
        if number == PAGES:
            assert next_page == [] and message.labels() == ["◀ Previous page"]
            break
        assert next_page == [f"Next page ({number * 20 + 1}–{min(number * 20 + 20, COUNT)}) ▶"]
        await driver.press(message, next_page[0])
        message = await mock.next_message()


async def test_remind_list_pages_on_slack_instead_of_being_cut_to_fit(slack_bed):
    mock, driver, services = slack_bed.mock, slack_bed.driver, slack_bed.services
    pages = expected_pages(seed_reminders(services, platform="slack", channel="C1", workspace=TEAM, user="U1"))
    await driver.command("remind list")
    message = await mock.next_message()
    seen = []
    for number in range(1, PAGES + 1):
        _check_page(number, message.blocks[0]["text"]["text"], _sections(message), pages)
        assert not any("cut to fit" in line for line in message.context())
        seen += ids_on(_sections(message))
        if number < PAGES:
            await driver.press(message, next(label for label in message.labels() if label.startswith("Next page")))
            message = await mock.next_message()
    assert sorted(seen) == sorted(i for page in pages for i in page)


async def test_case_list_pages_on_discord_in_the_message_itself(discord_api, bot, services):
    """Each page is the embed's description, whole: no attached file standing in for the list."""
    order = [s.case_id for s in seed_cases(services, platform="discord", channel=str(CHANNEL_ID),
                                           workspace=str(GUILD_ID), owner=str(AGENT_ID))]
    pages = expected_pages(order)
    payload = discord_api.slash(["case"], {"action": "list"})
    [callback] = await interact(bot, discord_api, payload)
    for number in range(1, PAGES + 1):
        assert callback["type"] == 4
        [embed] = callback["data"]["embeds"]
        _check_page(number, embed["title"], embed["description"], pages)
        [sent] = discord_api.calls_to("POST", rf"interactions/{payload['id']}/.*/callback")
        assert not sent.files, "the page went out as a file"
        message = discord_api.original(payload)
        labels = [b["label"] for b in buttons(message)]
        if number == PAGES:
            assert labels == ["◀ Previous page"]
            break
        [target] = [b for b in buttons(message) if b["label"].startswith("Next page")]
        payload = discord_api.press(message, target["custom_id"])
        [callback] = await interact(bot, discord_api, payload)


async def test_remind_list_pages_on_discord_in_the_message_itself(discord_api, bot, services):
    """150 reminders of 900 characters each: every page is an embed of its own, no file stands in."""
    pages = expected_pages(seed_reminders(services, platform="discord", channel=str(CHANNEL_ID),
                                          workspace=str(GUILD_ID), user=str(AGENT_ID)))
    payload = discord_api.slash(["remind", "list"], {})
    [callback] = await interact(bot, discord_api, payload)
    seen = []
    for number in range(1, PAGES + 1):
        [embed] = callback["data"]["embeds"]
        first, last, total = count_in(embed["title"])
        assert total == COUNT and first == (number - 1) * 20 + 1
        assert len(embed["description"]) <= 4096 and "full text" not in embed["description"]
        [sent] = discord_api.calls_to("POST", rf"interactions/{payload['id']}/.*/callback")
        assert not sent.files, "the page went out as a file"
        seen += ids_on(embed["description"])
        message = discord_api.original(payload)
        if number == PAGES:
            break
        [target] = [b for b in buttons(message) if b["label"].startswith("Next page")]
        payload = discord_api.press(message, target["custom_id"])
        [callback] = await interact(bot, discord_api, payload)
    assert sorted(seen) == sorted(i for page in pages for i in page)


async def test_case_list_filters_through_discord_options(discord_api, bot, services):
    seed_cases(services, platform="discord", channel=str(CHANNEL_ID), workspace=str(GUILD_ID), owner=str(AGENT_ID),
               count=30)
    payload = discord_api.slash(["case"], {"action": "list", "filter": "mine", "marketplace": "amazon-de", "page": 1})
    [callback] = await interact(bot, discord_api, payload)
    [embed] = callback["data"]["embeds"]
    shown = ids_on(embed["description"])
    assert shown and all(services.cases.get(i).marketplace == "amazon-de" for i in shown)
    assert count_in(embed["title"])[2] == len(shown)


def test_case_list_pages_in_the_console(new_db):
    """`!1` / `!2` press the numbered buttons: Next on the first page, then Previous and Next."""
    from bot.config import Config

    db = new_db("console.db")
    services = Services(Config(db=db, tz="UTC"))
    order = [s.case_id for s in seed_cases(services, platform="console", channel="console", workspace="",
                                           owner="console-user")]
    services.store.close()
    pages = expected_pages(order)
    presses = "!1\n" + "!2\n" * (PAGES - 2)
    result = run_cli(["console", "--json", "--db", str(db)], stdin="/seller case list\n" + presses)
    assert result.returncode == 0, result.stderr
    # the console's clock also posts the reminders of seeded cases already due: only the lists count here
    shown = [line for line in json_lines(result.stdout) if line.get("kind") == "list"]
    assert len(shown) == PAGES
    for number, page in enumerate(shown, start=1):
        assert page["kind"] == "list" and page["page"] == number and page["total"] == COUNT
        _check_page(number, page["title"], page["text"], pages)
        assert [item["case_id"] for item in page["items"]] == pages[number - 1]
        assert page["choices"][-1]["value"] == (f"cmd:case list page {number + 1}" if number < PAGES
                                                else f"cmd:case list page {number - 1}")
