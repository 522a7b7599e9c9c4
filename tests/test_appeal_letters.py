"""Appeal letters: one per violation type (snapshots a reviewer can read), French for Cdiscount,
typed text kept word for word and never executed as template code."""

import os
from pathlib import Path

import pytest

from bot.appeals.lint import lint
from tests.appeal_helpers import EMAIL, STORE, fixed_answers, state_with, violation_types

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"


ALL_TYPES = ["odr", "late-shipment", "messaging", "linked-accounts", "restricted-products", "inauthentic",
             "ip-infringement", "invalid-tracking", "cdiscount-formal-notice"]


@pytest.fixture
def appeals(services):
    return services.appeals


def render(appeals, answers, lang="en"):
    flow = appeals.flow
    return appeals.render(appeals.facts(state_with(answers, lang=lang), flow))


def test_every_violation_type_has_a_template_a_catalog_and_a_mailbox_purpose(appeals):
    flow = appeals.flow
    types = violation_types(flow)
    assert len(types) >= 9
    for code in types:
        assert appeals.renderer.has_template(code), code
        assert set(flow.catalog[code]) == {"root_causes", "actions", "prevention"}, code
        assert all(len(flow.catalog[code][key]) >= 3 for key in flow.catalog[code]), code
        assert appeals.types[code]["purpose"], code


CASES = [
    ("odr", "en"), ("late-shipment", "en"), ("messaging", "en"), ("linked-accounts", "en"),
    ("restricted-products", "en"), ("inauthentic", "en"), ("ip-infringement", "en"),
    ("invalid-tracking", "en"), ("cdiscount-formal-notice", "en"), ("cdiscount-formal-notice", "fr"),
]


@pytest.mark.parametrize("violation,language", CASES)
def test_snapshot_letter_per_type(appeals, violation, language):
    """Fixed answers, compared exactly; UPDATE_SNAPSHOTS=1 rewrites the files for review."""
    letter = render(appeals, fixed_answers(appeals.flow, violation, language=language))
    name = f"appeal_{violation}" + ("" if language == "en" else f".{language}") + ".md"
    path = SNAPSHOTS / name
    if UPDATE:
        path.write_text(letter, encoding="utf-8")
    assert path.exists(), f"{name} is missing; run UPDATE_SNAPSHOTS=1 pytest tests/test_appeal_letters.py and review it"
    assert letter == path.read_text(encoding="utf-8"), f"{name} changed; rerun with UPDATE_SNAPSHOTS=1 and review the diff"


def test_snapshot_list_covers_every_type(appeals):
    assert {code for code, _ in CASES} == set(violation_types(appeals.flow))


@pytest.mark.parametrize("violation", ALL_TYPES)
def test_letter_has_the_poa_structure_and_passes_the_linter(appeals, violation):
    answers = fixed_answers(appeals.flow, violation)
    letter = render(appeals, answers)
    assert letter.index("Root cause") < letter.index("Actions taken") < letter.index("Preventive measures")
    assert "20 November 2026" in letter
    assert letter.rstrip().endswith(f"{STORE}\nSeller Central login e-mail: {EMAIL}")
    for step in ("order_ids", "conversation_orders", "asins", "cdiscount_orders"):
        for value in answers.get(step) or []:
            assert f"- {value}" in letter
    assert lint(letter) == [], lint(letter)


@pytest.mark.parametrize("violation", ALL_TYPES)
def test_every_suggestion_of_a_type_together_still_passes_the_linter(appeals, violation):
    """Suggestions are specific enough on their own: picking all of them raises no finding."""
    letter = render(appeals, fixed_answers(appeals.flow, violation, picks=99))
    assert lint(letter) == [], lint(letter)


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
    assert "## 2. Actions réalisées" in letter and "## 3. Mesures préventives" in letter
    assert "numéros de suivi" in letter
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
