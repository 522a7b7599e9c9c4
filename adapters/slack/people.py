"""Who is asking: name, interface language, admin flag and user-group ids of a Slack user.

One `users.info` per user (and one `usergroups.list` per workspace) every ten minutes at most,
looked up after the acknowledgement, so Slack's 3-second budget is never spent here. A failed
lookup (missing scope, Slack hiccup) degrades to "an English-speaking non-admin", never to an error.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("sellerbot.slack")

CACHE_S = 600.0
"""Monotonic seconds, not the injected clock: this is a cache's freshness, not business time."""


@dataclass
class Person:
    user: str
    name: str | None = None
    lang: str = "en"
    is_admin: bool = False
    roles: list[str] = field(default_factory=list)


def lang_of_locale(locale: str | None) -> str:
    return "zh" if (locale or "").lower().startswith("zh") else "en"


class Directory:
    def __init__(self, client: AsyncWebClient):
        self.client = client
        self._people: dict[str, tuple[float, Person]] = {}
        self._groups: tuple[float, dict[str, list[str]]] | None = None

    async def person(self, user: str, name_hint: str | None = None) -> Person:
        cached = self._people.get(user)
        if cached and time.monotonic() - cached[0] < CACHE_S:
            return cached[1]
        person = Person(user=user, name=name_hint)
        try:
            info = (await self.client.users_info(user=user, include_locale=True))["user"]
            profile = info.get("profile") or {}
            person.name = profile.get("display_name") or info.get("real_name") or info.get("name") or name_hint
            person.lang = lang_of_locale(info.get("locale"))
            person.is_admin = bool(info.get("is_admin") or info.get("is_owner"))
        except (SlackApiError, KeyError, TypeError) as exc:
            log.warning("users.info failed for %s: %s", user, exc)
        except Exception as exc:  # a network failure must not cost the user an answer
            log.warning("users.info unreachable for %s: %s", user, exc)
        person.roles = (await self._group_ids()).get(user, [])
        self._people[user] = (time.monotonic(), person)
        return person

    async def _group_ids(self) -> dict[str, list[str]]:
        """User id -> ids of the user groups they belong to (curator roles on Slack). Ids, not
        handles: a member may be able to create a group with the handle a curator role names."""
        if self._groups and time.monotonic() - self._groups[0] < CACHE_S:
            return self._groups[1]
        members: dict[str, list[str]] = {}
        try:
            groups = (await self.client.usergroups_list(include_users=True))["usergroups"]
            for group in groups or []:
                for user in group.get("users") or []:
                    if group.get("id"):
                        members.setdefault(user, []).append(group["id"])
        except Exception as exc:  # no usergroups:read scope, or Slack unreachable: no roles
            log.info("usergroups.list unavailable: %s", exc)
        self._groups = (time.monotonic(), members)
        return members
