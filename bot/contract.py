"""The scripting contract, typed: every `Response.kind` and the data each kind carries.

`sellerbot console --json` prints one flat JSON object per response: the common fields (`kind`,
`text`, `channel`, `ephemeral`, buttons…) with the kind's data merged in (`Response.to_contract`).
Scripts, benchmarks and outside checks read those fields, so they are declared here once, as
pydantic models: `Response.to_contract` checks `data` against them (a command that forgets or
misspells a field fails its console tests, not a user's script), and `python -m bot.schema`
derives the published JSON schema (`docs/console.schema.json`) from them.

A kind with several shapes (a `list` of reminders, of search results or of knowledge gaps) has one
model per shape; its data must match one of them. Top-level data fields are closed (an unknown key
is an error); the nested records that feature work still grows (a mailbox, a lint finding) are open.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class ResponseKind(StrEnum):
    """What a response is; a `str` enum, so the JSON carries the same plain strings as before."""

    ANSWER = "answer"
    ARTICLE = "article"
    DIALOG = "dialog"
    DRAFT = "draft"
    CASE = "case"
    REMINDER = "reminder"
    LIST = "list"
    METRICS = "metrics"
    SETTINGS = "settings"
    HELP = "help"
    INFO = "info"
    ERROR = "error"


MEANING: dict[ResponseKind, str] = {
    ResponseKind.ANSWER: "`ask`: a passage of the knowledge base, or \"I don't know\"",
    ResponseKind.ARTICLE: "`kb show`: an article or one of its sections",
    ResponseKind.DIALOG: "a step of a guided dialogue (the appeal) asking one thing",
    ResponseKind.DRAFT: "the end of an appeal dialogue: the letter, its checks and where to send it",
    ResponseKind.CASE: "a case with its deadlines and planned reminders",
    ResponseKind.REMINDER: "a reminder set, moved or delivered",
    ResponseKind.LIST: "several records (reminders, cases, appeals, search results, knowledge gaps)",
    ResponseKind.METRICS: "an account-health rate against its target",
    ResponseKind.SETTINGS: "the channel's time zone and the user's language",
    ResponseKind.HELP: "usage of the commands",
    ResponseKind.INFO: "a confirmation (cancelled, taught, reloaded, vote counted...)",
    ResponseKind.ERROR: "what was wrong and how to use the command",
}
"""What each kind is, for the published schema."""


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- nested records ---------------------------------------------------------------------------


class Alternative(_Closed):
    """Another section that competes with the best one."""

    article: str
    section: str
    title: str


class LintFinding(_Open):
    rule: str
    message: str
    fix: str
    excerpt: str | None = None


class SendTo(_Open):
    """Where an appeal goes: a mailbox and/or a Seller Central path, flagged "verify before use"."""

    email: str | None
    path: str | None
    primary: str
    note: str
    verify_before_use: bool
    marketplace: str
    purpose: str


class Deadline(_Closed):
    id: str
    label: str
    due: str = Field(description="ISO 8601 with offset")
    met: bool
    overdue: bool
    source: str | None = Field(default=None, description="the knowledge-base article the rule comes from")


class ReminderItem(_Closed):
    """A reminder as listed, cancelled or marked done."""

    reminder_id: int
    text: str
    due: str = Field(description="ISO 8601 with offset, in the channel's time zone")
    state: str
    owner: str
    case_id: int | None
    repeat: str | None = Field(description="the rule in words for a recurring reminder, null for a one-off")
    mentions: list[str]


class AppealItem(_Closed):
    id: str
    status: str
    violation: str | None
    marketplace: str | None
    store_name: str | None
    updated_at: str


class CaseTypeDeadline(_Closed):
    id: str
    label: str
    after: int = Field(description="seconds after the event it counts from")
    from_: str = Field(alias="from")
    remind_before: list[int] = Field(description="seconds before the deadline")


class CaseTypeItem(_Closed):
    type: str
    title: str
    deadlines: list[CaseTypeDeadline]
    events: list[str]


class NextDeadline(_Closed):
    id: str | None = None
    label: str
    due: str
    overdue: bool | None = None


class CaseItem(_Closed):
    case_id: int
    type: str
    owner: str
    next: NextDeadline | None
    state: str | None = None
    store: str | None = None
    marketplace: str | None = None
    note: str | None = None


class SearchResult(_Closed):
    article: str
    section: str = Field(description="the section's title")
    score: float
    coverage: float


class StaleItem(_Closed):
    article: str
    title: str
    verified_on: str
    review_due: str
    days_overdue: int


class UnansweredGap(_Closed):
    id: str
    question: str
    count: int
    last_asked: str


class NotHelpfulGap(_Closed):
    id: str
    article: str
    section: int | str = Field(description="the section's position in its article (kept for older readers; "
                                           "prefer `section_id`)")
    section_id: str | None = Field(description="the section's id, as `kb teach` and `kb show` take it "
                                               "(null for answers logged before ids were recorded)")
    section_title: str | None
    votes: int
    questions: list[str]


class Suggestion(_Closed):
    id: str
    question: str
    article: str
    section: str | None


class Taught(_Closed):
    question: str
    article: str
    section: str | None
    exported: bool


# --- per-kind data ----------------------------------------------------------------------------


class AnsweredData(_Closed):
    """`ask` found a section that answers the question."""

    answered: Literal[True]
    article: str
    title: str
    section: str
    section_title: str
    answer: str = Field(description="the passage, at most 600 characters")
    alternatives: list[Alternative] = Field(max_length=3)
    source: str = Field(description="a citation a person can check, never a file name")
    verified_on: str
    stale: bool
    lang: Literal["zh", "en"]
    related: list[str]
    answer_id: int | None
    """None when the database could not log the question (a full disk): no votes then."""


class AbstainedData(_Closed):
    """`ask` did not know: the closest topics instead."""

    answered: Literal[False]
    article: None
    title: None
    section: None
    answer: None
    alternatives: list[Alternative] = Field(max_length=0)
    source: None
    verified_on: None
    lang: Literal["zh", "en"]
    closest: list[str]
    """The closest articles, each once."""
    closest_sections: list[str]
    """The closest sections as `article#section`, best first."""


class ArticleData(_Closed):
    article: str
    section: str | None
    title: str
    lang: Literal["zh", "en"]
    source: str
    verified_on: str
    stale: bool
    review_due: str
    related: list[str]


class DialogData(_Closed):
    dialog_id: str
    flow: str
    step: str
    step_index: int
    steps_total: int | None = Field(description="how many steps the dialogue has; null while the answers so far "
                                                "do not decide it yet (before the marketplace and type are known)")
    answer_type: str
    error: str | None = Field(default=None, description="why the last answer was refused (the step is asked again)")


class DraftData(_Closed):
    draft_id: str
    text: str = Field(description="the letter")
    lint: list[LintFinding]
    send_to: SendTo
    violation: str
    marketplace: str
    language: str
    version: int
    case_id: int | None = Field(default=None, description="the case the appeal belongs to, or null")
    email: str | None = Field(default=None, description="the letter as an e-mail (subject line and body)")
    form: dict[str, str] | None = Field(default=None, description="Account Health's form boxes: root cause, actions taken, preventive measures")
    attached: list[str] | None = Field(default=None, description="the evidence listed as attached")
    editing: list[str] | None = Field(default=None, description="the steps being edited in a reopened draft (`appeal show`); "
                                                                 "the draft shown is the last finished version")


class CaseData(_Closed):
    case_id: int
    type: str
    state: str
    owner: str
    events: dict[str, str]
    deadlines: list[Deadline]
    reminders: list[str] = Field(description="the planned reminder times")
    reminder_ids: list[int]
    store: str | None = None
    marketplace: str | None = None
    note: str | None = None
    received_assumed: bool | None = Field(default=None, description="opened without a time: counted from the moment it was typed (case open), or from the "
                                                              "start of the notice day (appeal track)")


class ReminderData(_Closed):
    """A reminder set or moved (with `text` and `state`) or delivered (with `late`)."""

    reminder_id: int
    due: str
    late: bool = Field(description="delivered after its time because nothing ran")
    case_id: int | None
    owner: str
    repeat: str | None
    mentions: list[str]
    text: str | None = None
    state: str | None = None
    duplicate_of: list[int] | None = Field(default=None, description="reminders with the same text and time")


class ItemsData(_Closed):
    """A list of records, with its paging when it has one."""

    items: list[ReminderItem | CaseItem | AppealItem | CaseTypeItem]
    total: int | None = None
    page: int | None = None
    pages: int | None = None
    first: int | None = Field(default=None, description="position of the first item shown, from 1")
    last: int | None = None
    size: int | None = Field(default=None, description="items per page")
    filter: dict[str, str | None] | None = Field(default=None, description="the filters of a case list")


class SearchData(_Closed):
    results: list[SearchResult]
    would_answer: bool | None = None


class StaleData(_Closed):
    stale: list[StaleItem]
    today: str


class GapsData(_Closed):
    unanswered: list[UnansweredGap]
    not_helpful: list[NotHelpfulGap]
    suggestions: list[Suggestion]
    taught: list[Taught]


class MetricsData(_Closed):
    metric: str
    marketplace: str
    bad: int
    total: int
    rate: str
    rate_fraction: str
    target: str
    direction: str
    meets_target: bool
    more_clean: int | None
    rate_after: str | None


class SettingsData(_Closed):
    tz: str
    utc_offset: str = Field(description="the zone's offset from UTC now, +08:00 (check a zone typed as UTC+8 or 东八区)")
    default_tz: str
    channel_tz: str | None
    lang: Literal["zh", "en"]
    user_lang: Literal["zh", "en"] | None
    hours: str | None = Field(default=None, description="working hours in force, HH:MM-HH:MM")
    channel_hours: str | None = None


class NoData(_Closed):
    """A kind that carries nothing beyond the common fields."""


class DialogStatusData(_Closed):
    dialog_id: str
    status: str


class VoteData(_Closed):
    answer_id: int
    helpful: bool
    changed: bool
    alternatives: list[str] = Field(description="the other candidates offered as 'which one was right?'")


class TaughtQuestionData(_Closed):
    question: str
    lang: Literal["zh", "en"]
    article: str
    section: str


class SuggestedData(_Closed):
    """`kb suggest`: a voter's pick of the section that was right."""

    answer_id: int
    article: str
    section: str


