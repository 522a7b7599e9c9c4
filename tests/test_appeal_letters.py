"""Appeal letters: one per violation type (snapshots a reviewer can read), French for Cdiscount,
typed text kept word for word and never executed as template code."""

import os
from pathlib import Path

import pytest

from bot.appeals.lint import lint
from tests.appeal_helpers import EMAIL, PATHS, STORE, fixed_answers, state_with, violation_types

SNAPSHOTS = Path(__file__).parent / "snapshots"
# snapshots: appeal_<type>.<what the notice did>.txt (Amazon), appeal_cdiscount-formal-notice[.fr].txt,
# and appeal_<type>.<path>.<what the notice did>.txt for an answer path that changes the letter (PATHS)
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"


ALL_TYPES = ["odr", "late-shipment", "messaging", "linked-accounts", "restricted-products", "inauthentic",
             "ip-infringement", "invalid-tracking", "cdiscount-formal-notice"]


@pytest.fixture
def appeals(services):
    return services.appeals


def render(appeals, answers, lang="en"):
    """The `.txt` draft (form blocks, then the e-mail)."""
    return rendered(appeals, answers, lang).text


def rendered(appeals, answers, lang="en"):
    flow = appeals.flow
    return appeals.render_letter(appeals.facts(state_with(answers, lang=lang), flow))


def effects_of(flow, violation: str) -> list[str]:
    """What a notice of this type can have done: the `notice_effect` choices offered for it."""
    step = flow.step("notice_effect")
    if not step.applies({"violation": violation}):
        return []
    return [c.value for c in flow.choices_for(step, {"violation": violation})]


def test_every_violation_type_has_a_template_a_catalog_and_a_mailbox_purpose(appeals):
    flow = appeals.flow
    types = violation_types(flow)
    assert len(types) >= 9
    for code in types:
        assert appeals.renderer.has_template(code), code
        assert set(flow.catalog[code]) == {"root_causes", "actions", "prevention", "evidence"}, code
        assert all(len(flow.catalog[code][key]) >= 3 for key in flow.catalog[code]), code
        assert appeals.types[code]["purpose"], code


CASES = [(code, effect, "en") for code in ALL_TYPES if code != "cdiscount-formal-notice"
         for effect in ("warning", "listing-removed", "privileges-removed", "account-deactivated", "funds-held")
         if not (effect == "listing-removed" and code in ("messaging", "linked-accounts"))]
CASES += [("cdiscount-formal-notice", "warning", "en"), ("cdiscount-formal-notice", "warning", "fr")]


PATH_CASES = [(code, "listing-removed", "en", path) for code, path in PATHS]
"""One snapshot per answer path, for what an IP complaint most often does: the listings removed."""


def snapshot_name(violation: str, effect: str, language: str, answer_path: str | None = None) -> str:
    if violation == "cdiscount-formal-notice":
        return f"appeal_{violation}" + ("" if language == "en" else f".{language}") + ".txt"
    return f"appeal_{violation}.{answer_path + '.' if answer_path else ''}{effect}.txt"


@pytest.mark.parametrize("violation,effect,language,answer_path", [(*case, None) for case in CASES] + PATH_CASES)
def test_snapshot_letter_per_type_and_notice_effect(appeals, violation, effect, language, answer_path):
    """Fixed answers, compared exactly; UPDATE_SNAPSHOTS=1 rewrites the files for review. Every
    snapshot's e-mail passes the linter."""
    letter = rendered(appeals, fixed_answers(appeals.flow, violation, language=language, effect=effect, path=answer_path))
    path = SNAPSHOTS / snapshot_name(violation, effect, language, answer_path)
    if UPDATE:
        path.write_text(letter.text, encoding="utf-8")
    assert path.exists(), f"{path.name} is missing; run UPDATE_SNAPSHOTS=1 pytest tests/test_appeal_letters.py and review it"
    assert letter.text == path.read_text(encoding="utf-8"), f"{path.name} changed; rerun with UPDATE_SNAPSHOTS=1 and review the diff"
    assert lint(letter.email, letter_lang=language) == [], lint(letter.email, letter_lang=language)


