"""The linter: every rule fires on a letter that has the fault and stays quiet on one that does not."""

import pytest

from bot.appeals.lint import lint

OPENING = (
    "We are writing about your notice of 20 November 2026 concerning the order defect rate of our store "
    "Harbour Lights Home on Amazon US, which is above the 1% target. The defects were caused by our own "
    "fulfilment and customer-service failures and we take full responsibility for them. We examined every "
    "order concerned and identified why each defect occurred; this plan explains the causes, what we have "
    "already corrected and the controls now in place."
)
CLOSING = (
    "We respectfully ask you to review this plan and reinstate our selling privileges. We will answer any "
    "further question about the orders above promptly.\n\nSincerely,\n\nHarbour Lights Home\n"
    "Seller Central login e-mail: ops@harbourlights-home.example\n"
)
GOOD = {
    "ids": ["113-4567890-1234567", "114-2345678-7654321"],
    "root": [
        "We shipped most orders with an economy postal service whose tracking stopped at export, so buyers could "
        "not see where their parcels were and filed claims for items that were still in transit.",
        "Buyer messages were not answered within 24 hours at weekends because a single agent covered customer service.",
    ],
    "actions": [
        "We refunded or reshipped every order listed above; no claim from these orders remains open.",
        "We moved all orders for this marketplace to a service whose scans are visible from collection to delivery.",
    ],
    "prevention": [
        "Our account manager reviews the Account Health page every working day at 10:00 and opens a ticket for each new claim within 24 hours.",
        "Buyer messages are answered within 24 hours, 7 days a week, on a written rota of two agents.",
    ],
}


def letter(**changes) -> str:
    parts = {**GOOD, **changes}
    opening = changes.get("opening", OPENING)
    closing = changes.get("closing", CLOSING)
    out = ["Subject: Plan of Action – Order defect rate – Harbour Lights Home", "", "Dear Seller Performance Team,", "", opening, ""]
    if parts["ids"] is not None:
        out += ["## Orders concerned", ""] + [f"- {i}" for i in parts["ids"]] + [""]
    for key, heading in (("root", "## 1. Root causes"), ("actions", "## 2. Actions taken"), ("prevention", "## 3. Preventive measures")):
        if parts[key] is None:
            continue
        out += [heading, ""] + [f"{n}. {item}" for n, item in enumerate(parts[key], 1)] + [""]
    out.append(closing)
    return "\n".join(out)


def rules(text: str, **kwargs) -> list[str]:
    return [f["rule"] for f in lint(text, **kwargs)]


def test_a_good_letter_has_no_findings():
    assert lint(letter()) == []


def test_each_finding_has_a_rule_a_message_and_a_fix_in_the_agents_language():
    findings = lint(letter(actions=["We will change our carrier next month."]), lang="zh")
    assert findings and all({"rule", "message", "fix"} <= set(f) for f in findings)
    assert "已采取的措施" in findings[0]["message"]


@pytest.mark.parametrize("missing", ["root", "actions", "prevention"])
def test_missing_section(missing):
    assert "missing-section" in rules(letter(**{missing: None}))
    assert "missing-section" not in rules(letter())


def test_missing_login_email_at_the_end():
    assert "missing-section" in rules(letter(closing="Sincerely,\n\nHarbour Lights Home\n"))


@pytest.mark.parametrize("placeholder", [
    "We refunded order XXX and the rest.",
    "TODO: describe the refund of the remaining orders here.",
    "We refunded the buyer of order [order number] within 24 hours.",
    "We refunded <store name>'s buyers within 24 hours.",
    "Order ID: , and the refund went out within 24 hours.",
])
def test_placeholders_left(placeholder):
    text = letter(actions=[placeholder, GOOD["actions"][1]])
    assert "placeholder" in rules(text)


def test_an_empty_id_list_is_a_placeholder():
    assert "placeholder" in rules(letter(ids=[]))
    assert "placeholder" not in rules(letter())


def test_markdown_links_and_checkboxes_are_not_placeholders():
    text = letter(actions=["We followed the [Account Health guide](https://sellercentral.amazon.com/help) and refunded every order listed above.",
                           GOOD["actions"][1]])
    assert "placeholder" not in rules(text)


@pytest.mark.parametrize("symptom", [
    "Our order defect rate was above 1%.",
    "We received two A-to-z claims from buyers.",
    "Late shipments.",
])
def test_root_cause_that_only_restates_the_symptom(symptom):
    assert "symptom-as-cause" in rules(letter(root=[symptom]))


def test_a_real_cause_mentioning_the_symptom_is_accepted():
    cause = "We received A-to-z claims because our carrier stopped scanning parcels at the Los Angeles hub for 10 days."
    assert "symptom-as-cause" not in rules(letter(root=[cause]))


@pytest.mark.parametrize("intention", [
    "We will switch to a tracked carrier.",
    "We are going to train our staff.",
    "We plan to refund the buyers.",
])
def test_actions_written_as_intentions(intention):
    assert "intention-not-action" in rules(letter(actions=[intention]))


def test_actions_in_the_past_tense_pass():
    assert "intention-not-action" not in rules(letter())


@pytest.mark.parametrize("vague", [
    "We will be more careful in the future.",
    "We will improve our customer service and pay more attention to buyers.",
])
def test_prevention_with_no_concrete_step(vague):
    assert "vague-prevention" in rules(letter(prevention=[vague]))


