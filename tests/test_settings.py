"""`/seller settings`: the channel's time zone by IANA name or city, each person's language."""

from __future__ import annotations

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


async def test_an_unknown_zone_is_refused_in_the_users_language(ask):
    response = await ask("settings tz Mars/Base", lang="zh")
    assert response.kind == "error" and "未知时区" in response.text and "北京时间" in response.text
    assert response.context[0] == "用法：/seller settings tz [时区]"


async def test_the_language_setting_is_per_user_and_beats_the_platform_locale(ask):
    saved = await ask("设置 语言 英文", user="U1", lang="zh")
    assert saved.title == "Language saved" and saved.data["user_lang"] == "en"
    assert (await ask("help", user="U1", lang="zh")).text.startswith("Policy answers")
    assert (await ask("帮助", user="U1", lang="zh")).text.startswith("Policy answers")  # a setting beats the words
    assert (await ask("help", user="U2", lang="zh")).text.startswith("平台政策问答")  # others keep their locale
    await ask("settings lang chinese", user="U1")
    assert (await ask("help", user="U1")).text.startswith("平台政策问答")


async def test_an_unknown_language_is_a_usage_error(ask):
    response = await ask("settings lang fr")
    assert response.kind == "error" and "zh, en" in response.text and "fr" in response.text
