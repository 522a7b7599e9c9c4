"""The dispatcher's contract: routing, usage errors with examples, permissions, failures hidden."""

import logging

from bot.dispatcher import MAX_INPUT_CHARS
from bot.model import Request, Response
from tests.conftest import json_lines, run_cli


async def test_help_lists_commands_in_the_users_language(ask):
    en = await ask("help")
    zh = await ask("help", lang="zh")
    assert en.kind == "help" and "/seller help" in en.sections[0].text
    assert "查看所有命令" in zh.sections[0].text


async def test_unknown_command_names_the_commands_and_how_to_get_help(ask):
    response = await ask("frobnicate now")
    assert response.kind == "error"
    assert "frobnicate" in response.text and "help" in response.text
    assert any(line.startswith("Usage: /seller help") for line in response.context)


async def test_help_for_unknown_command_is_a_usage_error(ask):
    response = await ask("help nothing-here")
    assert response.kind == "error" and "nothing-here" in response.text
    assert "Example: /seller help ask" in response.context


async def test_empty_command_shows_help(ask):
    response = await ask("   ")
    assert response.kind == "help"


async def test_too_long_input_is_refused_clearly(ask):
    response = await ask("help " + "x" * (MAX_INPUT_CHARS + 1))
    assert response.kind == "error" and "too long" in response.text


async def test_control_characters_are_removed_before_routing(ask):
    response = await ask("\x00he\u200blp\x07")
    assert response.kind == "help"


async def test_plain_message_outside_a_dialogue_is_not_answered(services):
    assert await services.dispatcher.handle(Request(kind="message", text="hello there")) is None


async def test_subcommands_route_and_unknown_actions_list_the_actions(ask, temporary_command):
    cmd = temporary_command("widget")

    @cmd.action("spin")
    async def spin(ctx):
        return Response(kind="info", text=f"spun {ctx.args}")

    assert (await ask("widget spin 3")).text == "spun 3"
    response = await ask("widget fly")
    assert response.kind == "error" and "spin" in response.text


async def test_curator_only_actions_are_refused_for_others_and_allowed_for_curators(ask, temporary_command, services):
    cmd = temporary_command("vault")

    @cmd.action("open", curator=True)
    async def open_(ctx):
        return Response(kind="info", text="opened")

    refused = await ask("vault open", platform="slack", user="U1")
    assert refused.kind == "error" and "curator" in refused.text.lower()
    services.config.curator_roles = ["S0CURATORS"]
    assert (await ask("vault open", platform="slack", user="U2", roles=["Curator"])).kind == "error"  # a name
    assert (await ask("vault open", platform="slack", user="U2", roles=["S0CURATORS"])).text == "opened"
    assert (await ask("vault open", platform="discord", user="U3", is_admin=True)).text == "opened"
    services.config.curators.append("slack:U4")
    assert (await ask("vault open", platform="slack", user="U4")).text == "opened"


async def test_a_crash_is_hidden_behind_a_reference_and_logged(ask, temporary_command, caplog):
    cmd = temporary_command("boom")

    @cmd.action("now")
    async def now(ctx):
        raise RuntimeError("secret internals")

    with caplog.at_level(logging.ERROR, logger="sellerbot"):
        response = await ask("boom now")
    assert response.kind == "error" and "Reference" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert any("secret internals" in (r.exc_text or str(r.exc_info)) for r in caplog.records)


async def test_button_with_a_command_value_runs_that_command(services):
    response = await services.dispatcher.handle(Request(kind="choice", values=["cmd:help"]))
    assert response.kind == "help"


def test_console_json_contract_end_to_end(new_db):
    result = run_cli(
        ["console", "--json", "--db", new_db("c.db"), "--channel", "C1"],
        stdin="/seller help\n/seller nope\n/remind me\nstray text\n!choice cmd:help\n",
    )
    assert result.returncode == 0, result.stderr
    out = json_lines(result.stdout)
    assert [o["kind"] for o in out] == ["help", "error", "error", "error", "help"]
    assert all(o["channel"] == "C1" and "ephemeral" in o and "text" in o for o in out)
    assert "Commands start with /seller" in out[2]["text"]


def test_bad_configuration_is_reported_without_a_trace(new_db):
    result = run_cli(["console", "--db", new_db("c.db")], env={"SELLERBOT_TZ": "Mars/Base"})
    assert result.returncode == 2
    assert "Mars/Base" in result.stderr and "Traceback" not in result.stderr


async def test_usage_errors_are_labelled_in_the_users_language(ask):
    zh = await ask("metrics", lang="zh")
    assert zh.kind == "error" and "请指定指标" in zh.text
    assert zh.context == ["用法：/seller 指标 订单缺陷率|迟发率|取消率|有效追踪率 <不达标数> <总数> [站点]",
                          "示例：/seller 指标 订单缺陷率 2 126"]
    unbalanced = await ask('remind "明天 提交', lang="zh")
    assert unbalanced.kind == "error" and "引号" in unbalanced.text


async def test_a_misused_action_shows_an_example_of_that_action_not_of_another(ask):
    snooze = await ask("remind snooze 12")
    assert "Example: /seller remind snooze 12 1h" in snooze.context
    show = await ask("appeal show")
    assert "Example: /seller appeal show AP-3" in show.context
    shown = await ask("case show")  # an action without an example of its own gets none
    assert shown.kind == "error" and shown.context == ["Usage: /seller case show <id>"]