@pytest.mark.parametrize("concrete", [
    "The warehouse lead checks the orders due to ship every day at 16:00.",
    "Our order software flags parcels without a scan, and the operations manager reviews the list.",
])
def test_prevention_with_a_who_a_when_or_a_tool_passes(concrete):
    assert "vague-prevention" not in rules(letter(prevention=[concrete]))


@pytest.mark.parametrize("blame", [
    "The buyer lied about not receiving the parcel, although it was delivered on 12 November.",
    "Amazon made a mistake: the claims were caused by a dishonest customer.",
    "We were wrongly suspended because of two claims.",
])
def test_blaming_the_buyer_or_the_marketplace(blame):
    assert "blame" in rules(letter(root=[blame, GOOD["root"][0]]))


def test_describing_the_buyers_experience_is_not_blame():
    cause = "Buyers could not see where their parcels were because our carrier's tracking stopped at export."
    assert "blame" not in rules(letter(root=[cause]))


@pytest.mark.parametrize("plea", [
    "Please give us a chance; our family depends on this store.",
    "We are a small seller and we beg you to reinstate us!!",
    "This account is our hard-won business and we sincerely hope you understand.",
])
def test_emotional_pleading(plea):
    assert "pleading" in rules(letter(closing=plea + "\n\n" + CLOSING))


def test_a_plain_request_to_review_is_not_pleading():
    assert "pleading" not in rules(letter())


def test_several_issues_lumped_together():
    extra = "Our title also used another company's trademark, and we had opened a second seller account without approval."
    assert "lumped-issues" in rules(letter(root=GOOD["root"] + [extra]))
    assert "lumped-issues" not in rules(letter())


def test_too_short_and_too_long():
    short = "## Root cause\n1. Our carrier lost parcels.\n## Actions taken\n1. We refunded.\n## Preventive measures\n1. Daily checks.\nops@example.com"
    assert "too-short" in rules(short)
    assert "too-long" in rules(letter(root=GOOD["root"] * 30))
    assert not {"too-short", "too-long"} & set(rules(letter()))


def test_chinese_left_in_an_english_letter():
    assert "wrong-language" in rules(letter(actions=["我们已经更换了物流公司，并且退款给所有买家。", GOOD["actions"][1]]))
    assert "wrong-language" not in rules(letter())


def test_the_quoted_notice_is_not_linted_as_our_words():
    notice = "> Your account has been deactivated. Buyers filed false claims?? Please give us a chance XXX"
    text = letter(opening=OPENING + "\n\nFor reference, the notice reads:\n\n" + notice)
    assert lint(text) == []


def test_a_plain_text_letter_with_colon_headings_and_paragraphs_is_understood():
    text = letter().replace("## 1. Root causes", "Root causes:").replace("## 2. Actions taken", "Actions taken:")
    text = text.replace("## 3. Preventive measures", "Preventive measures:").replace("## Orders concerned", "Orders concerned:")
    assert lint(text) == []
    paragraphs = text.replace("1. We refunded", "We refunded").replace("2. We moved", "We will move")
    assert rules(paragraphs) == ["intention-not-action"]


@pytest.mark.parametrize("admission", [
    "We uploaded tracking numbers before the carrier accepted the parcels.",
    "We entered tracking numbers that did not belong to the parcels.",
    "To meet the handling time we uploaded a tracking number as soon as the label was printed.",
    "A new employee used fake invoices from another supplier.",
    "Our agent deliberately asked buyers to change their reviews.",
])
def test_a_sentence_admitting_intent_or_falsification(admission):
    findings = lint(letter(root=GOOD["root"] + [admission]), lang="zh")
    assert [f["rule"] for f in findings] == ["admission"]
    assert "故意" in findings[0]["message"]


@pytest.mark.parametrize("process_fault", [
    "Our order software sent the tracking number to Amazon when the label was printed, before the carrier collected the parcel.",
    "Tracking numbers were typed by hand and several contained mistakes.",
])
def test_a_process_fault_is_not_an_admission(process_fault):
    assert "admission" not in rules(letter(root=GOOD["root"] + [process_fault]))


@pytest.mark.parametrize("lang,letter_lang,named", [("en", "en", "English"), ("zh", "en", "英文"), ("zh", "fr", "法文")])
def test_a_chinese_notice_quoted_in_the_letter_is_flagged_naming_the_letters_language(lang, letter_lang, named):
    """The quote was left out of every check, so a notice copied from Seller Central in Chinese
    went into the English letter unflagged."""
    text = letter(opening=OPENING + "\n\nThe notice reads:\n\n> 您的订单缺陷率高于 1% 的目标。")
    found = [f for f in lint(text, lang=lang, letter_lang=letter_lang) if f["rule"] == "wrong-language"]
    assert len(found) == 1 and named in found[0]["message"] and "您的订单缺陷率" in found[0]["excerpt"]
    assert ("Seller Central" if lang == "en" else "卖家后台") in found[0]["fix"]


def test_chinese_in_the_letters_own_words_is_flagged_apart_from_the_quote():
    text = letter(root=["我们的物流商没有提供全程追踪，所以买家看不到包裹位置。"] + GOOD["root"][1:])
    found = [f for f in lint(text, lang="zh") if f["rule"] == "wrong-language"]
    assert len(found) == 1 and found[0]["message"].startswith("信中含有中文") and "英文" in found[0]["fix"]


def test_a_notice_quoted_in_the_marketplaces_own_language_is_not_flagged():
    text = letter(opening=OPENING + "\n\nThe notice reads:\n\n> Vous indiquez aux clients des faux numéros de suivi de colis.")
    assert "wrong-language" not in rules(text)
