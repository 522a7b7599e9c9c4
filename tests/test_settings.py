"""`/seller settings`: the channel's time zone by IANA name or city, each person's language."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.both_engines  # storage contract: SQLite and PostgreSQL


@pytest.mark.parametrize("typed, zone", [
    ("Asia/Shanghai", "Asia/Shanghai"), ("北京时间", "Asia/Shanghai"), ("beijing", "Asia/Shanghai"),
    ("深圳", "Asia/Shanghai"), ("上海", "Asia/Shanghai"), ("Shanghai", "Asia/Shanghai"), ("tokyo", "Asia/Tokyo"),
    ("东京", "Asia/Tokyo"), ("new york", "America/New_York"), ("洛杉矶", "America/Los_Angeles"), ("utc", "UTC"),
])
async def test_a_time_zone_by_iana_name_or_city(ask, typed, zone):
    response = await ask(f"settings tz {typed}")
    assert response.kind == "settings" and response.data["channel_tz"] == zone


# typed, the zone stored, its offset from UTC now (the clock says 2026-11-24, no daylight saving in the north)
BY_OFFSET_OR_CITY = [
    ("GMT+8", "Etc/GMT-8", "+08:00"),  # the POSIX name of UTC+8 has the opposite sign
    ("UTC+8", "Etc/GMT-8", "+08:00"),
    ("utc+08:00", "Etc/GMT-8", "+08:00"),
    ("+08:00", "Etc/GMT-8", "+08:00"),
    ("GMT+08:00", "Etc/GMT-8", "+08:00"),
    ("+0800", "Etc/GMT-8", "+08:00"),
    ("UTC-5", "Etc/GMT+5", "-05:00"),
    ("UTC+0", "UTC", "+00:00"),
    ("UTC+14", "Etc/GMT-14", "+14:00"),
    ("东八区", "Etc/GMT-8", "+08:00"),
    ("东九区", "Etc/GMT-9", "+09:00"),
    ("西五区", "Etc/GMT+5", "-05:00"),
    ("东8区", "Etc/GMT-8", "+08:00"),
    ("中时区", "UTC", "+00:00"),
    ("深圳时间", "Asia/Shanghai", "+08:00"),
    ("东京时间", "Asia/Tokyo", "+09:00"),
    ("纽约时间", "America/New_York", "-05:00"),
    ("巴黎时间", "Europe/Paris", "+01:00"),
    ("伦敦时间", "Europe/London", "+00:00"),
    ("洛杉矶时间", "America/Los_Angeles", "-08:00"),
    ("Etc/GMT+8", "Etc/GMT+8", "-08:00"),  # the IANA name typed as such is kept, and its offset shown
]


@pytest.mark.parametrize("typed, zone, offset", BY_OFFSET_OR_CITY)
async def test_a_time_zone_by_offset_or_city_time_and_the_reply_shows_its_offset(ask, typed, zone, offset):
    response = await ask(f"settings tz {typed}", lang="zh")
    assert response.kind == "settings" and (response.data["channel_tz"], response.data["utc_offset"]) == (zone, offset)
    shown = {"Etc/GMT-8": "UTC+8", "Etc/GMT+8": "UTC-8", "Etc/GMT-9": "UTC+9", "Etc/GMT+5": "UTC-5",
             "Etc/GMT-14": "UTC+14", "Etc/GMT+12": "UTC-12", "Etc/GMT": "Etc/GMT"}.get(zone, zone)
    assert f"时区：{shown}，UTC{offset}" in response.text  # Etc/GMT-8 is shown as people write it


@pytest.mark.parametrize("typed, lang, message", [
    ("localtime", "en", "Unknown time zone `localtime`"),
    ("Factory", "zh", "未知时区 `Factory`"),
    ("posixrules", "en", "Unknown time zone"),
    ("UTC+15", "en", "Unknown time zone"),
    ("东十三区", "zh", "未知时区"),
    ("+05:30", "en", "UTC\\+05:30 is not a whole number of hours: name a city.*Asia/Kolkata"),
    ("UTC+5:45", "zh", "UTC\\+05:45 不是整点时差.*Asia/Kathmandu"),
    ("UTC-03:30", "en", "UTC-03:30 is not a whole number of hours.*America/St_Johns"),
])
async def test_what_is_no_zone_is_refused_and_a_half_hour_offset_asks_for_a_city(ask, typed, lang, message):
    response = await ask(f"settings tz {typed}", lang=lang)
    assert response.kind == "error" and re.search(message, response.text), response.text
    assert (await ask("settings")).data["channel_tz"] is None


async def test_an_unknown_zone_is_refused_in_the_users_language(ask):
    response = await ask("settings tz Mars/Base", lang="zh")
    assert response.kind == "error" and "未知时区" in response.text and "北京时间" in response.text
    assert response.context[0] == "用法：/seller 设置 时区 [时区]"


async def test_the_language_setting_is_per_user_and_beats_the_platform_locale(ask):
    saved = await ask("设置 语言 英文", user="U1", lang="zh")
    assert saved.title == "Language saved" and saved.data["user_lang"] == "en"
    assert (await ask("help", user="U1", lang="zh")).text.startswith("Policy answers")
    assert (await ask("帮助", user="U1", lang="zh")).text.startswith("Policy answers")  # a setting beats the words
    assert (await ask("help", user="U2", lang="zh")).text.startswith("平台政策问答")  # others keep their locale
    await ask("settings lang chinese", user="U1")
    assert (await ask("help", user="U1")).text.startswith("平台政策问答")


@pytest.mark.parametrize("line, lang, text", [
    ("settings lang fr", "en", "The language must be zh (Chinese) or en (English), not `fr`."),
    ("设置 语言 法语", "zh", "语言只能是中文（zh）或英文（en），不能是 `法语`。"),
])
async def test_an_unknown_language_is_a_usage_error_in_a_sentence(ask, line, lang, text):
    """Not `<language> is one of zh, en`: the words that are accepted, said in the user's language."""
    response = await ask(line, lang=lang)
    assert response.kind == "error" and response.text == text
