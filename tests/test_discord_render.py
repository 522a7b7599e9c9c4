"""Drawing a Response within Discord's limits: nothing the core said is silently lost, and every
component fits (custom_id ≤ 100, 25 options, 5 rows)."""

from __future__ import annotations

import pytest

from adapters.discord.render import BLANK, DESCRIPTION_MAX, EMBED_TOTAL_MAX, render
from adapters.discord.store import Stash
from adapters.discord.views import build_view, decode, submitted_text
from bot.model import Attachment, Choice, Input, Response, Section


def total(embed) -> int:
    return len(embed)


def test_a_long_answer_is_cut_and_attached_whole():
    text = "ODR " * 1500
    rendered = render(Response(kind="answer", title="ODR", text=text))
    [embed] = rendered.embeds
    assert len(embed.description) == DESCRIPTION_MAX and embed.description.endswith("…")
    [attached] = rendered.files
    assert attached.filename == "sellerbot-answer.md" and text.strip() in attached.fp.read().decode()


def test_long_sections_become_several_fields_and_the_embed_stays_under_6000():
    sections = [Section(title=f"Part {i}", text="line\n" * 400) for i in range(6)]
    rendered = render(Response(kind="draft", text="Letter", sections=sections))
    [embed] = rendered.embeds
    assert embed.fields[0].name == "Part 0" and embed.fields[1].name == BLANK
    assert all(len(f.value) <= 1024 for f in embed.fields)
    assert total(embed) <= EMBED_TOTAL_MAX
    assert rendered.files and rendered.files[-1].filename == "sellerbot-draft.md"  # the rest is attached


def test_letters_are_attachments_and_a_short_answer_attaches_nothing_else():
    rendered = render(Response(kind="draft", text="ok", files=[Attachment(filename="poa.md", content="Dear team")]))
    assert [f.filename for f in rendered.files] == ["poa.md"]


def test_an_empty_response_still_makes_a_valid_embed():
    assert render(Response(text="")).embeds[0].description == BLANK


def test_many_choices_become_one_select_of_at_most_25_options():
    response = Response(text="pick", choices=[Choice(label=f"Option {i}", value=f"v{i}") for i in range(30)])
    view = build_view(response, None)
    [select] = view.children
    assert select.item.max_values == 1 and len(select.item.options) == 25


def test_a_multiple_choice_is_a_select_with_its_emphasised_choices_as_buttons(services):
    response = Response(text="causes", multi=True, choices=[
        Choice(label="A", value="a"), Choice(label="B", value="b"), Choice(label="Done", value="done", style="primary")])
    select, done = build_view(response, Stash(services.store)).children
    assert select.item.max_values == 2 and [o.value for o in select.item.options] == ["c:a", "c:b"]
    assert done.custom_id == "sb:c:done"


def test_a_long_value_needs_the_stash_and_comes_back_from_it(services):
    stash = Stash(services.store)
    value = "x" * 200
    [button] = build_view(Response(text="?", choices=[Choice(label="X", value=value)]), stash).children
    assert len(button.custom_id) <= 100 and decode(button.custom_id.removeprefix("sb:"), stash) == value
    with pytest.raises(ValueError):
        build_view(Response(text="?", choices=[Choice(label="X", value=value)]), None)


def test_an_input_adds_a_button_that_remembers_the_text_box(services):
    stash = Stash(services.store)
    response = Response(text="Root cause?", input=Input(label="Root cause", long=True, placeholder="Because…"))
    [opener] = build_view(response, stash).children
    kind, key = opener.custom_id.rsplit(":", 2)[-2:]
    assert kind == "L" and Input.model_validate_json(stash.get(key)).placeholder == "Because…"


def test_modal_text_is_found_in_rows_and_in_labels():
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": "answer", "value": "in a row"}]}]
    labels = [{"type": 18, "id": 1, "component": {"type": 4, "id": 2, "custom_id": "answer", "value": "in a label"}}]
    assert submitted_text(rows) == "in a row" and submitted_text(labels) == "in a label"


def test_stashed_values_expire(services, clock):
    stash = Stash(services.store, clock)
    key = stash.put("a value far too long for a custom id" * 4)
    clock.advance(days=91)
    assert stash.purge() == 1 and stash.get(key) is None
