"""The console adapter as a person uses it: numbered buttons, errors that keep the session going."""

from tests.conftest import json_lines, run_cli


def test_numbered_button_presses_the_button_of_the_last_response(new_db):
    result = run_cli(
        ["console", "--json", "--db", new_db("c.db")],
        stdin="/seller ask What is the late shipment rate target?\n!99\n!1\n",
    )
    assert result.returncode == 0, result.stderr
    answer, missing, pressed = json_lines(result.stdout)
    assert answer["kind"] == "answer" and answer["choices"]
    assert missing["kind"] == "error" and "no button 99" in missing["text"]
    first = answer["choices"][0]["value"]
    assert first.startswith("cmd:kb show ")
    assert pressed["kind"] != "error" and first.removeprefix("cmd:kb show ") in str(pressed)


def test_ask_shortcut_answers_one_question_in_its_language(new_db):
    result = run_cli(["ask", "迟发率的标准是多少?", "--json", "--db", new_db("c.db")])
    assert result.returncode == 0, result.stderr
    (answer,) = json_lines(result.stdout)
    assert answer["kind"] == "answer" and answer["answered"] is True
    assert "4%" in answer["answer"] and "迟发" in answer["answer"]
