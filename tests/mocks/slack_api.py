"""A local Slack for tests and benchmarks: the Web API, file upload URLs and `response_url`s on
127.0.0.1, recording every call; plus what Slack itself sends to an app: signed slash-commands,
button presses and message events (`signed_headers`, `SlackDriver`).

    mock = await MockSlack().start()            # SLACK_API_URL = mock.api_url
    mock.fail("chat.postMessage", status=429, headers={"Retry-After": "3"})
    driver = SlackDriver(bot_url, SECRET, mock)  # bot_url = "http://127.0.0.1:PORT/slack/events"
    await driver.command("ask what is ODR")
    answer = await mock.next_message()

Many workspaces: `oauth.v2.access` turns a code granted with `mock.grant(code, team, token)` into
that workspace's installation (by default any code but "bad" installs the second workspace,
TEAM_B); every Web API call records the `Authorization` header it came with (`params["_auth"]`),
and `auth.test` answers for the workspace of the token it is given.

Token rotation: a code granted with `rotating=<seconds>` installs an expiring token with a refresh
token; `oauth.v2.access` with `grant_type=refresh_token` exchanges a refresh token once (then it is
revoked, as Slack does) for a new pair; `mock.expire(token)` makes every call with that token fail
with `token_expired`; `mock.before(method, fn)` awaits `fn(params)` once before answering the next
call of `method` (to let "another process" act at that exact moment).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

BOT_USER = "UBOT"
TEAM = "T0MOCK"
TEAM_B = "T0SECOND"
TOKEN_A = "xoxb-1111-1111-first-workspace-token"
TOKEN_B = "xoxb-2222-2222-second-workspace-token"


def signature(secret: str, body: str | bytes, timestamp: int | str) -> str:
    """`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`, as Slack signs every request."""
    raw = body.decode() if isinstance(body, bytes) else body
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{raw}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(secret: str, body: str | bytes, ts: int | None = None,
                   content_type: str = "application/x-www-form-urlencoded") -> dict[str, str]:
    """The headers Slack adds to a request it sends to an app (timestamp defaults to now)."""
    ts = int(time.time()) if ts is None else ts
    return {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature(secret, body, ts),
        "Content-Type": content_type,
    }


@dataclass
class Call:
    """One request the bot made to the mock."""

    method: str
    """A Web API method (`chat.postMessage`), `upload` (a file's bytes) or `response` (a response_url)."""
    params: dict
    status: int = 200
    at: float = field(default_factory=time.perf_counter)


@dataclass
class Message:
    """A message the bot posted, whichever way it went, as a user would see it."""

    channel: str
    text: str
    blocks: list[dict]
    ts: str | None = None
    thread_ts: str | None = None
    ephemeral: bool = False
    via: str = "chat.postMessage"
    response_url: str | None = None
    metadata: dict | None = None

    def buttons(self) -> list[dict]:
        return [e for b in self.blocks if b.get("type") == "actions" for e in b["elements"] if e["type"] == "button"]

    def labels(self) -> list[str]:
        return [b["text"]["text"] for b in self.buttons()]

    def options(self) -> list[dict]:
        return [o for b in self.blocks if b.get("type") == "actions" for e in b["elements"] for o in e.get("options", [])]

    def context(self) -> list[str]:
        return [e.get("text", "") for b in self.blocks if b.get("type") == "context" for e in b["elements"]]

    def all_text(self) -> str:
        parts = [self.text]
        for block in self.blocks:
            if isinstance(block.get("text"), dict):
                parts.append(block["text"]["text"])
            for element in block.get("elements", []):
                if isinstance(element.get("text"), str):
                    parts.append(element["text"])
        return "\n".join(parts)


class MockSlack:
    """The Slack Web API on a local port; answers what the adapter calls and records it all."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.uploads: dict[str, dict] = {}
        self.users: dict[str, dict] = {}
        self.usergroups: list[dict] = []
        self.grants: dict[str, dict] = {}
        """OAuth codes -> the workspace they install (team, token, bot user)."""
        self.teams_of_tokens: dict[str, str] = {}
        self.refresh_tokens: dict[str, dict] = {}
        """Refresh tokens not yet used -> the grant they renew (team, lifetime of the new token)."""
        self.expired: set[str] = set()
        self._before: dict[str, Any] = {}
        self._rotations = itertools.count(1)
        self._failures: dict[str, list[tuple[int, dict, Any]]] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()
        self._read = 0
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self.base_url = ""

    # --- life cycle ---------------------------------------------------------------------------
    async def start(self) -> "MockSlack":
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/response/{name}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self

    async def close(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "r") -> str:
        return f"{self.base_url}/response/{name}-{next(self._ids)}"

    # --- scripting ------------------------------------------------------------------------------
    def fail(self, method: str, *, status: int = 429, headers: dict | None = None, body: Any = None, times: int = 1) -> None:
        """Make the next `times` calls of `method` fail (429 with Retry-After, 500, or an error body)."""
        if body is None:
            body = {"ok": False, "error": "ratelimited" if status == 429 else "internal_error"}
        self._failures.setdefault(method, []).extend([(status, headers or {}, body)] * times)

    def expire(self, token: str) -> None:
        """From now on Slack refuses `token` as expired (what 12 hours do to a rotating token)."""
        self.expired.add(token)

    def before(self, method: str, hook) -> None:
        """Await `hook(params)` once, before answering the next call of `method`."""
        self._before[method] = hook

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 20.0) -> list[Call]:
        """The first `count` calls of `method`, waiting for the bot's background work to make them."""
        deadline = time.monotonic() + timeout
        while len(self.called(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} {method} call(s), got {len(self.called(method))}: "
                                     f"{[c.method for c in self.calls]}")
            await self._wait_change(deadline)
        return self.called(method)[:count]

    async def next_message(self, timeout: float = 20.0) -> Message:
        """The next message posted since the last one read (in order)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) <= self._read:
            if time.monotonic() > deadline:
                raise AssertionError(f"no new message; calls so far: {[c.method for c in self.calls]}")
            await self._wait_change(deadline)
        self._read += 1
        return self.messages[self._read - 1]

    async def settle(self, quiet: float = 0.15) -> None:
        """Wait until the bot has made no call for `quiet` seconds (to check nothing more comes)."""
        while True:
            count = len(self.calls)
            await asyncio.sleep(quiet)
            if len(self.calls) == count:
                return

    async def _wait_change(self, deadline: float) -> None:
        self._changed.clear()
        try:
            await asyncio.wait_for(self._changed.wait(), max(0.001, min(0.05, deadline - time.monotonic())))
        except TimeoutError:
            pass

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._changed.set()

    # --- handlers -------------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            params.update(await request.post())
        for key in ("blocks", "metadata", "files"):
            if isinstance(params.get(key), str):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    pass
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        params["_auth"] = request.headers.get("Authorization")
        hook = self._before.pop(method, None)
        if hook is not None:
            await hook(params)
        token = params.get("token") or (params.get("_auth") or "").removeprefix("Bearer ")
        if token in self.expired:
            self._record(Call(method, params))
            return web.json_response({"ok": False, "error": "token_expired"})
        failures = self._failures.get(method)
        if failures:
            status, headers, body = failures.pop(0)
            self._record(Call(method, params, status))
            if isinstance(body, str):
                return web.Response(status=status, text=body, headers=headers)
            return web.json_response(body, status=status, headers=headers)
        self._record(Call(method, params))
        answer = getattr(self, "_" + method.replace(".", "_"), None)
        return web.json_response(answer(params) if answer else {"ok": True})

    def _new_ts(self) -> str:
        return f"1700000000.{next(self._ids):06d}"

    def _auth_test(self, params: dict) -> dict:
        token = params.get("token") or (params.get("_auth") or "").removeprefix("Bearer ")
        team = self.teams_of_tokens.get(token, TEAM)
        return {"ok": True, "url": "https://mock.slack.test/", "team": "Mock", "user": "sellerbot",
                "team_id": team, "user_id": BOT_USER, "bot_id": "BMOCK" if team == TEAM else f"B{team}",
                "is_enterprise_install": False}

    # --- many workspaces (the OAuth flow) -------------------------------------------------------
    def grant(self, code: str, team: str = TEAM_B, token: str = TOKEN_B, *, installer: str = "UINSTALLER",
              rotating: int | None = None) -> None:
        """Slack hands the app `code` after `installer` approved the install into `team`; with
        `rotating` (seconds), the app has token rotation on: the token expires after that long."""
        self.grants[code] = {"team": team, "token": token, "installer": installer, "rotating": rotating}
        self.teams_of_tokens[token] = team

    def _expiring(self, team: str, lifetime: int | None) -> dict:
        """The refresh token and lifetime that come with a token when rotation is on."""
        if lifetime is None:
            return {}
        refresh = f"xoxe-1-{team}-refresh-{next(self._rotations)}"
        self.refresh_tokens[refresh] = {"team": team, "rotating": lifetime}
        return {"refresh_token": refresh, "expires_in": lifetime}

    def _refresh(self, params: dict) -> dict:
        """`grant_type=refresh_token`: a new token pair, once per refresh token."""
        grant = self.refresh_tokens.pop(params.get("refresh_token", ""), None)
        if grant is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        token = f"xoxb-{grant['team']}-rotated-{next(self._rotations)}"
        self.teams_of_tokens[token] = grant["team"]
        return {"ok": True, "app_id": "AMOCK", "token_type": "bot", "access_token": token,
                "scope": "commands,chat:write,users:read", "bot_user_id": f"UBOT{grant['team']}",
                "team": {"id": grant["team"], "name": f"Workspace {grant['team']}"}, "enterprise": None,
                "is_enterprise_install": False, **self._expiring(grant["team"], 12 * 3600)}

    def _oauth_v2_access(self, params: dict) -> dict:
        if params.get("grant_type") == "refresh_token":
            return self._refresh(params)
        code = params.get("code", "")
        if code not in self.grants and code != "bad":
            self.grant(code)
        grant = self.grants.pop(code, None)  # a code is good once
        if grant is None:
            return {"ok": False, "error": "invalid_code"}
        return {
            "ok": True, "app_id": "AMOCK", "authed_user": {"id": grant["installer"]},
            "scope": "commands,chat:write,users:read", "token_type": "bot", "access_token": grant["token"],
            "bot_user_id": f"UBOT{grant['team']}", "team": {"id": grant["team"], "name": f"Workspace {grant['team']}"},
            "enterprise": None, "is_enterprise_install": False, **self._expiring(grant["team"], grant["rotating"]),
        }

    def _chat_postMessage(self, params: dict) -> dict:
        ts = self._new_ts()
        self.messages.append(Message(params["channel"], params.get("text", ""), params.get("blocks") or [], ts,
                                     params.get("thread_ts"), False, "chat.postMessage", metadata=params.get("metadata")))
        self._changed.set()
        return {"ok": True, "channel": params["channel"], "ts": ts,
                "message": {"ts": ts, "text": params.get("text", ""), "blocks": params.get("blocks") or []}}

    def _chat_postEphemeral(self, params: dict) -> dict:
        ts = self._new_ts()
        self.messages.append(Message(params["channel"], params.get("text", ""), params.get("blocks") or [], ts,
                                     params.get("thread_ts"), True, "chat.postEphemeral"))
        self._changed.set()
        return {"ok": True, "message_ts": ts}

    def _chat_update(self, params: dict) -> dict:
        for message in self.messages:
            if message.ts == params.get("ts") and message.channel == params.get("channel"):
                message.blocks = params.get("blocks") or message.blocks
                message.text = params.get("text", message.text)
        return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}

    def _history(self, channel: str, thread: str | None) -> dict:
        posted = [m for m in self.messages if m.via == "chat.postMessage" and m.channel == channel
                  and (thread is None or m.thread_ts == thread or m.ts == thread)]
        return {"ok": True, "has_more": False, "messages": [
            {"type": "message", "user": BOT_USER, "ts": m.ts, "text": m.text,
             **({"thread_ts": m.thread_ts} if m.thread_ts else {}), **({"metadata": m.metadata} if m.metadata else {})}
            for m in reversed(posted)]}

    def _conversations_history(self, params: dict) -> dict:
        return self._history(params.get("channel", ""), None)

    def _conversations_replies(self, params: dict) -> dict:
        return self._history(params.get("channel", ""), params.get("ts"))

    def _users_info(self, params: dict) -> dict:
        user = params.get("user", "")
        info = {"id": user, "name": user.lower(), "real_name": f"User {user}", "locale": "en-US",
                "is_admin": False, "is_owner": False, "profile": {"display_name": f"user-{user.lower()}"}}
        info.update(self.users.get(user, {}))
        return {"ok": True, "user": info}

    def _usergroups_list(self, params: dict) -> dict:
        return {"ok": True, "usergroups": self.usergroups}

    def _conversations_open(self, params: dict) -> dict:
        return {"ok": True, "channel": {"id": "D" + str(params.get("users", "")).split(",")[0]}}

    def _files_getUploadURLExternal(self, params: dict) -> dict:
        file_id = f"F{next(self._ids):06d}"
        self.uploads[file_id] = {"filename": params.get("filename"), "length": int(params.get("length", 0))}
        return {"ok": True, "file_id": file_id, "upload_url": f"{self.base_url}/upload/{file_id}"}

    def _files_completeUploadExternal(self, params: dict) -> dict:
        files = params.get("files") or []
        for entry in files:
            upload = self.uploads.setdefault(entry["id"], {})
            upload.update({"title": entry.get("title"), "channel": params.get("channel_id"),
                           "thread_ts": params.get("thread_ts")})
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        content = await request.read()
        self.uploads.setdefault(file_id, {})["content"] = content.decode("utf-8", "replace")
        self._record(Call("upload", {"file_id": file_id, "size": len(content)}))
        return web.Response(text=f"OK - {len(content)}", content_type="text/plain")

    async def _response_url(self, request: web.Request) -> web.Response:
        params = await request.json()
        url = str(request.url)
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self._record(Call("response", {**params, "_url": url, "_peer": peer}))
        self.messages.append(Message("", params.get("text", ""), params.get("blocks") or [], None, None,
                                     params.get("response_type") != "in_channel", "response", url))
        self._changed.set()
        return web.Response(text="ok", content_type="text/plain")

    # --- Socket Mode --------------------------------------------------------------------------
    def _apps_connections_open(self, params: dict) -> dict:
        return {"ok": True, "url": self.base_url.replace("http://", "ws://") + "/socket"}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Slack's Socket Mode end: says hello, then records every acknowledgement the app sends."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        self._record(Call("socket.connect", {}))
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "AMOCK"}})
        async for frame in ws:
            if frame.type == aiohttp.WSMsgType.TEXT:
                self._record(Call("socket.ack", json.loads(frame.data)))
        return ws

    async def socket_send(self, envelope: dict) -> None:
        """Push one envelope (`slash_commands`, `interactive`, `events_api`) to the connected app."""
        for ws in self._sockets:
            if not ws.closed:
                await ws.send_json(envelope)

    def upload(self, filename: str) -> dict:
        """The file the bot uploaded under that name (content, channel, thread)."""
        for upload in self.uploads.values():
            if upload.get("filename") == filename:
                return upload
        raise AssertionError(f"no upload named {filename}: {self.uploads}")


class SlackDriver:
    """Plays Slack's side towards the bot: signed slash-commands, button presses, message events."""

    def __init__(self, url: str, secret: str, mock: MockSlack, *, command: str = "/seller",
                 user: str = "U1", channel: str = "C1", team: str = TEAM):
        self.url, self.secret, self.mock = url, secret, mock
        self.command_name, self.user, self.channel, self.team = command, user, channel, team
        self._ids = itertools.count(1)
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session:
            await self._session.close()

    async def post(self, body: str, *, content_type: str = "application/x-www-form-urlencoded",
                   headers: dict | None = None, ts: int | None = None, signed: bool = True) -> aiohttp.ClientResponse:
        """Send a raw body as Slack would (signed unless told otherwise); returns status and text."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        sent = signed_headers(self.secret, body, ts, content_type) if signed else {"Content-Type": content_type}
        sent.update(headers or {})
        async with self._session.post(self.url, data=body.encode(), headers=sent) as response:
            await response.read()
            return response

    def command_body(self, text: str, *, user: str | None = None, channel: str | None = None) -> str:
        user, channel = user or self.user, channel or self.channel
        return urlencode({
            "token": "legacy-verification-token", "team_id": self.team, "team_domain": "mock",
            "channel_id": channel, "channel_name": "general", "user_id": user, "user_name": user.lower(),
            "command": self.command_name, "text": text, "api_app_id": "AMOCK", "is_enterprise_install": "false",
            "response_url": self.mock.response_url("cmd"), "trigger_id": f"trig.{next(self._ids)}.{time.time_ns()}",
        })

    async def command(self, text: str, **who) -> aiohttp.ClientResponse:
        return await self.post(self.command_body(text, **who))

    def action_body(self, message: Message, action: dict, *, user: str | None = None, state: dict | None = None) -> str:
        user = user or self.user
        channel = message.channel or self.channel
        container = {"type": "message", "message_ts": message.ts, "channel_id": channel,
                     "is_ephemeral": message.ephemeral}
        if message.thread_ts:
            container["thread_ts"] = message.thread_ts
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": self.team},
            "api_app_id": "AMOCK", "token": "legacy-verification-token", "container": container,
            "trigger_id": f"trig.{next(self._ids)}.{time.time_ns()}", "team": {"id": self.team, "domain": "mock"},
            "enterprise": None, "is_enterprise_install": False, "channel": {"id": channel, "name": "general"},
            "state": {"values": state or {}},
            "response_url": message.response_url or self.mock.response_url("act"),
            "actions": [{**action, "block_id": action.get("block_id", "b"), "action_ts": str(time.time())}],
        }
        if not message.ephemeral:
            payload["message"] = {"type": "message", "user": BOT_USER, "ts": message.ts, "text": message.text,
                                  "blocks": message.blocks, **({"thread_ts": message.thread_ts} if message.thread_ts else {})}
        return urlencode({"payload": json.dumps(payload)})

    async def press(self, message: Message, label: str, **who) -> aiohttp.ClientResponse:
        """Press the button with that label (or pick that option of a drop-down)."""
        for button in message.buttons():
            if button["text"]["text"] == label:
                return await self.post(self.action_body(message, button, **who))
        for block in message.blocks:
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                for option in element.get("options", []):
                    if option["text"]["text"] == label and element["type"] == "static_select":
                        action = {"type": "static_select", "action_id": element["action_id"], "selected_option": option}
                        return await self.post(self.action_body(message, action, **who))
        raise AssertionError(f"no button or option {label!r} in {message.labels()} / {message.options()}")

    async def pick_several(self, message: Message, labels: list[str], *, press: str | None = None,
                           **who) -> aiohttp.ClientResponse:
        """Tick options of the multi-select, then press its Done button, or the button labelled
        `press` (one request carrying the ticked options, like Slack)."""
        select = next(e for b in message.blocks if b.get("type") == "actions" for e in b["elements"]
                      if e["type"] == "multi_static_select")
        block = next(b for b in message.blocks if select in b.get("elements", []))
        chosen = [o for o in select["options"] if o["text"]["text"] in labels]
        assert len(chosen) == len(labels), f"options {labels} not all in {[o['text']['text'] for o in select['options']]}"
        state = {block.get("block_id", "b"): {select["action_id"]: {"type": "multi_static_select", "selected_options": chosen}}}
        done = next(b for b in message.buttons() if press is None or b["text"]["text"] == press)
        return await self.post(self.action_body(message, {**done, "block_id": block.get("block_id", "b")}, state=state, **who))

    def message_body(self, text: str, *, thread_ts: str | None = None, user: str | None = None,
                     channel: str | None = None, event_id: str | None = None) -> str:
        user, channel = user or self.user, channel or self.channel
        ts = f"1800000000.{next(self._ids):06d}"
        event = {"type": "message", "user": user, "text": text, "ts": ts, "channel": channel,
                 "channel_type": "channel", "event_ts": ts, "team": self.team}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return json.dumps({
            "token": "legacy-verification-token", "team_id": self.team, "api_app_id": "AMOCK", "event": event,
            "type": "event_callback", "event_id": event_id or f"Ev{next(self._ids):08d}", "event_time": int(time.time()),
            "authorizations": [{"team_id": self.team, "user_id": BOT_USER, "is_bot": True}],
        })

    async def say(self, text: str, *, thread_ts: str | None = None, **who) -> aiohttp.ClientResponse:
        return await self.post(self.message_body(text, thread_ts=thread_ts, **who), content_type="application/json")
