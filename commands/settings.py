"""`/seller settings [tz ZONE | lang zh|en]`: the channel's time zone, in which reminder and case
times are read and shown, and each person's interface language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, available_timezones

from bot.context import Context
from bot.errors import UsageError
from bot.i18n import Text
from bot.model import Response
from bot.reminders import hours, times
from bot.reminders.store import to_iso
from bot.spec import Command, Option, Param

if TYPE_CHECKING:
    from bot.app import App

CITIES = {
    "Asia/Shanghai": ("北京时间", "北京", "beijing", "中国", "china", "深圳", "shenzhen", "上海", "广州", "guangzhou",
                      "杭州", "hangzhou", "义乌", "yiwu", "厦门", "xiamen", "东莞", "dongguan", "福州", "宁波", "cst"),
    "Asia/Hong_Kong": ("香港", "hongkong", "hong kong"),
    "Asia/Taipei": ("台北", "台湾"),
    "Asia/Tokyo": ("东京", "日本", "japan"),
    "Asia/Singapore": ("新加坡",),
    "Europe/London": ("伦敦", "英国", "uk"),
    "Europe/Paris": ("巴黎", "法国", "france"),
    "Europe/Berlin": ("柏林", "德国", "germany"),
    "America/New_York": ("纽约", "美东", "美国东部"),
    "America/Los_Angeles": ("洛杉矶", "西雅图", "seattle", "美西", "美国西部"),
    "UTC": ("协调世界时", "格林尼治时间", "gmt"),
}
"""Place names people use for the zones sellers work in (IANA names and their city part, such as
`Asia/Shanghai` or `tokyo`, work too)."""

LANGS = (Option("zh", Text("Chinese", "中文"), ("中文", "汉语", "chinese", "cn")),
         Option("en", Text("English", "英文"), ("英文", "英语", "english")))

settings = Command(
    "settings",
    Text("Show this channel's settings, set its time zone, or set your language",
         "查看本频道设置，设置时区，或设置你的界面语言"),
    words=("设置",),
    examples=(Text("settings tz Asia/Shanghai", "设置 时区 北京时间"), Text("settings lang zh", "设置 语言 中文"),
              Text("settings", "设置")),
)


NOT_ZONES = ("localtime", "factory", "posixrules")
"""Files tzdata ships that are no time zone: `localtime` is whatever the host is set to, `Factory`
has no offset at all."""
_NOT_ZONE_DIRS = ("posix/", "right/")


@cache
def _zones() -> dict[str, str]:
    names = {name.lower(): name for name in available_timezones()
             if name.lower() not in NOT_ZONES and not name.lower().startswith(_NOT_ZONE_DIRS)}
    for name in list(names.values()):  # the city part: "tokyo", "new york" (not "gmt+8" of Etc/GMT+8, which is UTC-8)
        if name.startswith("Etc/"):
            continue
        city = name.rsplit("/", 1)[-1].lower()
        names.setdefault(city, name)
        names.setdefault(city.replace("_", " "), name)
    for zone, places in CITIES.items():
        for place in places:
            names[place.lower()] = zone
    return names


_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$")
_CN_ZONE = re.compile(r"^(东|西)([一二三四五六七八九十]{1,3}|\d{1,2})区$")
_WIDE = str.maketrans({"＋": "+", "－": "-", "−": "-", "：": ":"})


def utc_offset(typed: str) -> tuple[int, int] | None:
    """(hours, minutes) east of UTC for an offset as people write it: `UTC+8`, `GMT+08:00`, `+0800`,
    `东八区`, `西五区`, `中时区`; None for anything else or beyond UTC-12 to UTC+14."""
    text = " ".join(typed.strip().lower().translate(_WIDE).split())
    if text in ("中时区", "零时区"):
        return 0, 0
    if cn := _CN_ZONE.match(text):
        import cn2an  # loaded by the first zone typed this way, not by every process

        hours = int(cn2an.cn2an(cn.group(2), "smart"))
        return ((hours if cn.group(1) == "东" else -hours), 0) if 1 <= hours <= 12 else None
    if not (match := _OFFSET.match(text)):
        return None
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    if minutes >= 60 or not -12 <= sign * hours <= 14:
        return None
    return sign * hours, sign * minutes


def find_zone(name: str) -> str | None:
    """The IANA zone for what was typed: `Asia/Shanghai`, `北京时间`, `beijing`, `深圳`, `东京时间`,
    `tokyo`; a whole-hour offset (`UTC+8`, `GMT+8`, `+08:00`, `东八区`) is the Etc zone of that offset,
    whose POSIX name has the opposite sign (UTC+8 is `Etc/GMT-8`)."""
    offset = utc_offset(name)
    if offset is not None:
        hours, minutes = offset
        return None if minutes else ("UTC" if hours == 0 else f"Etc/GMT{-hours:+d}")
    typed = " ".join(name.strip().lower().split())
    for key in (typed, typed.replace(" ", ""), typed.removesuffix("时间"), typed.removesuffix("时区")):
        if key and key in _zones():
            return _zones()[key]
    return None


def offset_words(zone: ZoneInfo, now: datetime) -> str:
    """The zone's offset from UTC at `now`, so the user can check the zone: "UTC+08:00"."""
    offset = now.astimezone(zone).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def _zones_at(hours: int, minutes: int, now: datetime) -> list[str]:
    """A few place zones at that offset now (UTC+05:30: Asia/Colombo, Asia/Kolkata), for the hint."""
    wanted = hours * 3600 + minutes * 60
    places = sorted(name for name in set(_zones().values()) if name.split("/")[0] in _REGIONS)
    return [name for name in places if now.astimezone(ZoneInfo(name)).utcoffset() == timedelta(seconds=wanted)][:3]