def test_snapshots_cover_every_type_and_every_notice_effect_and_nothing_else(appeals):
    flow = appeals.flow
    wanted = {(code, effect) for code in violation_types(flow) for effect in effects_of(flow, code) or ["warning"]}
    assert {(code, effect) for code, effect, _ in CASES} == wanted
    names = {snapshot_name(*case) for case in CASES + PATH_CASES}
    assert {p.name for p in SNAPSHOTS.glob("appeal_*")} == names, "stale or missing snapshot files"
    for (code, path), (facts, _) in PATHS.items():  # a path snapshot is a path the dialogue offers
        answers = fixed_answers(flow, code, path=path)
        for step_id, value in facts.items():
            step = flow.step(step_id)
            offered = {c.value for c in flow.choices_for(step, answers)}
            assert step.applies(answers) and set(value if isinstance(value, list) else [value]) <= offered, (path, step_id)


@pytest.mark.parametrize("violation", ALL_TYPES)
def test_letter_has_the_poa_structure_and_passes_the_linter(appeals, violation):
    answers = fixed_answers(appeals.flow, violation)
    letter = rendered(appeals, answers)
    email = letter.email
    assert not any(line.startswith("#") for line in letter.text.splitlines()), "plain text, no Markdown headings"
    assert email.index("Root cause") < email.index("Actions taken:") < email.index("Preventive measures:")
    assert "20 November 2026" in email
    assert email.rstrip().endswith(f"{STORE}\nSeller Central login e-mail: {EMAIL}")
    for step in ("order_ids", "conversation_orders", "asins", "cdiscount_orders"):
        for value in answers.get(step) or []:
            assert f"- {value}" in email
    attached = appeals.facts(state_with(answers), appeals.flow).attached
    assert len(attached) == 2 and "Attached:\n" + "\n".join(f"- {a}" for a in attached) in email
    assert lint(email) == [], lint(email)
    if violation == "cdiscount-formal-notice":
        assert letter.form == {} and letter.text == email  # no Account Health form on Cdiscount
    else:
        assert set(letter.form) == {"root_cause", "actions_taken", "preventive_measures"}
        assert letter.text.index("--- Root cause ---") < letter.text.index("E-MAIL VERSION")
        for block in letter.form.values():
            assert block.strip() in letter.text
        # every action is dated: the date given for the actions picked
        assert all(line.split(". ", 1)[1].startswith("22 November 2026: ")
                   for line in letter.form["actions_taken"].splitlines() if line.strip())


def _without_withdrawal(flow, answers: dict) -> dict:
    """The same answers without an action that withdrew the listings (deleted or closed offers)."""
    withdrawn = set(flow.extra["effects"]["listing-removed"]["withdrawn_by"])
    return {**answers, "actions": [a for a in answers["actions"] if a["key"] not in withdrawn]}


@pytest.mark.parametrize("effect,asked", [
    ("warning", "remove the warning from our Account Health"),
    ("listing-removed", "reinstate the listings concerned"),
    ("privileges-removed", "reinstate our selling privileges"),
    ("account-deactivated", "reactivate our account."),
    ("funds-held", "reactivate our account and release the funds held in it"),
])
def test_the_request_follows_what_the_notice_did(appeals, effect, asked):
    answers = _without_withdrawal(appeals.flow, fixed_answers(appeals.flow, "restricted-products", effect=effect))
    email = rendered(appeals, answers).email
    assert asked in email
    wording = appeals.flow.extra["effects"]
    assert [e for e in wording if wording[e]["request"] in email] == [effect]
    assert [e for e in wording if wording[e]["sentence"] in email] == [effect]


@pytest.mark.parametrize("violation", ["restricted-products", "inauthentic", "ip-infringement"])
def test_listings_withdrawn_by_the_seller_are_not_asked_back(appeals, violation):
    """ "We deleted the listings" and then "reinstate the listings concerned" contradict each other."""
    flow = appeals.flow
    deleting = next(c for c in flow.catalog[violation]["actions"] if c.value in flow.extra["effects"]["listing-removed"]["withdrawn_by"])
    answers = fixed_answers(flow, violation, effect="listing-removed")
    answers["actions"] = [{"key": deleting.value}]
    email = rendered(appeals, answers).email
    assert "reinstate the listings" not in email
    assert "as we have withdrawn the listings concerned, to record the matter as resolved" in email
    kept = {**answers, "actions": [{"key": c.value} for c in flow.catalog[violation]["actions"] if c.value != deleting.value][:1]}
    assert "reinstate the listings concerned" in rendered(appeals, kept).email


