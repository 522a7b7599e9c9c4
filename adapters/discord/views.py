"""Buttons, selects and modals for a `Response`, and the persistent components that answer them.

Every component is a `DynamicItem`: discord.py matches the custom_id of a press against the
templates registered at start (`PERSISTENT_ITEMS`), so buttons keep working after a restart and
on messages posted by another process (the `clock` process posts reminders with buttons). The
views we send are therefore stopped before sending: discord.py need not track them message by
message, and a timed-out ephemeral view cannot unregister the templates.

A custom_id is `sb:c:<value>` when the choice value fits in Discord's 100 characters, else
`sb:k:<key>` with the value kept in the database (store.Stash). Select options use the same
`c:`/`k:` tokens as their values.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import TYPE_CHECKING, Any

import discord
from discord import ui

from adapters.discord.render import cut
from bot.model import Input, Response

if TYPE_CHECKING:
    from adapters.discord.store import Stash

CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
OPTION_LABEL_MAX = 100
MODAL_TITLE_MAX = 45
INPUT_LABEL_MAX = 45
PLACEHOLDER_MAX = 100
MAX_BUTTONS = 20
"""Up to 20 choices are buttons (four rows of five, a fifth row free for the answer button);
more than that, or a multiple choice, become a select menu (at most 25 options)."""
MAX_OPTIONS = 25
SELECT_ID = "sb:sel"
ANSWER_FIELD = "answer"
MODAL_PREFIX = "sb:modal:"

STYLES = {"primary": discord.ButtonStyle.primary, "danger": discord.ButtonStyle.danger}


def encode(value: str, stash: "Stash | None", room: int) -> str:
    """A token for `value` that fits in `room` characters: `c:<value>`, or `k:<key>` when stashed."""
    if len(value) + 2 <= room:
        return "c:" + value
    if stash is None:
        raise ValueError(f"choice value of {len(value)} characters needs a stash")
    return "k:" + stash.put(value)


def decode(token: str, stash: "Stash | None") -> str | None:
    """The choice value behind a token; None when a stashed value has expired."""
    kind, _, data = token.partition(":")
    if kind == "c":
        return data
    if kind == "k" and stash is not None:
        return stash.get(data)
    return None


class ChoiceButton(ui.DynamicItem[ui.Button], template=r"sb:(?P<token>[ck]:.+)"):
    """A button whose custom_id carries the choice value (or its stash key)."""

    def __init__(self, button: ui.Button):
        super().__init__(button)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item, match: re.Match[str], /):
        return cls(item)  # type: ignore[arg-type]

    async def callback(self, interaction: discord.Interaction) -> None:
        token = self.custom_id.removeprefix("sb:")
        await interaction.client.replies.choice(interaction, [token], pressed={self.custom_id})  # type: ignore[attr-defined]


class ChoiceSelect(ui.DynamicItem[ui.Select], template=re.escape(SELECT_ID)):
    """A select menu (single or multiple); its option values are tokens."""

    def __init__(self, select: ui.Select):
        super().__init__(select)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item, match: re.Match[str], /):
        return cls(item)  # type: ignore[arg-type]

    async def callback(self, interaction: discord.Interaction) -> None:
        data: Any = interaction.data or {}
        tokens = list(data.get("values", []))
        await interaction.client.replies.choice(interaction, tokens, pressed=set(tokens))  # type: ignore[attr-defined]


class AnswerButton(ui.DynamicItem[ui.Button], template=r"sb:in:(?P<style>[LS])(?::(?P<key>[0-9a-f]{16}))?"):
    """Opens a text box (a modal) for a free-text step; long steps get a paragraph box."""

    def __init__(self, button: ui.Button):
        super().__init__(button)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: ui.Item, match: re.Match[str], /):
        return cls(item)  # type: ignore[arg-type]

    async def callback(self, interaction: discord.Interaction) -> None:
        match = self.template.fullmatch(self.custom_id)
        assert match is not None
        replies = interaction.client.replies  # type: ignore[attr-defined]
        spec = None
        if match["key"]:
            stored = replies.stash.get(match["key"])
            spec = Input.model_validate_json(stored) if stored else None
        if spec is None:  # stash expired: rebuild from what the button shows
            spec = Input(label=(self.item.label or "…").removeprefix("✍ "), long=match["style"] == "L")
        await interaction.response.send_modal(answer_modal(spec, lang=replies.lang_of(interaction)))


PERSISTENT_ITEMS = (ChoiceButton, ChoiceSelect, AnswerButton)


def answer_modal(spec: Input, *, lang: str) -> ui.Modal:
    """The text box for one free-text step. Its submit is handled in the client's on_interaction
    (by custom_id prefix), not by this object, so a restart between opening and submitting loses
    nothing; the modal is stopped so discord.py does not keep it."""
    title = "你的回答" if lang == "zh" else "Your answer"
    modal = ui.Modal(title=cut(title, MODAL_TITLE_MAX), custom_id=MODAL_PREFIX + secrets.token_hex(6))
    modal.add_item(
        ui.TextInput(
            label=cut(spec.label, INPUT_LABEL_MAX),
            custom_id=ANSWER_FIELD,
            style=discord.TextStyle.paragraph if spec.long else discord.TextStyle.short,
            placeholder=cut(spec.placeholder, PLACEHOLDER_MAX) if spec.placeholder else None,
            max_length=4000 if spec.long else 400,
        )
    )
    modal.stop()
    return modal


def submitted_text(components: list[dict[str, Any]]) -> str | None:
    """The value of our text input in a modal submit (rows or labels, however nested)."""
    for component in components:
        if component.get("custom_id") == ANSWER_FIELD and "value" in component:
            return component["value"]
        nested = component.get("components") or ([component["component"]] if "component" in component else [])
        found = submitted_text(nested)
        if found is not None:
            return found
    return None


def typing_input(response: Response, lang: str) -> Input | None:
    """The text box of a response: its own `input`, or, for a dialogue step that offers only
    buttons, one to type an answer anyway. In a chat a user may always type instead of pressing
    (the dialogue understands "cancel", "back", "edit <step>", or a root cause in their own words);
    on Discord typing happens in a modal, so the adapter offers one."""
    if response.input is not None:
        return response.input
    if response.kind != "dialog":
        return None
    if response.multi:
        return Input(label="自行输入（每行一条）" if lang == "zh" else "Type your own (one per line)", long=True)
    return Input(label="输入回答" if lang == "zh" else "Type an answer")


def build_view(response: Response, stash: "Stash | None", *, lang: str = "en") -> ui.View | None:
    """The components for a Response's choices and free-text input, or None when it has neither.

    A multiple choice becomes a select menu (pick several at once); its emphasised choices (a
    `style`, such as "Done") stay buttons beside it. More than MAX_BUTTONS plain choices also
    become a (single) select menu. A text box (see `typing_input`) adds the button that opens it."""
    text_box = typing_input(response, lang)
    if not response.choices and text_box is None:
        return None
    view = ui.View(timeout=None)
    listed = [c for c in response.choices if not (response.multi and c.style)]
    as_select = response.multi or len(response.choices) > MAX_BUTTONS
    if as_select and listed:
        view.add_item(ChoiceSelect(_select(listed, multi=response.multi, stash=stash, lang=lang)))
    room = (4 if view.children else 5) * 5 - (1 if text_box is not None else 0)
    seen: set[str] = set()
    for choice in response.choices if not as_select else [c for c in response.choices if c not in listed]:
        custom_id = "sb:" + encode(choice.value, stash, CUSTOM_ID_MAX - 3)
        if custom_id in seen or len(seen) >= room:
            continue
        seen.add(custom_id)
        button: ui.Button[ui.View] = ui.Button(
            label=cut(choice.label, BUTTON_LABEL_MAX),
            custom_id=custom_id,
            style=STYLES.get(choice.style or "", discord.ButtonStyle.secondary),
        )
        view.add_item(ChoiceButton(button))
    if text_box is not None:
        view.add_item(AnswerButton(answer_button(text_box, stash)))
    view.stop()  # rendered only; the persistent templates answer the presses
    return view


def _select(choices: list, *, multi: bool, stash: "Stash | None", lang: str) -> ui.Select:
    options: list[discord.SelectOption] = []
    seen: set[str] = set()
    for choice in choices[:MAX_OPTIONS]:
        token = encode(choice.value, stash, CUSTOM_ID_MAX)
        if token not in seen:
            seen.add(token)
            options.append(discord.SelectOption(label=cut(choice.label, OPTION_LABEL_MAX), value=token))
    return ui.Select(
        custom_id=SELECT_ID,
        options=options,
        min_values=1,
        max_values=len(options) if multi else 1,
        placeholder=("选择一项或多项…" if multi else "请选择…") if lang == "zh" else ("Choose one or more…" if multi else "Choose…"),
    )


def answer_button(spec: Input, stash: "Stash | None") -> ui.Button:
    style = "L" if spec.long else "S"
    custom_id = f"sb:in:{style}"
    if stash is not None:
        custom_id += ":" + stash.put(json.dumps(spec.model_dump(exclude_none=True), ensure_ascii=False))
    return ui.Button(label="✍ " + cut(spec.label, BUTTON_LABEL_MAX - 2), custom_id=custom_id, style=discord.ButtonStyle.secondary)


def marked_view(message: discord.Message, pressed: set[str]) -> ui.View:
    """The components of `message`, all disabled, with what was picked highlighted: a dialogue
    step is answered once, and the channel shows what the answer was."""
    view = ui.View.from_message(message, timeout=None)
    for item in view.children:
        if isinstance(item, ui.Button):
            item.disabled = True
            if item.custom_id in pressed:
                item.style = discord.ButtonStyle.success
        elif isinstance(item, ui.Select):
            item.disabled = True
            for option in item.options:
                option.default = option.value in pressed
    view.stop()
    return view
