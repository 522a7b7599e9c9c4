"""Writing taught questions into the article files (`kb export`), so they are versioned and reviewed.

A taught question is appended to `sections.<id>.ask.<lang>` of its article's front matter. The
file is edited as text, line by line, so the curators' layout, comments and quoting stay as they
wrote them; the article is parsed again afterwards and the edit is undone if it no longer loads.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from bot.knowledge.articles import parse_article


class ExportError(ValueError):
    """The question could not be written into the file (named in the message)."""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _find_key(lines: list[str], key: str, start: int, end: int, indent: int | None) -> int | None:
    """The line of `key:` among lines[start:end] at `indent` (any indent when None)."""
    pattern = re.compile(rf"^(\s*){re.escape(key)}\s*:(\s|$)")
    for i in range(start, end):
        match = pattern.match(lines[i])
        if match and (indent is None or len(match.group(1)) == indent):
            return i
    return None


def _block_end(lines: list[str], at: int, end: int) -> int:
    """First line after the block opened at `at` (a line indented no deeper than it)."""
    own = _indent(lines[at])
    for i in range(at + 1, end):
        if lines[i].strip() and not lines[i].lstrip().startswith("#") and _indent(lines[i]) <= own:
            return i
    return end


def add_question(text: str, section_id: str, lang: str, question: str) -> str:
    """The article text with `question` added to the section's example questions in `lang`."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ExportError("no front matter")
    fm_end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if fm_end is None:
        raise ExportError("front matter is not closed")
    quoted = json.dumps(question, ensure_ascii=False)
    sections = _find_key(lines, "sections", 1, fm_end, 0)
    if sections is None:
        lines[fm_end:fm_end] = ["sections:", f"  {section_id}:", "    ask:", f"      {lang}: [{quoted}]"]
        return "\n".join(lines)
    s_end = _block_end(lines, sections, fm_end)
    entry = _find_key(lines, section_id, sections + 1, s_end, None)
    if entry is None:
        lines[s_end:s_end] = [f"  {section_id}:", "    ask:", f"      {lang}: [{quoted}]"]
        return "\n".join(lines)
    e_end = _block_end(lines, entry, s_end)
    e_indent = _indent(lines[entry]) + 2
    ask = _find_key(lines, "ask", entry + 1, e_end, e_indent)
    if ask is None:
        lines[e_end:e_end] = [" " * e_indent + "ask:", " " * (e_indent + 2) + f"{lang}: [{quoted}]"]
        return "\n".join(lines)
    a_end = _block_end(lines, ask, e_end)
    l_indent = _indent(lines[ask]) + 2
    at = _find_key(lines, lang, ask + 1, a_end, l_indent)
    if at is None:
        lines[a_end:a_end] = [" " * l_indent + f"{lang}: [{quoted}]"]
        return "\n".join(lines)
    value = lines[at].split(":", 1)[1].strip()
    if value.startswith("["):  # flow list on one line: rewrite it with the question added
        items = yaml.safe_load(value)
        if not isinstance(items, list):
            raise ExportError(f"`sections.{section_id}.ask.{lang}` is not a list")
        items.append(question)
        lines[at] = " " * l_indent + f"{lang}: [" + ", ".join(json.dumps(i, ensure_ascii=False) for i in items) + "]"
    elif not value:  # block list below
        l_end = _block_end(lines, at, a_end)
        item_indent = next((_indent(lines[i]) for i in range(at + 1, l_end) if lines[i].strip()), l_indent + 2)
        lines[l_end:l_end] = [" " * item_indent + f"- {quoted}"]
    else:
        raise ExportError(f"`sections.{section_id}.ask.{lang}` is not a list")
    return "\n".join(lines)


def export_question(path: Path, section_id: str, lang: str, question: str) -> None:
    """Add the question to the article file; the file is left unchanged if the result would not load."""
    before = path.read_text(encoding="utf-8")
    after = add_question(before, section_id, lang, question)
    article, problems = parse_article(path, after)
    if article is None:
        raise ExportError(f"{path.name}: the edit would break the article ({'; '.join(problems)})")
    section = article.section(section_id, lang)
    if section is None or question not in section.ask:
        raise ExportError(f"{path.name}: section `{section_id}` did not take the question")
    path.write_text(after, encoding="utf-8")