def test_the_opening_is_built_from_the_facts_for_performance_types(appeals):
    answers = fixed_answers(appeals.flow, "odr", effect="account-deactivated")
    email = rendered(appeals, answers).email
    opening = email.split("\n\n")[2]
    assert opening.startswith("Your notice of 20 November 2026 concerns the order defect rate of our store Harbour Lights Home on Amazon US.")
    assert "It stood at 1.59% (2 of 126 orders with a defect); Amazon's target is under 1%." in opening
    assert "Our account was deactivated." in opening and "The two orders concerned" in opening
    for order_id, note in answers["order_notes"].items():
        assert f"- {order_id}: {note}." in email  # one line per order: what happened, what was done
    # nothing the agent did not say: no examination claimed, no chargebacks or feedback invented
    assert "examined every order" not in email and "chargeback" not in opening and "feedback" not in opening
    answers.pop("metric_counts")
    assert "stood at" not in rendered(appeals, answers).email


def test_a_typed_action_keeps_its_own_date(appeals):
    answers = fixed_answers(appeals.flow, "odr", picks=1)
    answers["actions"].append({"text": "2026-11-19: We refunded order 113-4567890-1234567 in full"})
    actions = rendered(appeals, answers).form["actions_taken"]
    assert "2. 19 November 2026: We refunded order 113-4567890-1234567 in full." in actions
    assert "1. 22 November 2026: " in actions


def test_the_ip_letter_reports_the_retraction_instead_of_admitting_infringement(appeals):
    answers = fixed_answers(appeals.flow, "ip-infringement", effect="listing-removed")
    answers.update(retraction="retracted", retraction_date="2026-11-23", evidence=[])
    email = rendered(appeals, answers).email
    assert "On 23 November 2026 the rights owner retracted the complaint; their retraction is attached." in email
    assert "our checks were not sufficient" not in email and "It was our responsibility" not in email
    assert "Attached:\n- the rights owner's retraction of the complaint" in email
    assert lint(email) == []
    answers["retraction"] = "not-retracted"
    assert "retracted" not in rendered(appeals, answers).email


@pytest.mark.parametrize("retraction, offered", [("retracted", True), ("not-retracted", False), ("authorised", False)])
def test_the_retraction_is_offered_as_evidence_only_when_there_is_one(appeals, retraction, offered):
    """A letter that asks the owner to retract cannot also attach the owner's retraction."""
    flow = appeals.flow
    answers = {**fixed_answers(flow, "ip-infringement", effect="listing-removed"), "retraction": retraction}
    keys = [c.value for c in flow.choices_for(flow.step("evidence"), answers)]
    assert ("ip-ev-retraction" in keys) is offered


ENTITLEMENTS = ["brand-owner", "licence", "owner-authorisation", "distributor-authorisation", "distributor-invoices"]


@pytest.mark.parametrize("entitlement", ENTITLEMENTS)
def test_an_ip_seller_entitled_to_sell_states_its_right_with_the_proof_and_admits_no_fault(appeals, entitlement):
    """Every suggestion offered on the path together: the letter states the right, attaches its
    proof first, does not say the seller was wrong to list, and passes the linter."""
    flow = appeals.flow
    assert [c.value for c in flow.choices_for(flow.step("entitlement"), {})] == ENTITLEMENTS == list(flow.extra["entitlements"])
    answers = fixed_answers(flow, "ip-infringement", effect="listing-removed", picks=99, path="authorised", entitlement=entitlement)
    right = flow.extra["entitlements"][entitlement]
    email = rendered(appeals, answers).email
    assert right["sentence"] + " The documents that show it are attached" in email
    proof = next(c.text.en for c in flow.catalog["ip-infringement"]["evidence"] if c.value == right["proof"])
    assert f"Attached:\n- {proof}\n" in email
    assert "our checks were not sufficient" not in email and "It was our responsibility" not in email
    assert lint(email) == [], lint(email)


def test_no_suggestion_admits_intent_or_falsification(appeals):
    from bot.appeals.lint import ADMISSION

    for code, lists in appeals.flow.catalog.items():
        for items in lists.values():
            for choice in items:
                assert not ADMISSION.search(choice.text.en), (code, choice.value)