_REGIONS = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


def _show(ctx: Context, title: Text) -> Response:
    req = ctx.req
    zone = ctx.svc.channel_zone(req.platform, req.channel, req.workspace)
    own = ctx.svc.store.get_setting(req.platform, req.channel, "tz", req.workspace)
    default = ctx.svc.config.tz
    source = ctx.pick(en="set for this channel", zh="本频道设置") if own else ctx.pick(
        en="the default, SELLERBOT_TZ", zh="默认值 SELLERBOT_TZ")
    now, offset = times.human(ctx.now, zone, ctx.lang), offset_words(zone, ctx.now)
    own_lang = ctx.svc.store.get_user_setting(req.platform, req.user, "lang")
    lang_source = ctx.pick(en="your setting", zh="你的设置") if own_lang else ctx.pick(
        en="from your platform or the channel", zh="来自平台或频道默认")
    language = ctx.pick(en="English", zh="中文")
    root = ctx.svc.config.root_command
    own_hours = ctx.svc.store.get_setting(req.platform, req.channel, hours.SETTING, req.workspace)
    working = hours.read(own_hours)
    hours_source = ctx.pick(en="set for this channel", zh="本频道设置") if own_hours else ctx.pick(en="the default", zh="默认值")
    return Response(
        kind="settings",
        title=title.get(ctx.lang),
        text=ctx.pick(en=f"Time zone: {times.zone_label(zone)}, {offset} ({source}). Local time now: {now}.\nLanguage: {language} ({lang_source}).\n"
                         f"Working hours: {working.words()} ({hours_source}); case reminders outside them come earlier.",
                      zh=f"时区：{times.zone_label(zone)}，{offset}（{source}）。当前本地时间：{now}。\n语言：{language}（{lang_source}）。\n"
                         f"工作时间：{working.words()}（{hours_source}）；超出工作时间的案件提醒会提前。"),
        context=[ctx.pick(en=f"Change them: /{root} settings tz Asia/Shanghai · /{root} settings lang zh · /{root} settings hours 9-21",
                          zh=f"修改：/{root} 设置 时区 北京时间 · /{root} 设置 语言 英文 · /{root} 设置 工作时间 9-21")],
        ephemeral=True,
        data={"tz": zone.key, "utc_offset": offset[3:], "default_tz": default, "channel_tz": own, "lang": ctx.lang, "user_lang": own_lang,
              "hours": working.stored(), "channel_hours": own_hours},
    )


@settings.action("show", Text("show the settings", "查看设置"), words=("查看",), implicit=True)
async def show(ctx: Context) -> Response:
    if ctx.args.strip():
        raise UsageError(ctx.pick(en=f"Unknown setting `{ctx.args.split()[0]}`; settings: tz, lang, hours.",
                                  zh=f"没有 `{ctx.args.split()[0]}` 这个设置；可用设置：tz（时区）、lang（语言）、hours（工作时间）。"))
    return _show(ctx, Text("Channel settings", "频道设置"))


