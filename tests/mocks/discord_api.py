"""A stand-in for Discord's REST API on 127.0.0.1 that records every call, and the gateway payloads
Discord would send for the interactions a user makes.

The server answers what discord.py asks for: `GET /users/@me` and `/oauth2/applications/@me`
(login), `PUT` application commands (sync), interaction callbacks (`POST
/interactions/{id}/{token}/callback`), webhook follow-ups and edits of the original response, and
channel messages (which honour `nonce` + `enforce_nonce` as Discord does). JSON bodies go out with
a Content-Type of exactly `application/json`, as discord.py requires. `fail()` makes the next
matching call answer with an error (a 429 carries the `Via` header Discord's edge adds, without
which discord.py takes a 429 for a Cloudflare ban).

A minimal gateway on `/gateway` (websocket) says HELLO, records IDENTIFY, sends READY and a
GUILD_CREATE (roles included, so role names resolve), answers heartbeats, and can push
INTERACTION_CREATE dispatches (`gateway_send`).

Payload builders (`slash`, `autocomplete`, `press`, `select`, `submit`) make INTERACTION_CREATE
payloads shaped like the real ones, for `client._connection.parse_interaction_create(...)`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

APP_ID = 1_200_000_000_000_000_001
BOT_ID = 1_200_000_000_000_000_002
GUILD_ID = 1_200_000_000_000_000_003
CHANNEL_ID = 1_200_000_000_000_000_004
OWNER_ID = 1_200_000_000_000_000_005
ROLE_CURATOR_ID = 1_200_000_000_000_000_006
AGENT_ID = 1_200_000_000_000_000_010
ALL_PERMISSIONS_BUT_ADMIN = str((1 << 46) - 1 & ~(1 << 3) & ~(1 << 5))
"""Plenty of permissions, but neither Administrator (bit 3) nor Manage Server (bit 5)."""


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: dict[str, bytes] = field(default_factory=dict)
    filenames: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    status: int
    body: Any
    headers: dict[str, str]
    times: int


@dataclass
class Interaction:
    id: int
    token: str
    message_id: int | None = None
    """The message a component or modal came from."""
    original_id: int | None = None
    """The message the interaction's own response created."""


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json", **(headers or {})}
    )


def user(user_id: int = AGENT_ID, name: str = "agent", *, bot: bool = False) -> dict:
    return {"id": str(user_id), "username": name, "discriminator": "0", "global_name": name.title(),
            "avatar": None, "bot": bot, "public_flags": 0}