class ExportData(_Closed):
    exported: int
    problems: list[str]


class StatsData(_Closed):
    articles: int
    sections: int = Field(description="the number of sections (this response has no `sections` list)")
    stale: int
    answered_pct: int | None
    load_errors: list[str]
    asks: int
    answered: int
    unanswered: int
    helpful: int
    not_helpful: int


class ReloadedData(_Closed):
    reloaded: Literal[True]
    articles: int
    sections: int = Field(description="the number of sections (this response has no `sections` list)")


class ReloadRefusedData(_Closed):
    reloaded: Literal[False]
    errors: list[str]
    articles: int = Field(description="the articles of the knowledge base still in service")


DATA: dict[ResponseKind, tuple[type[BaseModel], ...]] = {
    ResponseKind.ANSWER: (AnsweredData, AbstainedData),
    ResponseKind.ARTICLE: (ArticleData,),
    ResponseKind.DIALOG: (DialogData,),
    ResponseKind.DRAFT: (DraftData,),
    ResponseKind.CASE: (CaseData,),
    ResponseKind.REMINDER: (ReminderData,),
    ResponseKind.LIST: (ItemsData, SearchData, StaleData, GapsData),
    ResponseKind.METRICS: (MetricsData,),
    ResponseKind.SETTINGS: (SettingsData,),
    ResponseKind.HELP: (NoData,),
    ResponseKind.INFO: (DialogStatusData, ReminderItem, VoteData, TaughtQuestionData, SuggestedData, ExportData,
                        StatsData, ReloadedData),
    ResponseKind.ERROR: (NoData, ReloadRefusedData),
}
"""The shapes of `data` each kind may carry."""


@cache
def _adapter(kind: ResponseKind) -> TypeAdapter[Any]:
    models = DATA[kind]
    union: Any = models[0]
    for model in models[1:]:
        union = union | model
    return TypeAdapter(union)


def check_data(kind: ResponseKind, data: dict[str, Any]) -> None:
    """Raises pydantic's ValidationError when `data` matches none of the kind's shapes."""
    _adapter(kind).validate_python(data)
