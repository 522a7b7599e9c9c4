"""Nobody touches another channel's or workspace's work (issue 13, items 1 and 8).

The matrix: every command that reads or changes a stored object (case, reminder, appeal dialogue and
draft, answer voted on, channel setting) × who asks:

- `same user`: the one who made it, where it was made;
- `same channel`: another user in that channel (the team works together: may read and update);
- `other channel`: another user in another channel of the workspace;
- `other workspace`: the same user id and channel id in another workspace (a Slack shared channel);
- `curator`: a workspace admin, from another channel of the workspace.

Who may not reach an object is told it does not exist, in exactly the words of a missing id.
Everything goes through the real dispatcher and SQLite database; the console is not a curator here
(SELLERBOT_CONSOLE_IS_CURATOR=false), and the platform is Slack-shaped (ids, team, admin flag).
"""

from __future__ import annotations

import pytest

from bot.model import Request
from tests.conftest import json_lines, run_cli
from tests.test_appeal_dialog import answer_until

ACTORS = {
    "same user": dict(user="U1", channel="C1", workspace="T1"),
    "same channel": dict(user="U2", channel="C1", workspace="T1"),
    "other channel": dict(user="U3", channel="C2", workspace="T1"),
    "other workspace": dict(user="U1", channel="C1", workspace="T2"),
    "curator": dict(user="U9", channel="C2", workspace="T1", is_admin=True),
}
OK, NOT_FOUND, DENIED = "ok", "not found", "denied"


def not_found(kind: str, object_id: int) -> str:
    """The error for an id that does not exist (checked against a real missing id below)."""
    return {
        "case": f"There is no case #{object_id}.",
        "reminder": f"There is no reminder #{object_id}.",
        "appeal": f"No appeal of yours has the ID `AP-{object_id}`. See /seller appeal list.",
        "answer": f"There is no answer number {object_id}.",
        "suggestion": "That answer or section does not exist.",
    }[kind]


class World:
    def __init__(self, services):
        self.svc = services
        services.config.console_is_curator = False

    async def send(self, actor: str, text: str, kind: str = "command", values=()):
        fields = {"platform": "slack", **ACTORS[actor]}
        return await self.svc.dispatcher.handle(Request(kind=kind, text=text, values=list(values), **fields))

    async def make(self, kind: str) -> int:
        if kind == "case":
            r = await self.send("same user", "case open messaging-warning owner <@U1>")
            return r.data["case_id"]
        if kind == "reminder":
            r = await self.send("same user", "remind in 3 hours call the buyer")
            return r.data["reminder_id"]
        if kind == "appeal":
            r = await self.send("same user", "appeal start odr")
            assert r.kind == "dialog"
            return self.svc.dialogs.store.active("slack", "U1", "C1").id
        if kind in ("answer", "suggestion"):
            r = await self.send("same user", "ask What is the maximum order defect rate?")
            return r.data["answer_id"]
        raise AssertionError(kind)


# (command template, object kind, expected outcome per actor)
MATRIX = [
    ("case show {id}", "case", {"same user": OK, "same channel": OK, "other channel": NOT_FOUND,
                                "other workspace": NOT_FOUND, "curator": OK}),
    ("case update {id} appeal sent", "case", {"same user": OK, "same channel": OK, "other channel": NOT_FOUND,
                                              "other workspace": NOT_FOUND, "curator": OK}),
    ("case update {id} owner <@U3>", "case", {"same user": OK, "same channel": DENIED, "other channel": NOT_FOUND,
                                              "other workspace": NOT_FOUND, "curator": OK}),
    ("case update {id} owner <@U2>", "case", {"same user": OK, "same channel": DENIED, "other channel": NOT_FOUND,
                                              "other workspace": NOT_FOUND, "curator": OK}),
    ("case close {id}", "case", {"same user": OK, "same channel": DENIED, "other channel": NOT_FOUND,
                                 "other workspace": NOT_FOUND, "curator": OK}),
    ("remind cancel {id}", "reminder", {"same user": OK, "same channel": DENIED, "other channel": NOT_FOUND,
                                        "other workspace": NOT_FOUND, "curator": OK}),
    ("remind snooze {id} 1h", "reminder", {"same user": OK, "same channel": DENIED, "other channel": NOT_FOUND,
                                           "other workspace": NOT_FOUND, "curator": OK}),
    ("appeal show AP-{id}", "appeal", {"same user": OK, "same channel": NOT_FOUND, "other channel": NOT_FOUND,
                                       "other workspace": NOT_FOUND, "curator": OK}),
    ("appeal resume AP-{id}", "appeal", {"same user": OK, "same channel": NOT_FOUND, "other channel": NOT_FOUND,
                                         "other workspace": NOT_FOUND, "curator": DENIED}),
    ("appeal cancel AP-{id}", "appeal", {"same user": OK, "same channel": NOT_FOUND, "other channel": NOT_FOUND,
                                         "other workspace": NOT_FOUND, "curator": OK}),
    ("feedback {id} not-helpful", "answer", {"same user": OK, "same channel": OK, "other channel": NOT_FOUND,
                                             "other workspace": NOT_FOUND, "curator": OK}),
    ("kb suggest {id} {ref}", "suggestion", {"same user": OK, "same channel": OK, "other channel": NOT_FOUND,
                                              "other workspace": NOT_FOUND, "curator": OK}),
]