class MockDiscordAPI:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: dict[int, dict] = {}
        self.faults: list[Fault] = []
        self.interactions: dict[int, Interaction] = {}
        self.base = ""
        self._ids = itertools.count(1_300_000_000_000_000_000)
        self._runner: web.AppRunner | None = None
        self.gateway_url = ""
        self.identified: list[dict] = []
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = 0
        self.roles: list[dict] = [
            {"id": str(GUILD_ID), "name": "@everyone", "permissions": "0", "position": 0},
            {"id": str(ROLE_CURATOR_ID), "name": "Curator", "permissions": "0", "position": 1},
        ]

    # --- server -----------------------------------------------------------------------------
    async def start(self) -> "MockDiscordAPI":
        app = web.Application()
        app.router.add_route("*", "/api/v10/{tail:.*}", self._handle)
        app.router.add_get("/gateway", self._gateway)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}/api/v10"
        self.gateway_url = f"ws://127.0.0.1:{port}/gateway"
        return self

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def fail(self, method: str, path: str, status: int, body: Any = None, *, headers: dict | None = None, times: int = 1) -> None:
        """Make the next `times` calls matching `method` and the `path` regex answer `status`."""
        if status == 429:
            body = body or {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}
            headers = {"Via": "1.1 google", "Retry-After": "1", "X-RateLimit-Scope": "user", **(headers or {})}
        self.faults.append(Fault(method, re.compile(path), status, body or {"message": "error", "code": 0}, headers or {}, times))

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 20.0) -> Any:
        """Poll until `predicate()` is truthy (the bot works in background tasks)."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; calls so far: {[(c.method, c.path) for c in self.calls]}")
            await asyncio.sleep(0.01)

    def calls_to(self, method: str, pattern: str) -> list[Call]:
        regex = re.compile(pattern)
        return [c for c in self.calls if c.method == method and regex.fullmatch(c.path)]

    def callbacks(self, interaction_id: int | None = None) -> list[dict]:
        """The interaction callbacks received (their JSON payloads), oldest first."""
        pattern = rf"interactions/{interaction_id or '[0-9]+'}/[^/]+/callback"
        return [c.json for c in self.calls_to("POST", pattern)]

    def followups(self, token: str | None = None) -> list[dict]:
        return [c.json for c in self.calls_to("POST", rf"webhooks/{APP_ID}/{token or '[^/]+'}")]

    def latest(self) -> dict:
        """The message created most recently (by a callback, a follow-up or a post)."""
        return self.messages[max(self.messages)]

    def original(self, payload: dict) -> dict:
        """The message an interaction's own response created."""
        return self.messages[self.interactions[int(payload["id"])].original_id]  # type: ignore[index]

    def channel_posts(self, channel_id: int = CHANNEL_ID) -> list[Call]:
        return self.calls_to("POST", rf"channels/{channel_id}/messages")

    # --- gateway --------------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for frame in ws:
            message = json.loads(frame.data)
            if message["op"] == 1:
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif message["op"] == 2:
                self.identified.append(message["d"])
                await self._send(ws, "READY", {
                    "v": 10, "user": user(BOT_ID, "sellerbot", bot=True), "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
                    "session_id": "mock-session", "resume_gateway_url": self.gateway_url,
                    "application": {"id": str(APP_ID), "flags": 0}, "private_channels": [], "relationships": [],
                })
                await self._send(ws, "GUILD_CREATE", self._guild())
        self._sockets.remove(ws)
        return ws

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict) -> None:
        self._seq += 1
        await ws.send_json({"op": 0, "t": event, "s": self._seq, "d": data})

    async def gateway_send(self, event: str, data: dict) -> None:
        """Push a dispatch (e.g. INTERACTION_CREATE) to every connected client."""
        for ws in list(self._sockets):
            await self._send(ws, event, data)

    def _guild(self) -> dict:
        channel = self._channel(CHANNEL_ID)
        return {
            "id": str(GUILD_ID), "name": "Account health team", "icon": None, "owner_id": str(OWNER_ID),
            "roles": [{"color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0, "icon": None,
                       "unicode_emoji": None, **role} for role in self.roles],
            "emojis": [], "stickers": [], "features": [], "channels": [channel], "threads": [], "members": [],
            "voice_states": [], "presences": [], "stage_instances": [], "guild_scheduled_events": [],
            "soundboard_sounds": [], "member_count": 3, "large": False, "unavailable": False,
            "joined_at": "2025-01-01T00:00:00+00:00", "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0, "premium_tier": 0,
            "preferred_locale": "en-US", "afk_timeout": 300, "system_channel_flags": 0,
        }

    # --- request handling -------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        path = request.match_info["tail"]
        call = await self._record(request, path)
        for fault in self.faults:
            if fault.times > 0 and fault.method == request.method and fault.path.fullmatch(path):
                fault.times -= 1
                return _json(fault.body, fault.status, fault.headers)
        m = request.method
        if m == "GET" and path == "users/@me":
            return _json(user(BOT_ID, "sellerbot", bot=True) | {"verified": True, "mfa_enabled": False, "flags": 0})
        if m == "GET" and path == "oauth2/applications/@me":
            return _json(self._application())
        if m == "PUT" and (match := re.fullmatch(rf"applications/{APP_ID}(?:/guilds/(\d+))?/commands", path)):
            return _json([self._registered(cmd, match[1]) for cmd in call.json])
        if m == "POST" and (match := re.fullmatch(r"interactions/(\d+)/([^/]+)/callback", path)):
            return self._callback(int(match[1]), call.json)
        if match := re.fullmatch(rf"webhooks/{APP_ID}/([^/]+)(?:/messages/(@original|\d+))?", path):
            return self._webhook(m, match[1], match[2], call.json)
        if m == "POST" and (match := re.fullmatch(r"channels/(\d+)/messages", path)):
            return self._channel_message(int(match[1]), call)
        return _json({"message": f"404: no mock for {m} {path}", "code": 0}, 404)

    async def _record(self, request: web.Request, path: str) -> Call:
        body: Any = None
        files: dict[str, bytes] = {}
        filenames: list[str] = []
        if request.content_type == "application/json":
            body = await request.json()
        elif request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":  # type: ignore[union-attr]
                    body = json.loads(data)
                else:
                    files[part.filename or part.name] = bytes(data)  # type: ignore[union-attr]
                    filenames.append(part.filename or "")  # type: ignore[union-attr]
        call = Call(request.method, path, dict(request.query), body, files, filenames, dict(request.headers))
        self.calls.append(call)
        return call

    def _application(self) -> dict:
        return {"id": str(APP_ID), "name": "sellerbot", "description": "", "icon": None, "bot_public": False,
                "bot_require_code_grant": False, "owner": user(OWNER_ID, "owner"), "verify_key": "0" * 64,
                "flags": 0, "summary": "", "team": None}

    def _registered(self, command: dict, guild_id: str | None) -> dict:
        return {**command, "id": str(next(self._ids)), "application_id": str(APP_ID), "version": "1",
                "guild_id": guild_id, "default_member_permissions": None, "type": command.get("type", 1)}

    def _message(self, channel_id: int, payload: dict, *, flags: int = 0, nonce: str | None = None) -> dict:
        message_id = next(self._ids)
        message = {
            "id": str(message_id), "channel_id": str(channel_id), "author": user(BOT_ID, "sellerbot", bot=True),
            "content": payload.get("content") or "", "timestamp": "2026-11-24T09:00:00.000000+00:00",
            "edited_timestamp": None, "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": payload.get("embeds") or [], "components": payload.get("components") or [],
            "pinned": False, "type": 0, "flags": flags | int(payload.get("flags") or 0),
            "application_id": str(APP_ID), "nonce": nonce,
        }
        self.messages[message_id] = message
        return message

    def _callback(self, interaction_id: int, payload: dict) -> web.Response:
        known = self.interactions.setdefault(interaction_id, Interaction(interaction_id, ""))
        kind = payload["type"]
        data = payload.get("data") or {}
        resource: dict[str, Any] = {"type": kind}
        loading = False
        if kind in (4, 5):  # a message, or "thinking" until the follow-up
            loading = kind == 5
            message = self._message(CHANNEL_ID, data, flags=128 if loading else 0)
            known.original_id = int(message["id"])
            resource["message"] = message
        elif kind == 7 and known.message_id in self.messages:  # update the component's message
            message = self.messages[known.message_id]
            message.update({k: v for k, v in data.items() if k in ("content", "embeds", "components")})
            resource["message"] = message
        body = {"interaction": {"id": str(interaction_id), "type": 2, "response_message_loading": loading,
                                "response_message_ephemeral": bool(int(data.get("flags") or 0) & 64),
                                **({"response_message_id": str(known.original_id)} if known.original_id else {})},
                "resource": resource}
        return _json(body)

    def _webhook(self, method: str, token: str, message_ref: str | None, payload: dict | None) -> web.Response:
        known = next((i for i in self.interactions.values() if i.token == token), None)
        original = known and (known.original_id or known.message_id)
        target = original if message_ref == "@original" else (int(message_ref) if message_ref else None)
        if method == "POST" and message_ref is None:
            if known and known.original_id and self.messages[known.original_id]["flags"] & 128:
                message = self.messages[known.original_id]  # the first follow-up replaces "thinking"
                message.update({k: v for k, v in (payload or {}).items() if k in ("content", "embeds", "components")})
                message["flags"] = int((payload or {}).get("flags") or 0)
                return _json(message)
            return _json(self._message(CHANNEL_ID, payload or {}))
        if target is None or target not in self.messages:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        if method == "PATCH":
            message = self.messages[target]
            message.update({k: v for k, v in (payload or {}).items() if k in ("content", "embeds", "components")})
            message["flags"] = message["flags"] & ~128
            return _json(message)
        if method == "DELETE":
            del self.messages[target]
            return web.Response(status=204)
        if method == "GET":
            return _json(self.messages[target])
        return _json({"message": "405", "code": 0}, 405)

    def _channel_message(self, channel_id: int, call: Call) -> web.Response:
        payload = call.json or {}
        nonce = payload.get("nonce")
        if nonce and payload.get("enforce_nonce"):
            for message in self.messages.values():
                if message.get("nonce") == nonce and message["channel_id"] == str(channel_id):
                    return _json(message)  # Discord returns the earlier message, creates none
        message = self._message(channel_id, payload, nonce=nonce)
        message["attachments"] = [
            {"id": str(next(self._ids)), "filename": name, "size": len(data), "url": f"https://cdn.invalid/{name}",
             "proxy_url": f"https://cdn.invalid/{name}"} for name, data in call.files.items()
        ]
        headers = {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "4", "X-RateLimit-Reset-After": "1.0",
                   "X-RateLimit-Bucket": "mock-channel-messages"}
        return _json(message, headers=headers)

    # --- INTERACTION_CREATE payloads ---------------------------------------------------------
    def _base(self, kind: int, *, user_id: int, roles: list[int], permissions: str, locale: str,
              channel_id: int = CHANNEL_ID) -> dict:
        interaction_id = next(self._ids)
        token = f"tok-{interaction_id}"
        self.interactions[interaction_id] = Interaction(interaction_id, token)
        return {
            "id": str(interaction_id), "application_id": str(APP_ID), "type": kind, "token": token, "version": 1,
            "guild_id": str(GUILD_ID), "guild": {"id": str(GUILD_ID), "locale": "en-US", "features": []},
            "channel_id": str(channel_id),
            "channel": self._channel(channel_id),
            "member": {"user": user(user_id), "roles": [str(r) for r in roles], "joined_at": "2025-01-01T00:00:00+00:00",
                       "deaf": False, "mute": False, "flags": 0, "pending": False, "nick": None, "avatar": None,
                       "premium_since": None, "communication_disabled_until": None, "permissions": permissions},
            "locale": locale, "guild_locale": "en-US", "app_permissions": ALL_PERMISSIONS_BUT_ADMIN,
            "entitlements": [], "authorizing_integration_owners": {"0": str(GUILD_ID)}, "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }

    @staticmethod
    def _channel(channel_id: int) -> dict:
        """A guild text channel, as Discord sends it (position and permission_overwrites included)."""
        return {"id": str(channel_id), "type": 0, "guild_id": str(GUILD_ID), "name": "account-health",
                "position": 3, "permission_overwrites": [], "nsfw": False, "parent_id": None,
                "topic": None, "last_message_id": None, "rate_limit_per_user": 0, "flags": 0}

    @staticmethod
    def _options(path: list[str], options: dict[str, Any], focused: str | None) -> list[dict]:
        leaf = []
        for name, value in options.items():
            kind = 4 if isinstance(value, int) else 3
            if isinstance(value, dict) and "user" in value:
                kind, value = 6, value["user"]
            option = {"name": name, "type": kind, "value": value}
            if name == focused:
                option["focused"] = True
            leaf.append(option)
        nested: list[dict] = leaf
        for depth, name in reversed(list(enumerate(path))):
            is_group = depth < len(path) - 1
            nested = [{"name": name, "type": 2 if is_group else 1, "options": nested}]
        return nested

    def slash(self, path: list[str], options: dict[str, Any] | None = None, *, root: str = "seller",
              user_id: int = AGENT_ID, roles: list[int] = (), permissions: str = ALL_PERMISSIONS_BUT_ADMIN,
              locale: str = "en-US", focused: str | None = None, resolved: dict | None = None) -> dict:
        """`/seller <path...> option:value...`; with `focused`, the autocomplete of that option."""
        payload = self._base(4 if focused else 2, user_id=user_id, roles=list(roles), permissions=permissions, locale=locale)
        payload["data"] = {"id": str(next(self._ids)), "name": root, "type": 1,
                           "options": self._options(path, options or {}, focused)}
        if resolved:
            payload["data"]["resolved"] = resolved
        return payload

    def autocomplete(self, path: list[str], options: dict[str, Any], focused: str, **kwargs: Any) -> dict:
        return self.slash(path, options, focused=focused, **kwargs)

    def _on_message(self, kind: int, message: dict, **kwargs: Any) -> dict:
        payload = self._base(kind, **kwargs)
        payload["message"] = message
        self.interactions[int(payload["id"])].message_id = int(message["id"])
        return payload

    def press(self, message: dict, custom_id: str, *, user_id: int = AGENT_ID, roles: list[int] = (),
              permissions: str = ALL_PERMISSIONS_BUT_ADMIN, locale: str = "en-US") -> dict:
        """A click on the button `custom_id` of `message` (as the mock created it)."""
        payload = self._on_message(3, message, user_id=user_id, roles=list(roles), permissions=permissions, locale=locale)
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        return payload

    def select(self, message: dict, custom_id: str, values: list[str], **kwargs: Any) -> dict:
        payload = self._on_message(3, message, user_id=kwargs.pop("user_id", AGENT_ID), roles=list(kwargs.pop("roles", ())),
                                   permissions=kwargs.pop("permissions", ALL_PERMISSIONS_BUT_ADMIN),
                                   locale=kwargs.pop("locale", "en-US"))
        payload["data"] = {"custom_id": custom_id, "component_type": 3, "values": values}
        return payload

    def submit(self, message: dict, modal_custom_id: str, fields: dict[str, str], *, user_id: int = AGENT_ID,
               locale: str = "en-US") -> dict:
        """A modal submitted from a button of `message` (text inputs wrapped in action rows)."""
        payload = self._on_message(5, message, user_id=user_id, roles=[], permissions=ALL_PERMISSIONS_BUT_ADMIN, locale=locale)
        payload["data"] = {"custom_id": modal_custom_id, "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": name, "value": value}]} for name, value in fields.items()
        ]}
        return payload


def buttons(message: dict) -> list[dict]:
    """The buttons of a message payload, in order."""
    return [c for row in message.get("components", []) for c in row.get("components", []) if c.get("type") == 2]


def button(message: dict, label: str) -> dict:
    found = [b for b in buttons(message) if label in (b.get("label") or "")]
    assert found, f"no button {label!r} in {[b.get('label') for b in buttons(message)]}"
    return found[0]
