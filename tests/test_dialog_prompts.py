"""Every shape of dialogue prompt, pinned whole in both languages through the real dispatcher.

The other dialogue tests check what a prompt is for (the step asked, an error's reason); these pin
what the engine itself writes around a step — the error and notice lines, the hint, "current
answer", the selected list of a multi step, the review's summary and edit buttons, the text input,
the context line and the data — so a change to how a prompt is put together shows up here.
"""

import pytest

from tests.appeal_helpers import Chat
from tests.test_appeal_dialog import answer_until

CONTEXT = {
    "en": ["Type back, edit <step>, cancel — or /seller appeal resume later."],
    "zh": ["可输入 返回、修改 <步骤>、取消；稍后发送 /seller 申诉 继续 可接着填写。"],
}
TITLE = {"en": "Appeal (Plan of Action) · AP-1", "zh": "申诉信（行动计划） · AP-1"}


def frame(lang: str, step: str, index: int, answer_type: str) -> dict:
    """The fields every prompt of the ODR appeal carries."""
    return {
        "kind": "dialog", "channel": "c1", "ephemeral": False, "title": TITLE[lang], "context": CONTEXT[lang],
        "dialog_id": "AP-1", "flow": "appeal", "step": step, "step_index": index, "steps_total": 16,
        "answer_type": answer_type,
    }


DATE_INPUT = {
    "en": {"label": "Notice date", "long": False, "placeholder": "e.g. 2026-11-20, Nov 20, yesterday"},
    "zh": {"label": "通知日期", "long": False, "placeholder": "例如 2026-11-20、11月20日、昨天"},
}


@pytest.mark.parametrize("lang, text, error", [
    ("en", "⚠ 2026-12-25 is in the future: give a date up to today (Notice date).\n\n"
           "(3/16) On what date did the notice arrive?\n\ne.g. 2026-11-20, Nov 20, yesterday",
     "2026-12-25 is in the future: give a date up to today (Notice date)."),
    ("zh", "⚠ 2026-12-25 是将来的日期：请填写今天或之前的日期（通知日期）。\n\n(3/16) 通知是哪天收到的？\n\n例如 2026-11-20、11月20日、昨天",
     "2026-12-25 是将来的日期：请填写今天或之前的日期（通知日期）。"),
])
async def test_a_refused_date_is_asked_again_with_the_error_first_the_hint_and_a_text_input(services, lang, text, error):
    chat = Chat(services, lang=lang)
    await answer_until(chat, await chat.cmd("appeal start odr"), "notice_date")
    refused = await chat.say("2026-12-25")
    assert refused.to_contract() == {**frame(lang, "notice_date", 3, "date"), "text": text, "input": DATE_INPUT[lang],
                                     "error": error}


@pytest.mark.parametrize("lang, text, keep", [
    ("en", "(3/16) On what date did the notice arrive?\n\ne.g. 2026-11-20, Nov 20, yesterday\n\nCurrent answer: 2026-11-20",
     "Keep: 2026-11-20"),
    ("zh", "(3/16) 通知是哪天收到的？\n\n例如 2026-11-20、11月20日、昨天\n\n当前回答：2026-11-20", "保留：2026-11-20"),
])
async def test_going_back_to_a_typed_answer_shows_it_and_offers_to_keep_it(services, lang, text, keep):
    chat = Chat(services, lang=lang)
    await answer_until(chat, await chat.cmd("appeal start odr"), "notice_effect")
    back = await chat.say("back")
    assert back.to_contract() == {
        **frame(lang, "notice_date", 3, "date"), "text": text, "input": DATE_INPUT[lang], "multi": False,
        "choices": [{"label": keep, "value": "AP-1/notice_date/keep"}],
    }


