"""Whatever a user types after `remind` or `case`, the answer is a response, never a crash."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WORDS = st.sampled_from([
    "tomorrow", "9am", "in", "2", "hours", "明天", "上午10点", "3天后", "下周一", "snooze", "cancel", "list",
    "open", "update", "close", "show", "types", "messaging-warning", "received", "owner", "@ana", "appeal",
    "sent", "已申诉", "#1", "1", "-1", "99999999999999999999", "{{", "'", '"', "\\", "<@U1>", "2026-13-45",
])
LINES = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=8).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(["remind", "case", "settings"]), rest=LINES)
async def test_no_input_crashes_the_reminder_commands(ask, command, rest):
    response = await ask(f"{command} {rest}")
    assert response is not None
    assert "Reference" not in response.text, (command, rest, response.text)