@pytest.mark.parametrize("violation", ALL_TYPES)
def test_every_suggestion_of_a_type_together_still_passes_the_linter(appeals, violation):
    """Suggestions are specific enough on their own: picking all of them raises no finding."""
    email = rendered(appeals, fixed_answers(appeals.flow, violation, picks=99)).email
    assert lint(email) == [], lint(email)


def test_every_suggestion_has_a_short_label_in_both_languages_and_french_for_cdiscount(appeals):
    for code, lists in appeals.flow.catalog.items():
        for items in lists.values():
            for choice in items:
                assert choice.label.zh and len(choice.label.en) <= 75 and len(choice.label.zh) <= 75, choice.value
                assert choice.text and choice.text.en, choice.value
                if code == "cdiscount-formal-notice":
                    assert choice.text.fr, choice.value


def test_french_letter_for_cdiscount_uses_french_sentences_and_headings(appeals):
    letter = render(appeals, fixed_answers(appeals.flow, "cdiscount-formal-notice", language="fr"))
    assert "Madame, Monsieur," in letter and "20 novembre 2026" in letter
    assert "\nActions réalisées :\n" in letter and "\nMesures préventives :\n" in letter
    assert "numéros de suivi" in letter and "\nPièces jointes :\n" in letter
    assert lint(letter, letter_lang="fr") == []


def test_typed_items_are_kept_word_for_word_next_to_suggestions(appeals):
    answers = fixed_answers(appeals.flow, "odr", picks=1)
    typed = "Our US carrier YunExpress stopped scanning parcels at the Los Angeles hub between 3 and 14 November"
    answers["root_causes"].append({"text": typed})
    answers["notice_text"] = "Your Order Defect Rate is 1.59% (2 A-to-z claims out of 126 orders)."
    letter = render(appeals, answers)
    assert typed + "." in letter
    assert "> Your Order Defect Rate is 1.59% (2 A-to-z claims out of 126 orders)." in letter


@pytest.mark.parametrize("payload", ["{{7*7}}", "{% for x in range(3) %}X{% endfor %}", "{{ ''.__class__.__mro__ }}", "{#c#}"])
def test_template_syntax_typed_by_a_user_is_printed_literally(appeals, payload):
    answers = fixed_answers(appeals.flow, "ip-infringement", picks=1)
    answers["store_name"] = f"Shop {payload}"
    answers["complaint_ref"] = payload
    answers["root_causes"].append({"text": f"We copied a title that said {payload} from a supplier"})
    letter = render(appeals, answers)
    assert f"Shop {payload}" in letter
    assert f"({payload})" in letter
    assert f"said {payload} from a supplier" in letter
    assert "Shop 49" not in letter and "XXX" not in letter and "<class" not in letter


def test_the_environment_is_sandboxed(appeals):
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    env = appeals.renderer.env
    assert isinstance(env, SandboxedEnvironment) and env.autoescape is False
    with pytest.raises(SecurityError):
        env.from_string("{{ ''.__class__.__mro__[1].__subclasses__() }}").render()


NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                "twelve": 12, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "dix": 10}
CHANNELS = ("whatsapp", "wechat", "phone", "skype", "telegram", "line app", "e-mail", "website")


def numbers_in(text: str) -> set[float]:
    """Every figure a sentence states, as digits or as a word ("two weeks", "7 days", "97.5%")."""
    import re

    found = {float(n.replace(",", ".")) for n in re.findall(r"\d+(?:[.,]\d+)?", text)}
    return found | {float(NUMBER_WORDS[w]) for w in re.findall(r"[a-zé]+", text.lower()) if w in NUMBER_WORDS}


def suggestions(appeals):
    """Every suggestion of every type: root causes, actions, preventive measures, attachments."""
    for lists in appeals.flow.catalog.values():
        for items in lists.values():
            yield from items


def test_a_suggestion_states_no_figure_its_button_does_not_show(appeals):
    """The agent presses a button for what its label says: a number in the letter's sentence that
    the label does not show ("two weeks earlier", "at 10:00", "97.5%") is a fact nobody gave."""
    invented = []
    for choice in suggestions(appeals):
        shown = numbers_in(choice.label.en)
        for written in filter(None, (choice.text.en, choice.text.fr)):
            extra = numbers_in(written) - shown
            if extra:
                invented.append((choice.value, sorted(extra), written))
    assert invented == []