@pytest.mark.parametrize("lang, text, labels", [
    ("en", "(4/16) What did the notice do? The letter's request follows from it.\n\nCurrent answer: A warning only",
     ["A warning only", "Listings removed", "Selling privileges removed", "Account deactivated",
      "Account deactivated, funds held"]),
    ("zh", "(4/16) 这封通知做了什么处理？信末的请求会据此来写。\n\n当前回答：仅警告",
     ["仅警告", "商品被下架", "销售权限被移除", "账户被停用", "账户被停用且资金被冻结"]),
])
async def test_going_back_to_a_choice_shows_the_current_answer_without_a_keep_button(services, lang, text, labels):
    chat = Chat(services, lang=lang)
    await answer_until(chat, await chat.cmd("appeal start odr"), "notice_text")
    back = await chat.say("back")
    values = ["warning", "listing-removed", "privileges-removed", "account-deactivated", "funds-held"]
    assert back.to_contract() == {
        **frame(lang, "notice_effect", 4, "choice"), "text": text, "multi": False,
        "choices": [{"label": label, "value": f"AP-1/notice_effect/{value}"} for label, value in zip(labels, values)],
    }


@pytest.mark.parametrize("lang, text, keep, skip, input_", [
    # an Amazon letter is in English: the prompt names English only (no French, which is Cdiscount's)
    ("en", "(5/16) Paste the text of the notice as the marketplace sent it (or press Skip). The letter quotes it so "
           "the reviewer sees which notice you answer. The letter is in English, so paste the notice in English: if "
           "Seller Central shows it in Chinese, switch it to English and copy it from there.\n\n"
           "Paste the notice in English\n\nCurrent answer: Your account has been flagged.",
     "Keep: Your account has been flagged.", "Skip",
     {"label": "Notice text", "long": True, "placeholder": "Paste the notice in English"}),
    ("zh", "(5/16) 粘贴平台发出的通知原文（或按“跳过”）。申诉信会引用它，让审核人员知道你回应的是哪封通知。申诉信是英文的，请粘贴英文原文："
           "如果卖家后台显示的是中文，请把后台语言切换为英文后再复制。中文通知不能写进信里。\n\n"
           "粘贴英文的通知原文\n\n当前回答：Your account has been flagged.",
     "保留：Your account has been flagged.", "跳过", {"label": "通知原文", "long": True, "placeholder": "粘贴英文的通知原文"}),
])
async def test_an_optional_long_text_offers_keep_then_skip_and_a_long_input(services, lang, text, keep, skip, input_):
    chat = Chat(services, lang=lang)
    await answer_until(chat, await chat.cmd("appeal start odr"), "notice_text")
    await chat.say("Your account has been flagged.")
    back = await chat.say("back")
    assert back.to_contract() == {
        **frame(lang, "notice_text", 5, "long_text"), "text": text, "input": input_, "multi": False,
        "choices": [{"label": keep, "value": "AP-1/notice_text/keep"}, {"label": skip, "value": "AP-1/notice_text/skip"}],
    }