DENIALS = {
    "case update {id} owner <@U3>": "Only the case's owner or opener (@U1) or a curator can change the owner of case #{id}.",
    "case update {id} owner <@U2>": "Only the case's owner or opener (@U1) or a curator can change the owner of case #{id}.",
    "case close {id}": "Only the case's owner or opener (@U1) or a curator can close case #{id}.",
    "remind cancel {id}": "Only the reminder's author or the people it reminds (@U1) or a curator can change reminder #{id}.",
    "remind snooze {id} 1h": "Only the reminder's author or the people it reminds (@U1) or a curator can change reminder #{id}.",
    "appeal resume AP-{id}": "AP-{id} is @U1's appeal: only they can resume it (that would take their dialogue over). "
                             "You can see it with /seller appeal show AP-{id}, or start your own with /seller appeal.",
}
"""What a refusal says: the rule that applies (owner, opener, author or curator), never a bare "only curators"."""


def _cells():
    for template, kind, expected in MATRIX:
        for actor, outcome in expected.items():
            yield pytest.param(template, kind, actor, outcome, id=f"{template.split(' {')[0]}|{actor}")


@pytest.mark.parametrize("template,kind,actor,outcome", list(_cells()))
async def test_matrix(services, template, kind, actor, outcome):
    world = World(services)
    object_id = await world.make(kind)
    before = _snapshot(services, kind, object_id)
    answer = services.kb.store.answer(object_id) if kind == "suggestion" else None
    ref = f"{answer['article']}#{answer['section_id']}" if answer else ""
    response = await world.send(actor, template.format(id=object_id, ref=ref))
    if outcome == OK:
        assert response.kind != "error", response.text
    elif outcome == DENIED:
        assert response.kind == "error" and response.text == DENIALS[template].format(id=object_id)
    else:
        assert response.kind == "error" and response.text == not_found(kind, object_id)
        missing = await world.send(actor, template.format(id=object_id + 1000, ref=ref))
        assert missing.text == not_found(kind, object_id + 1000)  # the very words of a missing id
    if outcome != OK:
        assert _snapshot(services, kind, object_id) == before, "a refused command changed the object"


def _snapshot(services, kind: str, object_id: int):
    table = {"case": "cases", "reminder": "reminders", "appeal": "dialogs", "answer": "kb_votes",
             "suggestion": "kb_suggestions"}[kind]
    key = "answer_id" if kind in ("answer", "suggestion") else "id"
    return services.store.query(f"SELECT * FROM {table} WHERE {key} = ? ORDER BY 1", [object_id])


@pytest.mark.parametrize("actor,sees", [("same user", True), ("same channel", True), ("other channel", False),
                                        ("other workspace", False), ("curator", False)])
async def test_lists_show_only_this_channel_of_this_workspace(services, actor, sees):
    """`case list` and `remind list` are the channel's; a curator elsewhere lists their own channel."""
    world = World(services)
    case_id, reminder_id = await world.make("case"), await world.make("reminder")
    cases = await world.send(actor, "case list")
    reminders = await world.send(actor, "remind list")
    assert (case_id in [i["case_id"] for i in cases.data["items"]]) is sees
    assert (reminder_id in [i["reminder_id"] for i in reminders.data["items"]]) is sees


@pytest.mark.parametrize("actor,sees", [("same user", True), ("same channel", False), ("other channel", False),
                                        ("other workspace", False)])
async def test_appeal_list_and_bare_resume_are_the_users_own_in_this_workspace(services, actor, sees):
    world = World(services)
    await world.make("appeal")
    listed = await world.send(actor, "appeal list")
    assert bool(listed.data["items"]) is sees
    resumed = await world.send(actor, "appeal resume")
    assert (resumed.kind != "error") is sees


async def test_a_finished_draft_is_shown_to_its_owner_and_curators_only(services):
    world = World(services)

    class Chat:  # the owner, in the shape appeal_helpers.answer_until drives
        async def cmd(self, text):
            return await world.send("same user", text)

        async def say(self, text):
            return await world.send("same user", text, kind="message")

        async def press(self, *values):
            return await world.send("same user", "", kind="choice", values=values)

    chat = Chat()
    await answer_until(chat, await chat.cmd("appeal start odr"), "review")
    draft = await chat.press("done")
    assert draft.kind == "draft" and draft.ephemeral  # personal: never posted for the channel to see
    label = draft.data["draft_id"]
    shown = await world.send("curator", f"appeal show {label}")
    assert shown.kind == "draft" and shown.ephemeral
    for actor in ("same channel", "other channel", "other workspace"):
        refused = await world.send(actor, f"appeal show {label}")
        assert refused.text == not_found("appeal", int(label.split("-")[1])), actor