def test_a_suggestion_names_no_contact_channel_its_button_does_not_name(appeals):
    """“WeChat, a phone number” in a sentence whose button says “WhatsApp, e-mail” was invented."""
    invented = []
    for choice in suggestions(appeals):
        label, written = choice.label.en.lower(), choice.text.en.lower()
        invented += [(choice.value, c) for c in CHANNELS if c in written and c not in label]
    assert invented == [], invented


@pytest.mark.parametrize("typed,actions_date,expected", [
    # the review's case: the date the dialogue gave, then another in the words
    ("We refunded order 113-4567890-1234567 on Dec 5", "2026-12-06", "We refunded order 113-4567890-1234567 on 5 December 2026."),
    ("We reshipped order 113-4567890-1234567 on 2026-12-05", "2026-12-06", "We reshipped order 113-4567890-1234567 on 5 December 2026."),
    ("Dec 5: we refunded order 113-4567890-1234567", "2026-12-06", "5 December 2026: we refunded order 113-4567890-1234567."),
    # already in the letter's form: kept as typed, and the dialogue's date is not added
    ("We refunded order 113-4567890-1234567 in full on 21 November", "2026-11-22", "We refunded order 113-4567890-1234567 in full on 21 November."),
    # no date in the words: the dialogue's date leads
    ("We refunded order 113-4567890-1234567 in full", "2026-11-22", "22 November 2026: We refunded order 113-4567890-1234567 in full."),
    # "may" the verb is not a date
    ("We may 5 times have refunded too late", "2026-11-22", "22 November 2026: We may 5 times have refunded too late."),
])
def test_each_action_carries_one_date_written_as_the_letter_writes_dates(appeals, typed, actions_date, expected):
    answers = fixed_answers(appeals.flow, "odr", picks=1)
    answers["actions_date"] = actions_date
    answers["actions"].append({"text": typed})
    letter = rendered(appeals, answers)
    assert f"2. {expected}" in letter.form["actions_taken"]
    assert f"2. {expected}" in letter.email


def test_a_french_action_has_one_date_and_french_punctuation(appeals):
    answers = fixed_answers(appeals.flow, "cdiscount-formal-notice", language="fr", picks=1)
    answers["actions_date"] = "2026-12-06"
    answers["actions"].append({"text": "Nous avons remboursé la commande 2011051803T1VLZ le 5 déc."})
    email = rendered(appeals, answers).email
    assert "1. 6 décembre 2026 : Nous avons saisi" in email
    assert "2. Nous avons remboursé la commande 2011051803T1VLZ le 5 décembre 2026." in email


@pytest.mark.parametrize("language", ["en", "fr"])
def test_cdiscounts_french_notice_is_quoted_as_sent_in_either_letter(appeals, language):
    """The notice is quoted in the marketplace's language (French for Cdiscount), which the
    language check accepts in an English letter too; a French letter carries no English."""
    answers = fixed_answers(appeals.flow, "cdiscount-formal-notice", language=language)
    answers["notice_text"] = "04/09/2020 : Vous indiquez aux clients consommateurs des faux numéros de suivi de colis."
    email = rendered(appeals, answers).email
    assert "> 04/09/2020 : Vous indiquez" in email
    assert lint(email, letter_lang=language) == []
    if language == "fr":
        assert "English" not in email and "anglais" not in email.lower()


def test_no_letter_carries_the_30_day_or_continued_selling_claims_nobody_made(appeals):
    """The Cdiscount opening stated a 30-day monitoring and that we keep selling: the agent said neither."""
    for language in ("en", "fr"):
        email = rendered(appeals, fixed_answers(appeals.flow, "cdiscount-formal-notice", language=language, picks=1)).email
        opening = email.split("\n\n")[2]
        assert "30" not in opening and "continuing to sell" not in opening and "poursuivons" not in opening


def test_a_chinese_notice_is_flagged_in_the_letter_in_the_agents_language(appeals):
    answers = fixed_answers(appeals.flow, "odr", picks=1)
    answers["notice_text"] = "您的订单缺陷率超过了 1% 的目标。"
    email = rendered(appeals, answers).email
    found = [f for f in lint(email, lang="zh") if f["rule"] == "wrong-language"]
    assert len(found) == 1 and "英文" in found[0]["message"] and "您的订单缺陷率" in found[0]["excerpt"]
