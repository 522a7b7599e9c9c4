"""`/seller settings [tz ZONE]`: per-channel settings; for now the time zone in which reminder and
case times are read and shown."""

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.dispatcher import Context, UsageError, command
from bot.model import Response
from bot.reminders import times
from bot.reminders.store import to_iso

@cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def _show(ctx: Context, title_en: str, title_zh: str) -> Response:
    req = ctx.req
    zone = ctx.svc.channel_zone(req.platform, req.channel, req.workspace)
    own = ctx.svc.store.get_setting(req.platform, req.channel, "tz", req.workspace)
    default = ctx.svc.config.tz
    source = ctx.pick(en="set for this channel", zh="本频道设置") if own else ctx.pick(
        en="the default, SELLERBOT_TZ", zh="默认值 SELLERBOT_TZ")
    now = times.human(ctx.now, zone, ctx.lang)
    return Response(
        kind="settings",
        title=ctx.pick(en=title_en, zh=title_zh),
        text=ctx.pick(en=f"Time zone: {zone.key} ({source}). Local time now: {now}.",
                      zh=f"时区：{zone.key}（{source}）。当前本地时间：{now}。"),
        context=[ctx.pick(en=f"Change it: /{ctx.svc.config.root_command} settings tz Asia/Shanghai",
                          zh=f"修改：/{ctx.svc.config.root_command} settings tz Asia/Shanghai")],
        ephemeral=True,
        data={"tz": zone.key, "default_tz": default, "channel_tz": own},
    )


@command(
    "settings",
    summary_en="Show this channel's settings, or set its time zone",
    summary_zh="查看本频道设置，或设置时区",
    usage="settings [tz <zone>]",
    examples=["settings tz Asia/Shanghai", "settings"],
)
async def settings(ctx: Context) -> Response:
    if ctx.args.strip():
        raise UsageError(ctx.pick(en=f"Unknown setting `{ctx.args.split()[0]}`; settings: tz.",
                                  zh=f"没有 `{ctx.args.split()[0]}` 这个设置；可用设置：tz。"))
    return _show(ctx, "Channel settings", "频道设置")


@settings.sub("tz", usage="settings tz <zone>", summary="the channel's time zone (IANA name, e.g. Asia/Shanghai)")
async def set_tz(ctx: Context) -> Response:
    name = ctx.args.strip()
    if not name:
        return _show(ctx, "Channel settings", "频道设置")
    canonical = _zones().get(name.lower())
    if canonical is None:
        raise UsageError(ctx.pick(
            en=f"Unknown time zone `{name}`. Use an IANA name such as Asia/Shanghai, Europe/Paris, America/New_York or UTC.",
            zh=f"未知时区 `{name}`。请使用 IANA 名称，例如 Asia/Shanghai、Europe/Paris、America/New_York 或 UTC。",
        ))
    ZoneInfo(canonical)
    req = ctx.req
    ctx.svc.store.set_setting(req.platform, req.channel, "tz", canonical, to_iso(ctx.now), req.workspace)
    response = _show(ctx, "Time zone saved", "时区已保存")
    response.context.insert(0, ctx.pick(
        en="Reminders already set keep their moment; they are now shown in this zone.",
        zh="已设置的提醒时间点不变，之后按新时区显示。"))
    return response