async def test_a_channel_setting_belongs_to_its_workspace(services):
    world = World(services)
    await world.send("same user", "settings tz Asia/Shanghai")
    assert (await world.send("same channel", "settings")).data["tz"] == "Asia/Shanghai"
    assert (await world.send("other workspace", "settings")).data["channel_tz"] is None  # same channel id, T2
    assert (await world.send("other channel", "settings")).data["channel_tz"] is None
    await world.send("other workspace", "settings tz Europe/Paris")
    assert (await world.send("same user", "settings")).data["tz"] == "Asia/Shanghai"


async def test_the_creator_cannot_reach_a_case_from_another_channel_either(services):
    world = World(services)
    case_id = await world.make("case")
    elsewhere = await world.svc.dispatcher.handle(Request(text=f"case show {case_id}", platform="slack",
                                                          user="U1", channel="C2", workspace="T1"))
    assert elsewhere.text == not_found("case", case_id)


async def test_curator_roles_count_by_id_never_by_name_or_handle(services):
    """Issue 13, item 8: a user group whose *handle* is `admin` (which a member may create) grants
    nothing; the group named by id in SELLERBOT_CURATOR_ROLES does."""
    world = World(services)
    case_id = await world.make("case")
    services.config.curator_roles = ["S0CURATORS"]
    by_handle = await services.dispatcher.handle(Request(text=f"case show {case_id}", platform="slack", user="U5",
                                                         channel="C2", workspace="T1", roles=["admin", "curator"]))
    assert by_handle.text == not_found("case", case_id)
    by_id = await services.dispatcher.handle(Request(text=f"case show {case_id}", platform="slack", user="U5",
                                                     channel="C2", workspace="T1", roles=["S0CURATORS"]))
    assert by_id.kind == "case"
    services.config.curators = ["slack:U6"]  # a listed user is a curator too
    listed = await services.dispatcher.handle(Request(text=f"case close {case_id}", platform="slack", user="U6",
                                                      channel="C2", workspace="T1"))
    assert listed.kind == "case"


def test_the_console_honours_workspace_and_console_is_curator(new_db):
    """Through the console contract: `--workspace` scopes, and with SELLERBOT_CONSOLE_IS_CURATOR=false the
    local operator is an ordinary user."""
    db = new_db("c.db")
    opened = run_cli(["console", "--json", "--db", db, "--workspace", "T1", "--channel", "C1", "--user", "U1"],
                     stdin="/seller case open messaging-warning\n")
    [case] = json_lines(opened.stdout)
    env = {"SELLERBOT_CONSOLE_IS_CURATOR": "false"}
    stdin = f"/seller case show {case['case_id']}\n"
    elsewhere = run_cli(["console", "--json", "--db", db, "--workspace", "T2", "--channel", "C1", "--user", "U1"],
                        stdin=stdin, env=env)
    assert json_lines(elsewhere.stdout)[0]["text"] == not_found("case", case["case_id"])
    other_channel = run_cli(["console", "--json", "--db", db, "--workspace", "T1", "--channel", "C2"],
                            stdin=stdin, env=env)
    assert json_lines(other_channel.stdout)[0]["kind"] == "error"
    operator = run_cli(["console", "--json", "--db", db, "--workspace", "T1", "--channel", "C2"], stdin=stdin)
    assert json_lines(operator.stdout)[0]["kind"] == "case"  # the console operator is a curator by default


async def test_a_curator_who_tries_to_resume_someone_elses_appeal_leaves_it_with_its_owner(services):
    """It was: a curator's `appeal resume AP-n` moved the owner's dialogue to the curator's channel
    (the owner's next answer went nowhere). Now the curator is told to look instead, without a
    Resume button, and the owner goes on answering where they were."""
    world = World(services)
    dialog_id = await world.make("appeal")
    shown = await world.send("curator", f"appeal show AP-{dialog_id}")
    assert shown.kind == "info" and shown.choices == []  # no Resume button for someone else's appeal
    refused = await world.send("curator", f"appeal resume AP-{dialog_id}")
    assert refused.kind == "error" and refused.text.startswith(f"AP-{dialog_id} is @U1's appeal")
    state = services.dialogs.store.active("slack", "U1", "C1")
    assert state is not None and state.id == dialog_id and state.status == "active"
    step = state.current_step
    answered = await world.send("same user", "", kind="choice", values=["amazon-us"])
    assert answered.kind == "dialog" and services.dialogs.store.get(dialog_id).current_step != step
