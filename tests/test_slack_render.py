"""Block Kit rendering within Slack's limits, and Slack's wire text back to what users typed."""

from __future__ import annotations

from adapters.slack.render import (
    BUTTON_TEXT,
    MAX_BLOCKS,
    OPTION_VALUE,
    SECTION_CHARS,
    mention_markup,
    render,
    typed_text,
)
from bot.model import Attachment, Choice, Input, Response, Section


def test_long_text_is_split_into_sections_of_at_most_3000_characters_without_losing_words():
    paragraph = "The order defect rate must stay under one percent. " * 40
    response = Response(text="\n\n".join([paragraph] * 4))
    blocks = render(response).blocks
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert len(texts) > 1 and all(len(t) <= SECTION_CHARS for t in texts)
    assert sum(t.count("one percent") for t in texts) == 160


def test_never_more_than_50_blocks_and_the_buttons_survive_the_cut():
    response = Response(
        text="many", sections=[Section(title=f"Part {i}", text="x" * 100) for i in range(80)],
        context=["Source: seed"], choices=[Choice(label="Helpful", value="yes")],
    )
    blocks = render(response).blocks
    assert len(blocks) == MAX_BLOCKS
    assert blocks[-1]["type"] == "actions" and "cut to fit" in str(blocks[-4:])


def test_button_labels_are_cut_to_75_characters_and_long_values_are_shortened_by_reference():
    stored = {}

    def shorten(value: str, limit: int) -> str:
        if len(value) <= limit:
            return value
        stored[f"ref{len(stored)}"] = value
        return f"ref{len(stored) - 1}"

    label = "A very long root cause label that goes on and on about carriers and warehouses"
    response = Response(text="pick", multi=True, choices=[Choice(label=label, value="v" * 400), Choice(label="B", value="b")])
    blocks = render(response, shorten=shorten).blocks
    select = blocks[-1]["elements"][0]
    assert select["type"] == "multi_static_select" and blocks[-1]["elements"][1]["action_id"] == "sb:done"
    first = select["options"][0]
    assert len(first["text"]["text"]) <= BUTTON_TEXT and first["text"]["text"].endswith("…")
    assert len(first["value"]) <= OPTION_VALUE and stored[first["value"]] == "v" * 400


def test_a_multi_step_with_its_own_done_choice_keeps_it_as_a_button_beside_the_select():
    response = Response(text="causes?", multi=True, choices=[
        Choice(label="✓ Late carrier", value="carrier"), Choice(label="Stock", value="stock"),
        Choice(label="Done", value="done", style="primary"), Choice(label="Cancel", value="cancel", style="danger")])
    (actions,) = render(response).blocks[-1:]
    select, done, cancel = actions["elements"]
    assert [o["value"] for o in select["options"]] == ["carrier", "stock"]
    assert (done["action_id"], done["value"], done["style"]) == ("sb:done:0", "done", "primary")
    assert cancel["action_id"].startswith("sb:btn:") and cancel["value"] == "cancel"


def test_many_single_choices_become_one_drop_down():
    response = Response(text="type?", choices=[Choice(label=f"Type {i}", value=f"t{i}") for i in range(14)])
    actions = render(response).blocks[-1]
    assert actions["elements"][0]["type"] == "static_select" and len(actions["elements"][0]["options"]) == 14


def test_user_text_is_escaped_and_a_mention_is_real():
    response = Response(text="Store <!channel> & <@U999>", sections=[Section(title="<b>", text="a > b")])
    message = render(response, mentions=["U123ABC"])
    first = message.blocks[0]["text"]["text"]
    assert first.startswith("<@U123ABC> ") and "&lt;!channel&gt; &amp; &lt;@U999&gt;" in first
    assert "*&lt;b&gt;*\na &gt; b" == message.blocks[1]["text"]["text"]
    assert message.text.startswith("<@U123ABC> ") and "&lt;!channel&gt;" in message.text
    assert mention_markup("<@U123ABC>") == "<@U123ABC>" and mention_markup("bob") == "@bob"


def test_files_get_a_short_preview_input_gets_a_hint_and_source_lines_come_from_the_data():
    letter = "Dear team,\n\n" + "We did things. " * 300
    response = Response(kind="draft", text=letter, files=[Attachment(filename="poa.md", content=letter)],
                        input=Input(label="Anything to add?"), data={"source": "seed-12.md", "verified_on": "2026-03-01"})
    message = render(response, lang="zh", file_note="已上传")
    body = message.blocks[0]["text"]["text"]
    assert len(body) <= 700 and body.endswith("…")
    context = [e["text"] for b in message.blocks if b["type"] == "context" for e in b["elements"]]
    assert "📎 poa.md — 已上传" in context
    assert any("Anything to add?" in line and "请在此话题中回复" in line for line in context)
    assert "Source: seed-12.md · Verified on: 2026-03-01" in context
    assert len(message.text) <= 720


def test_markdown_bold_and_headings_become_slack_bold():
    blocks = render(Response(text="# Root cause\n**Late** carrier")).blocks
    assert blocks[0]["text"]["text"] == "*Root cause*\n*Late* carrier"


def test_typed_text_undoes_slack_link_and_entity_formatting():
    assert typed_text("<mailto:ops@shop.com|ops@shop.com> &amp; 3 &lt; 4") == "ops@shop.com & 3 < 4"
    assert typed_text("see <https://sellercentral.amazon.com>") == "see https://sellercentral.amazon.com"
    assert typed_text("ask <@U1> in <#C2|ops>") == "ask <@U1> in #ops"
