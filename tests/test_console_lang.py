"""The console's language and its own errors: the interface language is --lang (or the user's
`settings lang`), never guessed from what is typed."""

from adapters.console import _numbered_press, parse_line
from bot.model import Request, Response


def lang_of(line: str, lang: str = "zh") -> str:
    req = parse_line(line, root="seller", user="u", channel="c", lang=lang)
    assert isinstance(req, Request)
    return req.lang


def test_command_and_action_words_do_not_switch_a_chinese_interface_to_english():
    for line in ("/seller appeal start", "/seller remind list", "/seller case types", "/seller kb stats",
                 "/seller appeal cancel"):
        assert lang_of(line) == "zh", line


def test_what_the_user_writes_never_switches_the_interface_language():
    """Typed ids (`help remind`, `kb show order-defect-rate`) said "English" to the old guess; only
    `ask` answers follow the question's language, which the command itself decides."""
    for line in ("/seller help remind", "/seller kb show order-defect-rate", "/seller metrics odr 2 126",
                 "/seller settings tz Asia/Shanghai", "/seller remind tomorrow 9am send the appeal"):
        assert lang_of(line) == "zh", line
    assert lang_of("/seller ask 订单缺陷率是多少", lang="en") == "en"
    assert lang_of("the answer to a dialogue step") == "zh"


def test_console_errors_follow_the_interface_language():
    foreign = parse_line("/other thing", root="seller", user="u", channel="c", lang="zh")
    assert isinstance(foreign, Response) and "命令以 /seller 开头" in foreign.text
    assert foreign.context == ["用法：/seller help"]
    press = parse_line("!3", root="seller", user="u", channel="c", lang="zh")
    no_buttons = _numbered_press(press, [], "zh")
    assert isinstance(no_buttons, Response) and "还没有消息显示过按钮" in no_buttons.text
    too_far = _numbered_press(press, ["a", "b"], "en")
    assert isinstance(too_far, Response) and "no button 3" in too_far.text and "it had 2" in too_far.text


def test_text_outside_a_dialogue_points_to_help_in_the_interface_language(new_db):
    from tests.conftest import json_lines, run_cli

    db = new_db("console.db")
    for lang, words in (("zh", ("输入 /seller 帮助 查看所有命令", "用法：/seller 帮助")),
                        ("en", ("Type /seller help to see the commands", "Usage: /seller help"))):
        result = run_cli(["console", "--json", "--lang", lang, "--db", str(db)], stdin="hello\n")
        [shown] = json_lines(result.stdout)
        assert words[0] in shown["text"] and shown["context"][0] == words[1], shown