@settings.action(
    "tz", Text("tz: the channel's time zone", "tz：本频道时区"),
    summary=Text("the channel's time zone (IANA name such as Asia/Shanghai, or a city: beijing, 深圳)",
                 "本频道的时区（IANA 名称如 Asia/Shanghai，或城市名：北京时间、深圳）"),
    params=(Param("zone", Text("zone", "时区"), Text("New time zone, e.g. Asia/Shanghai or 北京时间", "新时区，如 北京时间、Asia/Shanghai"),
                  rest=True),),
    words=("时区",),
)
async def set_tz(ctx: Context) -> Response:
    name = ctx.args.strip()
    if not name:
        return _show(ctx, Text("Channel settings", "频道设置"))
    canonical = find_zone(name)
    offset = utc_offset(name)
    if canonical is None and offset is not None:  # UTC+05:30: no Etc zone has it
        typed = f"UTC{'-' if offset < (0, 0) else '+'}{abs(offset[0]):02d}:{abs(offset[1]):02d}"
        places = ", ".join(_zones_at(*offset, ctx.now)) or "Asia/Kolkata"
        raise UsageError(ctx.pick(
            en=f"{typed} is not a whole number of hours: name a city or an IANA zone of that offset instead, such as {places}.",
            zh=f"{typed} 不是整点时差：请改用该时差的城市或 IANA 时区名，例如 {places}。",
        ))
    if canonical is None:
        raise UsageError(ctx.pick(
            en=f"Unknown time zone `{name}`. Use an IANA name such as Asia/Shanghai, Europe/Paris, America/New_York or UTC, "
               "a city such as beijing, or an offset such as UTC+8.",
            zh=f"未知时区 `{name}`。请使用 IANA 名称（例如 Asia/Shanghai、Europe/Paris、America/New_York、UTC）、"
               "城市名（例如 北京时间、深圳）或时差（例如 UTC+8、东八区）。",
        ))
    ZoneInfo(canonical)
    req = ctx.req
    ctx.svc.store.set_setting(req.platform, req.channel, "tz", canonical, to_iso(ctx.now), req.workspace)
    ctx.svc.cases.replan_channel(req.platform, req.channel, req.workspace)  # working hours are local hours
    response = _show(ctx, Text("Time zone saved", "时区已保存"))
    response.context.insert(0, ctx.pick(
        en="Reminders already set keep their moment; they are now shown in this zone.",
        zh="已设置的提醒时间点不变，之后按新时区显示。"))
    return response


@settings.action(
    "lang", Text("lang: your interface language", "lang：你的界面语言"),
    summary=Text("your interface language on this platform (zh or en); answers to `ask` follow the question",
                 "你在本平台的界面语言（zh 中文或 en 英文）；`ask` 的回答仍跟随提问的语言"),
    params=(Param("lang", Text("language", "语言"), Text("zh or en", "zh（中文）或 en（英文）"), choices=LANGS),),
    words=("语言",),
)
async def set_lang(ctx: Context) -> Response:
    lang = ctx.values.get("lang")
    if lang is None:
        return _show(ctx, Text("Channel settings", "频道设置"))
    req = ctx.req.model_copy(update={"lang": lang})
    ctx.svc.store.set_user_setting(req.platform, req.user, "lang", lang, to_iso(ctx.now))
    saved = Context(req, "", ctx.svc, ctx.command, ctx.action, ctx.app)
    return _show(saved, Text("Language saved", "语言已保存"))


@settings.action(
    "hours", Text("hours: the channel's working hours", "工作时间：本频道的工作时间"),
    summary=Text("the channel's working hours (default 9-21): a case reminder outside them comes earlier, never after its deadline",
                 "本频道的工作时间（默认 9-21）：超出工作时间的案件提醒会提前，绝不晚于截止时间"),
    params=(Param("range", Text("range", "时间段"), Text("Start and end hour, e.g. 9-21 or 08:30-18:00", "开始和结束时间，如 9-21、08:30-18:00"),
                  rest=True),),
    words=("工作时间", "时间段"),
)
async def set_hours(ctx: Context) -> Response:
    typed = ctx.args.strip()
    if not typed:
        return _show(ctx, Text("Channel settings", "频道设置"))
    working = hours.parse(typed, ctx.lang)
    req = ctx.req
    ctx.svc.store.set_setting(req.platform, req.channel, hours.SETTING, working.stored(), to_iso(ctx.now), req.workspace)
    moved = ctx.svc.cases.replan_channel(req.platform, req.channel, req.workspace)
    response = _show(ctx, Text("Working hours saved", "工作时间已保存"))
    response.context.insert(0, ctx.pick(
        en=f"The reminders of {moved} open case(s) were planned again within {working.words()}.",
        zh=f"已按 {working.words()} 重新安排 {moved} 个进行中案件的提醒。"))
    return response


def setup(app: "App") -> None:
    app.add(settings)
