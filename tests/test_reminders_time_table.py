"""The time table: what people type in Chinese and English, with a fixed "now", and the instant and
text each reminder must get. Now is Tuesday 24 November 2026, 10:00 in Shanghai."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.dispatcher import UsageError
from bot.reminders import times

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)  # Tue 10:00 Asia/Shanghai
ZONE = ZoneInfo("Asia/Shanghai")

# typed, expected due (local, "MM-DD HH:MM", year 2026 unless written "YYYY-MM-DD HH:MM"), expected text
CHINESE = [
    ("下午两点 跟进申诉", "11-24 14:00", "跟进申诉"),
    ("下午两点跟进申诉", "11-24 14:00", "跟进申诉"),
    ("明天两点半 回复买家", "11-25 14:30", "回复买家"),
    ("明天两点 回复买家", "11-25 14:00", "回复买家"),
    ("下个月1号上午10点 续费", "12-01 10:00", "续费"),
    ("明早9点 检查ODR", "11-25 09:00", "检查ODR"),
    ("今早11点 开会", "11-24 11:00", "开会"),
    ("月底 提交发票", "11-30 09:00", "提交发票"),
    ("提醒我明天下午3点提交申诉", "11-25 15:00", "提交申诉"),
    ("我明天下午3点提交申诉", "11-25 15:00", "提交申诉"),  # /seller 提醒我明天…: the command word split off
    ("我们明天下午3点 开会", "11-25 15:00", "开会"),
    ("提醒我 明天下午3点 提交申诉", "11-25 15:00", "提交申诉"),
    ("明天下午3点提醒我提交申诉", "11-25 15:00", "提交申诉"),
    ("明天下午3点 提醒我 提交申诉", "11-25 15:00", "提交申诉"),
    ("明天下午3点，提交申诉", "11-25 15:00", "提交申诉"),
    ("明天下午3点的时候提醒我提交申诉", "11-25 15:00", "提交申诉"),
    # "by" a day, as English "by friday": that day, and 前 is no word of the text (it was kept)
    ("周五前 提交申诉", "11-27 09:00", "提交申诉"),
    ("周五前，提交申诉", "11-27 09:00", "提交申诉"),
    ("12月10日之前 回复买家", "12-10 09:00", "回复买家"),
    ("周五以前提醒我 回复买家", "11-27 09:00", "回复买家"),
    ("明天下午3点 前台取件", "11-25 15:00", "前台取件"),
    ("在明天下午3点 提交申诉", "11-25 15:00", "提交申诉"),
    ("3点 跟进", "11-24 15:00", "跟进"),
    ("6点 跟进", "11-24 18:00", "跟进"),
    ("1点 跟进", "11-24 13:00", "跟进"),
    ("7点 跟进", "11-25 07:00", "跟进"),
    ("12点 午饭", "11-24 12:00", "午饭"),
    ("两点一起开会", "11-24 14:00", "一起开会"),
    ("提醒我下午两点一起开会", "11-24 14:00", "一起开会"),
    ("凌晨2点 检查广告", "11-25 02:00", "检查广告"),
    ("明天凌晨1点 发货", "11-25 01:00", "发货"),
    ("上午11点 开会", "11-24 11:00", "开会"),
    ("晚上8点 回邮件", "11-24 20:00", "回邮件"),
    ("晚上十点半 回邮件", "11-24 22:30", "回邮件"),
    ("晚8点 回邮件", "11-24 20:00", "回邮件"),
    ("今晚8点 回邮件", "11-24 20:00", "回邮件"),
    ("今晚 回邮件", "11-24 20:00", "回邮件"),
    ("明晚9点 回邮件", "11-25 21:00", "回邮件"),
    ("后天 上传发票", "11-26 10:00", "上传发票"),
    ("大后天 上传发票", "11-27 10:00", "上传发票"),
    ("后天上午9点 上传发票", "11-26 09:00", "上传发票"),
    ("大后天下午3点 上传发票", "11-27 15:00", "上传发票"),
    ("下周一 重新申诉", "11-30 09:00", "重新申诉"),
    ("下周一上午10点 重新申诉", "11-30 10:00", "重新申诉"),
    ("下周三上午9点 复查", "12-02 09:00", "复查"),
    ("下下周三 复查", "12-09 09:00", "复查"),
    ("下下周 复查", "12-07 09:00", "复查"),
    ("下周 复查", "11-30 09:00", "复查"),
    ("下星期五 复查", "12-04 09:00", "复查"),
    ("周五下午5点 提交报告", "11-27 17:00", "提交报告"),
    ("星期五 提交报告", "11-27 09:00", "提交报告"),
    ("礼拜天 盘点", "11-29 09:00", "盘点"),
    ("周二 开会", "12-01 09:00", "开会"),
    ("周二下午3点 开会", "11-24 15:00", "开会"),
    ("本周五 开会", "11-27 09:00", "开会"),
    ("这周六 盘点", "11-28 09:00", "盘点"),
    ("周末 盘点库存", "11-28 09:00", "盘点库存"),
    ("下周末 盘点库存", "12-05 09:00", "盘点库存"),
    ("12月1日 续费", "12-01 09:00", "续费"),
    ("12月1日9点 续费", "12-01 09:00", "续费"),
    ("12月1日 9点 续费", "12-01 09:00", "续费"),
    ("12月1号下午3点 续费", "12-01 15:00", "续费"),
    ("1月5日 报税", "2027-01-05 09:00", "报税"),
    ("11月20日 复查", "2027-11-20 09:00", "复查"),
    ("2026年12月1日 10:00 续费", "12-01 10:00", "续费"),
    ("2027年1月5日 报税", "2027-01-05 09:00", "报税"),
    ("明年3月1日 报税", "2027-03-01 09:00", "报税"),
    ("2026-12-01 续费", "12-01 09:00", "续费"),
    ("2026-12-01 15:30 续费", "12-01 15:30", "续费"),
    ("两小时后 检查", "11-24 12:00", "检查"),
    ("2小时以后 检查", "11-24 12:00", "检查"),
    ("半小时后 检查", "11-24 10:30", "检查"),
    ("1个半小时后 检查", "11-24 11:30", "检查"),
    ("一刻钟后 检查", "11-24 10:15", "检查"),
    ("十五分钟后 检查", "11-24 10:15", "检查"),
    ("3天后 跟进申诉", "11-27 10:00", "跟进申诉"),
    ("三天后 跟进申诉", "11-27 10:00", "跟进申诉"),
    ("3天后上午9点 跟进", "11-27 09:00", "跟进"),
    ("两周后 复查", "12-08 10:00", "复查"),
    ("一个月后 复查", "12-24 10:00", "复查"),
    ("三点一刻 开会", "11-24 15:15", "开会"),
    ("下午三点三刻 开会", "11-24 15:45", "开会"),
    ("下午5点45 开会", "11-24 17:45", "开会"),
    ("下午5点45分 开会", "11-24 17:45", "开会"),
    ("10点05分 开会", "11-24 10:05", "开会"),
    ("十点半 开会", "11-24 10:30", "开会"),
    ("中午12点 吃饭", "11-24 12:00", "吃饭"),
    ("中午1点 吃饭", "11-24 13:00", "吃饭"),
    ("中午 吃饭", "11-24 12:00", "吃饭"),
    ("傍晚 发货", "11-24 18:00", "发货"),
    ("下午 发货", "11-24 15:00", "发货"),
    ("明天下午 发货", "11-25 15:00", "发货"),
    ("明天上午 发货", "11-25 09:00", "发货"),
    ("明天早上8点 发货", "11-25 08:00", "发货"),
    ("明天 发货", "11-25 10:00", "发货"),
    ("明天中午12点 吃饭", "11-25 12:00", "吃饭"),
    ("今天下午4点 打电话", "11-24 16:00", "打电话"),
    ("15号 对账", "12-15 09:00", "对账"),
    ("25号 对账", "11-25 09:00", "对账"),
    ("下个月15号 对账", "12-15 09:00", "对账"),
    ("下个月 对账", "12-01 09:00", "对账"),
    ("3月 对账", "2027-03-01 09:00", "对账"),  # a month named alone: its 1st, not today's day at midnight
    ("下月1号 对账", "12-01 09:00", "对账"),
    ("下个月底 对账", "12-31 09:00", "对账"),
    ("月底下午5点 对账", "11-30 17:00", "对账"),
    ("本月28号 对账", "11-28 09:00", "对账"),
    ("下午两点 跟进申诉 3个订单", "11-24 14:00", "跟进申诉 3个订单"),
    # 晚上12点 is the midnight that ends that day, not noon
    ("晚上12点 对账", "11-25 00:00", "对账"),
    ("夜里12点 对账", "11-25 00:00", "对账"),
    ("今晚12点 对账", "11-25 00:00", "对账"),
    ("明天晚上12点 对账", "11-26 00:00", "对账"),
    ("半夜12点 对账", "11-25 00:00", "对账"),
    ("中午12点 对账", "11-24 12:00", "对账"),
    ("2月29日 复查", "2028-02-29 09:00", "复查"),
    # 提醒 that begins the text is the text's (提醒客户… lost its 提醒); 提醒我/大家/一下 or 提醒 then a pause are the command's
    ("明天上午10点 提醒客户补发货", "11-25 10:00", "提醒客户补发货"),
    ("明天上午10点提醒客户补发货", "11-25 10:00", "提醒客户补发货"),
    ("明天上午10点 提醒别人", "11-25 10:00", "提醒别人"),
    ("明天上午10点 提醒 客户补发货", "11-25 10:00", "客户补发货"),
    ("明天上午10点，提醒：客户补发货", "11-25 10:00", "客户补发货"),
    ("明天上午10点 提醒大家 开会", "11-25 10:00", "开会"),
    ("明天上午10点 提醒一下 开会", "11-25 10:00", "开会"),
    ("明天上午10点 提醒我们开会", "11-25 10:00", "开会"),
    ("明天上午10点 要求买家补发票", "11-25 10:00", "要求买家补发票"),  # 要 was dropped: 求买家补发票
    # an English clock in a Chinese phrase (it was the text, and 明天 kept the time now)
    ("明天 9am 跟进", "11-25 09:00", "跟进"),
    ("明天9am跟进", "11-25 09:00", "跟进"),
    ("明天 3:30pm call", "11-25 15:30", "call"),
    ("周五 10am report", "11-27 10:00", "report"),
    ("下周一 at 10:30 am 复查", "11-30 10:30", "复查"),
    ("明天 12pm 吃饭", "11-25 12:00", "吃饭"),
    ("明天 12am 对账", "11-25 00:00", "对账"),
    ("明天 2 p.m. 开会", "11-25 14:00", "开会"),
    # 内/以内/之内 after a length: within it, due at its end (内 stayed in the text)
    ("7天内 cc", "12-01 10:00", "cc"),
    ("3天以内 回复买家", "11-27 10:00", "回复买家"),
    ("2小时之内 回复", "11-24 12:00", "回复"),
    ("一周内 复查", "12-01 10:00", "复查"),
    # ...but not the first character of the text's own word (内容, 后台, 前台)
    ("7天内容 要更新", "12-01 10:00", "内容 要更新"),
    ("3天后台 检查", "11-27 10:00", "后台 检查"),
    ("3天后面试 候选人", "11-27 10:00", "面试 候选人"),  # 后面 is no word here: 3天后 + 面试
    ("3天内部署 新版本", "11-27 10:00", "部署 新版本"),
]

ENGLISH = [
    ("march send the report", "2027-03-01 09:00", "send the report"),  # a month alone: its 1st at 9
    ("in january send the report", "2027-01-01 09:00", "send the report"),
    ("tomorrow 9am send the ODR appeal", "11-25 09:00", "send the ODR appeal"),
    ("tomorrow at 9am send the ODR appeal", "11-25 09:00", "send the ODR appeal"),
    ("tomorrow at 9am to send the appeal", "11-25 09:00", "send the appeal"),
    ("in 2 hours check the A-to-z claims", "11-24 12:00", "check the A-to-z claims"),
    ("in 30 minutes call the carrier", "11-24 10:30", "call the carrier"),
    ("in half an hour call the carrier", "11-24 10:30", "call the carrier"),
    ("in an hour call the carrier", "11-24 11:00", "call the carrier"),
    ("in 90 minutes call the carrier", "11-24 11:30", "call the carrier"),
    ("in 3 days follow up", "11-27 10:00", "follow up"),
    ("in 3 days at 9am follow up", "11-27 09:00", "follow up"),
    ("in 2 weeks review the listing", "12-08 10:00", "review the listing"),
    ("in a week review the listing", "12-01 10:00", "review the listing"),
    ("next week review the listing", "12-01 10:00", "review the listing"),
    ("next Monday resend the appeal", "11-30 09:00", "resend the appeal"),
    ("monday 10am resend the appeal", "11-30 10:00", "resend the appeal"),
    ("friday 5pm submit the report", "11-27 17:00", "submit the report"),
    ("on friday submit the report", "11-27 09:00", "submit the report"),
    ("saturday 9am count the stock", "11-28 09:00", "count the stock"),
    ("at 3pm call the carrier", "11-24 15:00", "call the carrier"),
    ("3pm call the carrier", "11-24 15:00", "call the carrier"),
    ("at 10:30 call the carrier", "11-24 10:30", "call the carrier"),
    ("tonight reply to the buyer", "11-24 20:00", "reply to the buyer"),
    ("noon order lunch", "11-24 12:00", "order lunch"),
    ("tomorrow noon order lunch", "11-25 12:00", "order lunch"),
    ("tomorrow 14:00 call the carrier", "11-25 14:00", "call the carrier"),
    ("the day after tomorrow send the invoice", "11-26 10:00", "send the invoice"),
    ("Dec 1 renew the CSBA trial", "12-01 09:00", "renew the CSBA trial"),
    ("Dec 1 3pm renew the CSBA trial", "12-01 15:00", "renew the CSBA trial"),
    ("December 1st at 10am renew the CSBA trial", "12-01 10:00", "renew the CSBA trial"),
    ("Jan 5 file the VAT return", "2027-01-05 09:00", "file the VAT return"),
    ("2026-12-01 10:00 renew the trial", "12-01 10:00", "renew the trial"),
    ("2026-12-01 10:00 UTC renew the trial", "12-01 18:00", "renew the trial"),
    ("me tomorrow 9am to send the appeal", "11-25 09:00", "send the appeal"),
    ("me to send the appeal tomorrow at 9am", "11-25 09:00", "send the appeal"),
    ("call the carrier tomorrow at 9am", "11-25 09:00", "call the carrier"),
    ("check the ODR in 2 hours", "11-24 12:00", "check the ODR"),
    ("send the report on friday", "11-27 09:00", "send the report"),
    ("me at 3pm to call the carrier", "11-24 15:00", "call the carrier"),
    ("tomorrow 9am 提交申诉", "11-25 09:00", "提交申诉"),
    ("in 2 hours 检查ODR", "11-24 12:00", "检查ODR"),
    # the time is the leading run of time words; the text after it is kept as typed
    ("tomorrow 9am 3 orders to refund", "11-25 09:00", "3 orders to refund"),
    ("in 2 hours 3 orders to check", "11-24 12:00", "3 orders to check"),
    ("Dec 1 2 listings to renew", "12-01 09:00", "2 listings to renew"),
    ("tomorrow 9am at the warehouse count the stock", "11-25 09:00", "at the warehouse count the stock"),
    ("tomorrow at 9am after the meeting call Ana", "11-25 09:00", "after the meeting call Ana"),
    ("next monday at 3pm on the ODR call", "11-30 15:00", "on the ODR call"),
    ("send 3 orders to refund tomorrow at 9am", "11-25 09:00", "send 3 orders to refund"),
    ("meet at the dock tomorrow", "11-25 10:00", "meet at the dock"),
    # decimal lengths, the end of the month, a one-letter text
    ("in 1.5 hours check the claims", "11-24 11:30", "check the claims"),
    ("in 2.5 days follow up", "11-26 22:00", "follow up"),
    ("in 0.5 hours call the carrier", "11-24 10:30", "call the carrier"),
    ("in .5 hours call the carrier", "11-24 10:30", "call the carrier"),
    ("check the claims in 1.5 hours", "11-24 11:30", "check the claims"),
    ("end of month send the invoices", "11-30 09:00", "send the invoices"),
    ("end of the month send the invoices", "11-30 09:00", "send the invoices"),
    ("by end of month send the invoices", "11-30 09:00", "send the invoices"),
    ("send the invoices by the end of the month", "11-30 09:00", "send the invoices"),
    ("end of month at 5pm send the invoices", "11-30 17:00", "send the invoices"),
    ("end of next month send the invoices", "12-31 09:00", "send the invoices"),
    ("at 5pm z", "11-24 17:00", "z"),
    ("tomorrow 9am x", "11-25 09:00", "x"),
]

RECURRING = [
    ("每天上午9点 检查ODR", "11-25 09:00", "检查ODR", "daily@09:00"),
    ("每天晚上8点 回消息", "11-24 20:00", "回消息", "daily@20:00"),
    ("每周一 周会", "11-30 09:00", "周会", "weekly:0@09:00"),
    ("每周五下午4点 周报", "11-27 16:00", "周报", "weekly:4@16:00"),
    ("每个工作日 查看邮件", "11-25 09:00", "查看邮件", "weekdays@09:00"),
    ("每个工作日下午6点 写日报", "11-24 18:00", "写日报", "weekdays@18:00"),
    ("每月1号 对账", "12-01 09:00", "对账", "monthly:1@09:00"),
    ("提醒我每天下午3点喝水", "11-24 15:00", "喝水", "daily@15:00"),
    ("every monday 10am weekly report", "11-30 10:00", "weekly report", "weekly:0@10:00"),
    ("every weekday at 9am check the mail", "11-25 09:00", "check the mail", "weekdays@09:00"),
    ("every day at 6pm write the log", "11-24 18:00", "write the log", "daily@18:00"),
    ("every day check the ODR", "11-25 09:00", "check the ODR", "daily@09:00"),
    ("every friday at 4pm send the report", "11-27 16:00", "send the report", "weekly:4@16:00"),
    ("every month on the 1st reconcile", "12-01 09:00", "reconcile", "monthly:1@09:00"),
    # several weekdays, as 每周二和周四 is read (it became "every Monday" with the text "and thursday…")
    ("every monday and thursday at 9am check the ODR", "11-26 09:00", "check the ODR", "weekly:0,3@09:00"),
    ("every tue, thu at 10:00 send the report", "11-26 10:00", "send the report", "weekly:1,3@10:00"),
    ("every mon, wed and fri 2pm call the carrier", "11-25 14:00", "call the carrier", "weekly:0,2,4@14:00"),
    ("every tue/thu 4pm stand-up", "11-24 16:00", "stand-up", "weekly:1,3@16:00"),
    ("every monday to friday at 9am check the mail", "11-25 09:00", "check the mail", "weekdays@09:00"),
    ("every fri-mon at 8am watch the claims", "11-27 08:00", "watch the claims", "weekly:0,4,5,6@08:00"),
    ("every weekend at 10am check the shop", "11-28 10:00", "check the shop", "weekly:5,6@10:00"),
    ("every sunday check the returns", "11-29 09:00", "check the returns", "weekly:6@09:00"),
    ("daily at 8:30 stand-up", "11-25 08:30", "stand-up", "daily@08:30"),
    ("weekdays at 5pm wrap up", "11-24 17:00", "wrap up", "weekdays@17:00"),
    ("me every weekday at 9am to check the mail", "11-25 09:00", "check the mail", "weekdays@09:00"),
    # several weekdays, a range of them, and 工作日每天
    ("每周一三五上午9点 开会", "11-25 09:00", "开会", "weekly:0,2,4@09:00"),
    ("每周二、四 开会", "11-26 09:00", "开会", "weekly:1,3@09:00"),
    ("每周一、周三下午3点 开会", "11-25 15:00", "开会", "weekly:0,2@15:00"),
    ("每周六日 盘点", "11-28 09:00", "盘点", "weekly:5,6@09:00"),
    ("每周一至周五 查看邮件", "11-25 09:00", "查看邮件", "weekdays@09:00"),
    ("每周一到周五下午6点 写日报", "11-24 18:00", "写日报", "weekdays@18:00"),
    ("每周五至周一 值班", "11-27 09:00", "值班", "weekly:0,4,5,6@09:00"),
    ("工作日每天上午9点 开会", "11-25 09:00", "开会", "weekdays@09:00"),
    ("每周一三点 开会", "11-30 15:00", "开会", "weekly:0@15:00"),  # Monday at three, not Monday and Wednesday
    ("每天晚上12点 备份", "11-25 00:00", "备份", "daily@00:00"),
    ("每周五晚上12点 备份", "11-28 00:00", "备份", "weekly:5@00:00"),  # the midnight that ends Friday
]


def _local(due: datetime) -> str:
    text = due.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")
    return text[5:] if text.startswith("2026-") else text


def test_the_table_is_as_large_as_promised():
    chinese = [row for row in CHINESE + RECURRING if times._CJK.search(row[0])]
    english = [row for row in ENGLISH + RECURRING if not times._CJK.search(row[0])]
    assert len(chinese) >= 80 and len(english) >= 40


@pytest.mark.parametrize("typed, due, text", CHINESE + ENGLISH)
def test_a_reminder_falls_due_when_a_person_means_it_with_only_its_text(typed, due, text):
    reading = times.read_reminder(typed, now=NOW, zone=ZONE)
    assert (_local(reading.due), reading.text, reading.repeat) == (due, text, None)


@pytest.mark.parametrize("typed, due, text, rule", RECURRING)
def test_a_recurring_reminder_is_a_rule_and_its_first_occurrence(typed, due, text, rule):
    reading = times.read_reminder(typed, now=NOW, zone=ZONE)
    assert (_local(reading.due), reading.text, reading.repeat) == (due, text, rule)


def test_a_rule_of_several_weekdays_falls_due_on_each_of_them():
    due, seen = NOW, []
    for _ in range(4):
        due = times.next_occurrence("weekly:0,2,4@09:00", due, ZONE)
        seen.append(_local(due))
    assert seen == ["11-25 09:00", "11-27 09:00", "11-30 09:00", "12-02 09:00"]


# typed, language, what the error must say: a date or time that does not exist is never moved to one that does
IMPOSSIBLE = [
    ("12月32日 续费", "zh", "12月没有32日"),
    ("2月30日 续费", "zh", "2月没有30日"),
    ("2027年2月29日 续费", "zh", "2027年2月没有29日"),
    ("13月1日 续费", "zh", "没有13月"),
    ("下个月31号 对账", "zh", None),  # December has a 31st: not an error
    ("32号 对账", "zh", "没有32号"),
    ("每月32号 对账", "zh", "没有32号"),
    ("下午25点 开会", "zh", "没有25点"),
    ("明天99点 开会", "zh", "没有99点"),
    ("9点61分 开会", "zh", "没有61分"),
    ("明天 25:00 开会", "zh", "没有25点"),
    ("9999年1月1日 续费", "zh", "年份 9999 超出范围"),
    ("2026-13-01 续费", "zh", "没有13月"),
    ("2026-13-01 renew", "en", "there is no month 13"),
    ("2026-02-30 renew", "en", "February has no day 30"),
    ("Feb. 30 9am renew", "en", "February has no day 30"),  # the abbreviation's full stop made it "no time found"
    ("Dec. 24 3pm renew", "en", None),
    ("tomorrow 25:61 renew", "en", "there is no 25:61"),
    ("12月32日 续费", "en", "December has no day 32"),
    ("-1 renew", "en", "could not find a time"),
    ("-1 续费", "zh", "没有在“-1 续费”开头找到时间"),
    ("每月1号晚上12点 对账", "zh", "每月2号0点"),
    ("in 100000 days renew", "en", "The year 2300 is out of range"),  # it was "could not find a time"
    ("in 10000000000 days renew", "en", "out of range"),
    ("10000000天后 续费", "zh", "超出范围"),
    ("明天 13pm 开会", "zh", "没有13pm"),
    ("明天 0am 开会", "zh", "没有0am"),
]


@pytest.mark.parametrize("typed, lang, message", IMPOSSIBLE)
def test_a_date_or_time_that_does_not_exist_is_refused_in_the_users_language(typed, lang, message):
    if message is None:
        assert times.read_reminder(typed, now=NOW, zone=ZONE, lang=lang).due > NOW
        return
    with pytest.raises(UsageError, match=message):
        times.read_reminder(typed, now=NOW, zone=ZONE, lang=lang)


@pytest.mark.parametrize("typed, lang, message", [
    ("tomorrow 9am", "en", "What should I remind you of"),
    ("remind me tomorrow 9am", "en", "What should I remind you of"),
    ("in 2 hours", "zh", "要提醒什么"),
])
def test_a_time_alone_asks_what_to_remind_of(typed, lang, message):
    with pytest.raises(UsageError, match=message):
        times.read_reminder(typed, now=NOW, zone=ZONE, lang=lang)


NEW_YORK = ZoneInfo("America/New_York")
FRIDAY_BEFORE_DST = datetime(2027, 3, 12, 15, 0, tzinfo=timezone.utc)  # Fri 10:00 New York; Sunday 02:00 jumps to 03:00


@pytest.mark.parametrize("typed, lang, due, message", [
    ("2027-03-14 02:30 renew", "en", None, "02:30 does not exist on 2027-03-14 in America/New_York.*such as 03:30"),
    ("sunday 2:30am renew", "en", None, "02:30 does not exist"),
    ("3月14日凌晨2点半 续费", "zh", None, "2027-03-14 的 02:30 在 America/New_York 不存在.*例如 03:30"),
    ("3月14日 2:30 续费", "zh", None, "02:30 在 America/New_York 不存在"),
    ("sunday 3:30am renew", "en", "2027-03-14T03:30:00-04:00", None),
    ("2027-03-14 01:59 renew", "en", "2027-03-14T01:59:00-05:00", None),
    ("in 2 days renew", "en", "2027-03-14T10:00:00-04:00", None),  # no clock typed: the wall time moves
])
def test_a_clock_time_the_zone_skips_is_refused_not_moved(typed, lang, due, message):
    if message is None:
        reading = times.read_reminder(typed, now=FRIDAY_BEFORE_DST, zone=NEW_YORK, lang=lang)
        assert times.local_iso(reading.due, NEW_YORK) == due
        return
    with pytest.raises(UsageError, match=message):
        times.read_reminder(typed, now=FRIDAY_BEFORE_DST, zone=NEW_YORK, lang=lang)


@pytest.mark.parametrize("typed, assumed", [("12月1日 续费", False), ("11月20日 复查", True), ("1月5日 报税", True),
                                            ("2027年1月5日 报税", False), ("Jan 5 file taxes", True),
                                            ("Dec 1 renew", False), ("in 3 days follow up", False)])
def test_a_date_without_a_year_says_when_it_went_to_next_year(typed, assumed):
    assert times.read_reminder(typed, now=NOW, zone=ZONE).assumed_year is assumed


def test_a_date_typed_the_day_after_it_is_next_years():
    december_2 = datetime(2026, 12, 2, 2, 0, tzinfo=timezone.utc)
    reading = times.read_reminder("12月1日 续费", now=december_2, zone=ZONE)
    assert (reading.due.astimezone(ZONE).date().isoformat(), reading.assumed_year) == ("2027-12-01", True)


@pytest.mark.parametrize("typed, message", [
    ("明天下午3点", "要提醒什么"),
    ("提醒我明天下午3点", "要提醒什么"),
    ("今早9点 开会", "已经过去"),
    ("每天上午9点", "要提醒什么"),
    ("随便什么时候 开会", "没有在"),
])
def test_a_time_without_text_or_in_the_past_is_refused_in_chinese(typed, message):
    with pytest.raises(UsageError, match=message):
        times.read_reminder(typed, now=NOW, zone=ZONE, lang="zh")


@pytest.mark.parametrize("rule, en, zh", [
    ("daily@09:00", "every day at 09:00", "每天 09:00"),
    ("weekdays@09:00", "every weekday at 09:00", "每个工作日 09:00"),
    ("weekly:0@10:00", "every Monday at 10:00", "每周一 10:00"),
    ("monthly:1@09:00", "every month on the 1st at 09:00", "每月1号 09:00"),
    ("weekly:0,2,4@09:00", "every Monday, Wednesday and Friday at 09:00", "每周一、三、五 09:00"),
    ("weekly:1,3@18:00", "every Tuesday and Thursday at 18:00", "每周二、四 18:00"),
])
def test_rules_in_words(rule, en, zh):
    assert (times.rule_words(rule, "en"), times.rule_words(rule, "zh")) == (en, zh)


def test_occurrences_of_a_weekday_rule_skip_the_weekend_and_keep_the_wall_time():
    friday_evening = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)  # Fri 18:00 Shanghai
    after = times.next_occurrence("weekdays@09:00", friday_evening, ZONE)
    assert times.local_iso(after, ZONE) == "2026-11-30T09:00:00+08:00"
    new_york = ZoneInfo("America/New_York")
    before_dst = datetime(2026, 3, 7, 15, 0, tzinfo=timezone.utc)
    assert times.local_iso(times.next_occurrence("daily@09:00", before_dst, new_york), new_york) == "2026-03-08T09:00:00-04:00"


MONTH_END_PASSED = datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc)  # Mon 30 November 10:00 Shanghai


@pytest.mark.parametrize("typed, due", [("end of month renew", "12-31 09:00"), ("月底 续费", "12-31 09:00"),
                                        ("end of month 11am renew", "11-30 11:00")])
def test_the_end_of_a_month_already_past_is_next_months_end(typed, due):
    assert _local(times.read_reminder(typed, now=MONTH_END_PASSED, zone=ZONE).due) == due


EVENING = datetime(2026, 11, 24, 12, 48, tzinfo=timezone.utc)  # Tue 20:48 Shanghai
LATE_EVENING = datetime(2026, 11, 24, 15, 30, tzinfo=timezone.utc)  # Tue 23:30 Shanghai


@pytest.mark.parametrize("typed, now, due", [
    ("tonight check the claims", EVENING, "11-24 21:48"),  # 20:00 has passed: an hour from now, still tonight
    ("this evening check the claims", EVENING, "11-24 21:48"),
    ("今晚 回邮件", EVENING, "11-24 21:48"),
    ("tonight check the claims", NOW, "11-24 20:00"),
    ("this evening check the claims", NOW, "11-24 18:00"),
])
def test_a_vague_evening_already_begun_is_an_hour_from_now(typed, now, due):
    assert _local(times.read_reminder(typed, now=now, zone=ZONE).due) == due


@pytest.mark.parametrize("typed, lang, message", [
    ("tonight check the claims", "en", 'Tonight is almost over.*"in 30 minutes".*"tomorrow 9am"'),
    ("今晚 回邮件", "zh", "今晚快要过去了.*“30分钟后”.*“明天上午9点”"),
])
def test_a_vague_evening_almost_over_asks_for_a_precise_time(typed, lang, message):
    with pytest.raises(UsageError, match=message):
        times.read_reminder(typed, now=LATE_EVENING, zone=ZONE, lang=lang)