MULTI = {
    "en": ("Added: The agent replied late\n\n(9/16) Why did it happen? Pick the root causes that are true, or type "
           "your own — a cause, not the symptom (“our carrier had no tracking”, not “we got A-to-z claims”).\n\n"
           "Selected so far:\n1. Economy carrier with no end-to-end tracking\n2. The agent replied late\n\n"
           "Press the suggestions that are true (one at a time), type your own in full sentences, then press “done”.",
           ["✓ Economy carrier with no end-to-end tracking", "Shipment confirmed at label printing, before stock arrived",
            "Buyer messages not answered within 24 hours", "Detail page did not match the product (size, material)",
            "Nobody assigned to chargeback requests; not answered in time"], "Done"),
    "zh": ("已添加：The agent replied late\n\n(9/16) 为什么会发生？选择属实的根本原因，或自己输入——写原因，不要只写现象"
           "（写“物流没有追踪”，而不是“收到了 A-to-z”）。\n\n目前已选：\n1. 经济型物流没有全程追踪\n2. The agent replied late\n\n"
           "逐个点选符合实际的建议，也可以直接输入自己的句子，完成后按“完成”。",
           ["✓ 经济型物流没有全程追踪", "打印面单时就确认发货，货还没到", "买家消息没有在 24 小时内回复",
            "详情页与实物不符（尺寸、材质）", "没有专人负责信用卡拒付，未及时回应"], "完成"),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_a_multi_step_ticks_the_picks_lists_them_and_ends_with_done(services, lang):
    chat = Chat(services, lang=lang)
    prompt = await answer_until(chat, await chat.cmd("appeal start odr"), "root_causes")
    await chat.press(prompt.choices[0].value)
    typed = await chat.say("The agent replied late")
    text, labels, done = MULTI[lang]
    keys = ["odr-rc-untracked-carrier", "odr-rc-ship-before-stock", "odr-rc-slow-replies", "odr-rc-listing-mismatch",
            "odr-rc-chargeback-unanswered"]
    assert typed.to_contract() == {
        **frame(lang, "root_causes", 9, "multi"), "text": text, "multi": True,
        "choices": [{"label": label, "value": f"AP-1/root_causes/{key}"} for label, key in zip(labels, keys)]
        + [{"label": done, "value": "AP-1/root_causes/done", "style": "primary"}],
    }


REVIEW = {
    "en": ("(16/16) Check your answers. Press Done to write the letter, or edit a step.\n\n"
           "• Marketplace: Amazon US\n• Violation: High ODR / A-to-z / chargebacks\n• Notice date: 2026-11-20\n"
           "• What the notice did: A warning only\n• Notice text: —\n• Metric counts: —\n• Order IDs: 113-4567890-1234567\n"
           "• What happened per order: —\n• Root causes: Economy carrier with no end-to-end tracking\n"
           "• Actions taken: Refunded or reshipped every order listed\n• Actions completed on: 2026-11-22\n"
           "• Preventive measures: Account manager checks Account Health daily\n"
           "• Attachments: Refund or reshipment record of each order\n• Store name: Harbour Lights Home\n"
           "• Login e-mail: ops@harbourlights-home.example",
           "Done: write it", "Edit: ",
           ["Marketplace", "Violation", "Notice date", "What the notice did", "Notice text", "Metric counts", "Order IDs",
            "What happened per order", "Root causes", "Actions taken", "Actions completed on", "Preventive measures",
            "Attachments", "Store name", "Login e-mail"]),
    "zh": ("(16/16) 请核对回答。按“完成”生成申诉信，或修改某一步。\n\n"
           "• 站点: 亚马逊美国站\n• 违规类型: ODR 超标 / A-to-z / 拒付\n• 通知日期: 2026-11-20\n• 通知的处理结果: 仅警告\n"
           "• 通知原文: —\n• 指标数据: —\n• 订单号: 113-4567890-1234567\n• 每个订单的情况: —\n"
           "• 根本原因: 经济型物流没有全程追踪\n• 已采取的措施: 所列订单均已退款或补发\n• 措施完成日期: 2026-11-22\n"
           "• 预防措施: 账户经理每天检查账户状况\n• 附件: 每个订单的退款或补发记录\n• 店铺名: Harbour Lights Home\n"
           "• 登录邮箱: ops@harbourlights-home.example",
           "完成：生成", "修改：",
           ["站点", "违规类型", "通知日期", "通知的处理结果", "通知原文", "指标数据", "订单号", "每个订单的情况", "根本原因",
            "已采取的措施", "措施完成日期", "预防措施", "附件", "店铺名", "登录邮箱"]),
}
STEPS = ["marketplace", "violation", "notice_date", "notice_effect", "notice_text", "metric_counts", "order_ids",
         "order_notes", "root_causes", "actions", "actions_date", "prevention", "evidence", "store_name", "login_email"]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_review_summarises_every_answer_and_offers_done_then_an_edit_per_step(services, lang):
    chat = Chat(services, lang=lang)
    review = await answer_until(chat, await chat.cmd("appeal start odr"), "review")
    text, done, edit, names = REVIEW[lang]
    assert review.to_contract() == {
        **frame(lang, "review", 16, "review"), "text": text, "multi": False,
        "choices": [{"label": done, "value": "AP-1/review/done", "style": "primary"}]
        + [{"label": edit + name, "value": f"AP-1/review/edit {step}"} for name, step in zip(names, STEPS)],
    }
