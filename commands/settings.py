"""`/seller settings [tz ZONE | lang zh|en]`: the channel's time zone, in which reminder and case
times are read and shown, and each person's interface language."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, available_timezones

from bot.context import Context
from bot.errors import UsageError
from bot.i18n import Text
from bot.model import Response
from bot.reminders import times
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


@cache
def _zones() -> dict[str, str]:
    names = {name.lower(): name for name in available_timezones()}
    for name in list(names.values()):  # the city part: "tokyo", "new york"
        city = name.rsplit("/", 1)[-1].lower()
        names.setdefault(city, name)
        names.setdefault(city.replace("_", " "), name)
    for zone, places in CITIES.items():
        for place in places:
            names[place.lower()] = zone
    return names


def find_zone(name: str) -> str | None:
    """The IANA zone for what was typed: `Asia/Shanghai`, `北京时间`, `beijing`, `深圳`, `tokyo`."""
    typed = " ".join(name.strip().lower().split())
    return _zones().get(typed) or _zones().get(typed.replace(" ", ""))


def _show(ctx: Context, title: Text) -> Response:
    req = ctx.req
    zone = ctx.svc.channel_zone(req.platform, req.channel, req.workspace)
    own = ctx.svc.store.get_setting(req.platform, req.channel, "tz", req.workspace)
    default = ctx.svc.config.tz
    source = ctx.pick(en="set for this channel", zh="本频道设置") if own else ctx.pick(
        en="the default, SELLERBOT_TZ", zh="默认值 SELLERBOT_TZ")
    now = times.human(ctx.now, zone, ctx.lang)
    own_lang = ctx.svc.store.get_user_setting(req.platform, req.user, "lang")
    lang_source = ctx.pick(en="your setting", zh="你的设置") if own_lang else ctx.pick(
        en="from your platform or the channel", zh="来自平台或频道默认")
    language = ctx.pick(en="English", zh="中文")
    root = ctx.svc.config.root_command
    return Response(
        kind="settings",
        title=title.get(ctx.lang),
        text=ctx.pick(en=f"Time zone: {zone.key} ({source}). Local time now: {now}.\nLanguage: {language} ({lang_source}).",
                      zh=f"时区：{zone.key}（{source}）。当前本地时间：{now}。\n语言：{language}（{lang_source}）。"),
        context=[ctx.pick(en=f"Change them: /{root} settings tz Asia/Shanghai · /{root} settings lang zh",
                          zh=f"修改：/{root} 设置 时区 北京时间 · /{root} 设置 语言 英文")],
        ephemeral=True,
        data={"tz": zone.key, "default_tz": default, "channel_tz": own, "lang": ctx.lang, "user_lang": own_lang},
    )


@settings.action("show", Text("show the settings", "查看设置"), words=("查看",), implicit=True)
async def show(ctx: Context) -> Response:
    if ctx.args.strip():
        raise UsageError(ctx.pick(en=f"Unknown setting `{ctx.args.split()[0]}`; settings: tz, lang.",
                                  zh=f"没有 `{ctx.args.split()[0]}` 这个设置；可用设置：tz（时区）、lang（语言）。"))
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
    if canonical is None:
        raise UsageError(ctx.pick(
            en=f"Unknown time zone `{name}`. Use an IANA name such as Asia/Shanghai, Europe/Paris, America/New_York or UTC, or a city such as beijing.",
            zh=f"未知时区 `{name}`。请使用 IANA 名称（例如 Asia/Shanghai、Europe/Paris、America/New_York、UTC）或城市名（例如 北京时间、深圳）。",
        ))
    ZoneInfo(canonical)
    req = ctx.req
    ctx.svc.store.set_setting(req.platform, req.channel, "tz", canonical, to_iso(ctx.now), req.workspace)
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


def setup(app: "App") -> None:
    app.add(settings)
