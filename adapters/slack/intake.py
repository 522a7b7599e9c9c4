"""Slack's side of the process: Bolt checks a request, the inbox records it, Slack gets its
acknowledgement, and the work is handed to the worker loop.

Why two event loops. The core's commands are synchronous code over SQLite: milliseconds usually,
but seconds while another process holds the write lock, while the first index is built, or during
`kb reload`. On the web server's loop that would stop it acknowledging anything (Slack gives up
after 3 seconds) and answering `/health`. So the server's loop only verifies, records (in a thread,
with a bounded wait) and acknowledges; everything else — the dispatcher, the replies, the adapter's
tables — runs on a second loop in its own thread (`LoopThread`), with a `Services` of its own: one
SQLite connection is never shared between threads (their transactions would mix).

Why record first (bot/inbox.py): a request acknowledged and then lost to a crash or a deploy is a
command the user believes was taken. Recorded before the acknowledgement, it is finished by this
process, by the next one to start, or by whichever process sees Slack retry it.

Why the acknowledgements stay fast under a burst. The two loops share one GIL: answer work (jieba,
scoring, rendering, posting) on the worker thread delays every step of the acking loop. Three
things keep that short: the GIL is handed over after 0.5 ms instead of Python's 5 ms
(SWITCH_INTERVAL_S); the answers share one kept-alive HTTP session instead of Bolt's `respond`
opening a connection (a TLS handshake, in production) per answer; requests are recorded in groups,
one transaction each, on a WAL database with `synchronous = NORMAL` (bot/store.py: durable across a
crash of the process; an OS crash or power loss may lose the last transactions). What is left is
the floor of one Python process doing both jobs; the next step, if needed, is a worker process
claiming rows from the inbox (it is already multi-process), at the cost of passing the scheduler's
wake-ups and SIGTERM's drain between processes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import json
import logging
import re
import sys
import threading

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import ANSWERED_SUBTYPES, PLATFORM, SlackBot, delivery_key
from adapters.slack.client import WorkspaceClients, make_client
from adapters.slack.render import ACTION_PREFIX
from bot.config import Config
from bot.inbox import Inbox, new_owner
from bot.services import Services
from bot.store import Store, StoreError

log = logging.getLogger("sellerbot.slack")

DRAIN_S = 20.0
"""How long a stopping process keeps working on what it acknowledged (SIGTERM); what is left is
finished by the next start."""
RECORD_WAIT_S = 2.5
"""The longest a request waits to be recorded: inside Slack's 3 seconds, so the user hears "busy,
try again" rather than Slack's timeout."""
RECORD_BUSY_MS = 2000
"""The recording connection's own wait for the write lock, shorter than RECORD_WAIT_S so that a
request given up on is never recorded afterwards behind the user's back."""
RECORD_QUEUED_S = RECORD_WAIT_S - RECORD_BUSY_MS / 1000 - 0.1
"""Requests are recorded in groups (one transaction for all those that arrived meanwhile); one that
already waited this long for its group is told "busy" instead of joining one, since its group's
write could end after RECORD_WAIT_S."""
BEAT_S = 2.0
"""Heartbeat of this process in the inbox; each beat also picks up rows left by processes gone."""
ATTEMPTS = 3
"""Tries of one recorded request (the Web API down for a while, the database locked) before it is
marked `failed` and logged."""
NOT_INSTALLED = ("sellerbot is not installed in this workspace (or was uninstalled): ask an admin to install it"
                 " from the app's /slack/install page. / 此工作区尚未安装 sellerbot（或已卸载）：请管理员通过应用的"
                 " /slack/install 页面安装。")
"""What a request from a workspace without an installation is answered (many workspaces)."""
PRUNE_EVERY = 300
"""Beats between two prunes of finished inbox rows (about ten minutes)."""
SWITCH_INTERVAL_S = 0.0005
"""How long a thread holding the GIL keeps it while another waits (Python's default: 5 ms). The
answers run in a thread of this process; a request's acknowledgement needs the GIL several times
(read, record, reply), each time possibly behind 5 ms of answer work. Measured on the Slack burst
(bench/bench_slack.py), a shorter interval brings the acknowledgements' p99 closer to a bare Bolt's."""


class LoopThread:
    """An asyncio event loop running in a daemon thread, for work that must not block the caller's."""

    def __init__(self, name: str):
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(self._ready.set)
        self.loop.run_forever()
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> None:
        self._thread.start()
        self._ready.wait()

    def submit(self, coro) -> concurrent.futures.Future:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    async def run(self, coro, timeout: float | None = None):
        """Run `coro` on this thread's loop and wait for it without blocking the calling loop."""
        return await asyncio.wait_for(asyncio.wrap_future(self.submit(coro)), timeout)

    def call(self, callback, *args) -> None:
        self.loop.call_soon_threadsafe(callback, *args)

    def stop(self) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join()


def request_kind(body: dict) -> str | None:
    """`command`, `action` or `message`: the three kinds of request the bot works on."""
    if body.get("command"):
        return "command"
    if body.get("type") == "block_actions":
        return "action"
    if body.get("type") == "event_callback" and (body.get("event") or {}).get("type") == "message":
        return "message"
    return None


class Intake:
    """Bolt's listeners (record, acknowledge, hand over) and the worker loop they hand over to."""

    def __init__(self, app: AsyncApp, services: Services, config: Config):
        self.app = app
        self.services = services
        self.config = config
        self.owner = new_owner()
        self.accepting = True
        """False once the process is stopping: the server then answers 503 to new requests."""
        self._store: Store | None = None
        self._recorder: Inbox | None = None
        self._db_lock = threading.Lock()
        self._queued: list[tuple[float, str, str, dict, asyncio.Future]] = []
        self._writing: asyncio.Task | None = None
        self._thread = LoopThread("sellerbot-slack-work")
        self._main_loop: asyncio.AbstractEventLoop | None = None
        # worker-loop side
        self.bot: SlackBot | None = None
        self._running: dict[int, asyncio.Task] = {}
        self._beater: asyncio.Task | None = None

    def register(self) -> None:
        self.app.use(self._record)
        self.app.command(f"/{self.config.root_command}")(self._take)
        self.app.action(re.compile("^" + re.escape(ACTION_PREFIX)))(self._take)
        self.app.event("message")(self._take_event)
        self.app.error(self.on_error)

    # --- life cycle (server loop) ---------------------------------------------------------------
    async def start(self) -> None:
        """Open the worker (its core and knowledge index are built there, before anything is
        accepted), then finish what earlier processes left."""
        self._main_loop = asyncio.get_running_loop()
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))  # the acking loop waits less for the GIL
        self._store = Store.connect(self.config.db)
        self._store.busy_timeout(RECORD_BUSY_MS)
        self._recorder = Inbox(self._store, self.services.clock, self.owner)
        self._thread.start()
        await self._thread.run(self._open())
        self._thread.call(self._sweep)

    async def drain(self, timeout: float = DRAIN_S) -> int:
        """Stop accepting, and wait (at most `timeout` seconds) for the work already acknowledged;
        returns how many requests are left for the next start."""
        self.accepting = False
        if not self._thread.running or self.bot is None:
            return 0
        left = await self._thread.run(self._drain(timeout))
        if left:
            log.warning("%d Slack request(s) not finished after %.0f s; the next start finishes them", left, timeout)
        return left

    async def stop(self, timeout: float = DRAIN_S) -> None:
        await self.drain(timeout)
        if self._thread.running:
            await self._thread.run(self._close())
            self._thread.stop()
        if self._store is not None:
            self._store.close()
            self._store = None

    # --- Bolt (server loop) ---------------------------------------------------------------------
    async def _record(self, body: dict, context, request, next):  # noqa: A002 (Bolt injects `next` by name)
        """Record the request before Bolt acknowledges it. A repeat of a recorded request (Slack's
        `X-Slack-Retry-Num`, or a replay) is acknowledged and not run again; if the process that
        took it is gone, this one takes it over now."""
        kind = request_kind(body)
        if kind is None:
            return await next()
        if kind == "message" and not _typed_by_a_person(body.get("event") or {}):
            return BoltResponse(status=200, body="")
        key = delivery_key(body) or "body:" + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        try:
            entry = await asyncio.wait_for(self._enqueue(kind, key, body), RECORD_WAIT_S)
        except (TimeoutError, StoreError, OSError) as exc:
            return self._busy(kind, key, body, exc)
        if not entry.new:
            retry = (request.headers.get("x-slack-retry-num") or ["0"])[0]
            if entry.adopted:
                log.info("Slack delivery %s (retry %s) was left by a stopped process: taking it over", key, retry)
                self._submit(entry.id)
            else:
                log.info("Slack delivery %s already recorded (%s, retry %s): acknowledged, not run again",
                         key, entry.state, retry)
            return BoltResponse(status=200, body="")
        context["inbox_id"] = entry.id
        return await next()

    def _enqueue(self, kind: str, key: str, body: dict) -> asyncio.Future:
        """Queue a request for the next group write and return the future of its entry.

        Group commit: under a burst, one write transaction (and one hop to a thread) records every
        request that arrived while the previous group was being written, instead of one each, each
        waiting behind the others for the write lock and SQLite's busy back-off."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queued.append((loop.time(), kind, key, body, future))
        if self._writing is None or self._writing.done():
            self._writing = loop.create_task(self._write_groups())
        return future

    async def _write_groups(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queued:
            queued, self._queued = self._queued, []
            group = []
            for item in queued:
                if item[4].done():  # its request stopped waiting
                    continue
                if loop.time() - item[0] > RECORD_QUEUED_S:
                    item[4].set_exception(TimeoutError())
                else:
                    group.append(item)
            if not group:
                continue
            try:
                entries = await asyncio.to_thread(self._record_now, [(kind, key, body) for _, kind, key, body, _ in group])
            except (StoreError, OSError) as exc:
                for *_, future in group:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (*_, future), entry in zip(group, entries):
                if not future.done():
                    future.set_result(entry)

    def _record_now(self, requests: list[tuple[str, str, dict]]) -> list:
        """In a worker thread, on the recording connection, in one transaction. Every message a
        person types where the bot listens is recorded: whether it answers a dialogue is decided
        when it is worked on, in its turn, after the command that opened the dialogue's thread
        (deciding here would miss a reply typed while that thread is being opened)."""
        assert self._recorder is not None and self._store is not None
        with self._db_lock, self._store.write():
            return [self._recorder.record(PLATFORM, key, kind, body) for kind, key, body in requests]

    def _busy(self, kind: str, key: str, body: dict, exc: BaseException) -> BoltResponse:
        """Not recorded, so not acknowledged as taken: the user is told to try again (a message
        event gets 503, and Slack retries it itself)."""
        log.warning("could not record Slack %s %s (%s): told to try again", kind, key, type(exc).__name__ if not str(exc) else exc)
        # Both languages: the user's language setting is in the database that is busy right now.
        text = "Busy right now: that was not saved. Please try again in a moment. / 系统繁忙，刚才的操作没有保存，请稍后再试。"
        if kind == "command":
            return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
        if kind == "action" and body.get("response_url"):
            respond = AsyncRespond(response_url=body["response_url"])
            task = asyncio.ensure_future(respond(text=text, response_type="ephemeral", replace_original=False))
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
            return BoltResponse(status=200, body="")
        return BoltResponse(status=503, body="")

    async def _take(self, ack, context) -> None:
        await ack()
        self._submit(context.get("inbox_id"))

    async def _take_event(self, context) -> None:
        self._submit(context.get("inbox_id"))

    def _submit(self, entry_id: int | None) -> None:
        if entry_id is not None:
            self._thread.call(self._start_entry, entry_id)

    async def on_error(self, error: Exception, body: dict) -> None:
        log.error("Slack listener failed: %s", error, exc_info=error)

    # --- the worker loop ------------------------------------------------------------------------
    async def _open(self) -> None:
        # Its own database connection and services, the same application (commands, listeners).
        services = Services(self.config, clock=self.services.clock, app=self.services.app)
        services.kb.prepare()  # the knowledge index and the Chinese tokenizer: now, not at the first question
        services.dispatcher  # noqa: B018  (and the command modules loaded: dateparser alone takes a second)
        inbox = Inbox(services.store, services.clock, self.owner)
        inbox.beat()
        main_loop, main = self._main_loop, self.services
        assert main_loop is not None
        # A reminder written here must wake the scheduler, which lives on the server's loop.
        services.reminders.subscribe(lambda: main_loop.call_soon_threadsafe(main.reminders.changed))
        # One HTTP session for all the answers (Web API and response_urls): connections kept alive
        # instead of one opened (and a TLS handshake made) per answer, on the CPU the acks share.
        session = aiohttp.ClientSession()
        if self.config.slack_oauth:  # each workspace's token, read from this loop's own connection
            from adapters.slack.oauth import SlackInstallations

            assert self.config.slack_client_id
            clients = WorkspaceClients(self.config, SlackInstallations(services.store, self.config.slack_client_id),
                                       session=session)
        else:
            client = make_client(self.config)
            client.session = session
            clients = WorkspaceClients(self.config, client=client)
        self.bot = SlackBot(services, self.config, inbox, session=session, clients=clients)
        self._beater = asyncio.create_task(self._beat())

    def _start_entry(self, entry_id: int) -> None:
        if entry_id in self._running or self.bot is None:
            return
        task = asyncio.create_task(self._process(entry_id))
        self._running[entry_id] = task
        task.add_done_callback(lambda _: self._running.pop(entry_id, None))

    async def _process(self, entry_id: int) -> None:
        assert self.bot is not None
        for attempt in range(1, ATTEMPTS + 1):
            try:
                await self.bot.process(entry_id)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if attempt == ATTEMPTS:
                    log.error("Slack request %s failed %d times; giving up: %s", entry_id, attempt, exc, exc_info=exc)
                else:
                    log.warning("Slack request %s failed (try %d of %d): %s", entry_id, attempt, ATTEMPTS, exc)
                    await asyncio.sleep(attempt)
        try:
            self.bot.inbox.failed(entry_id)
        except StoreError as exc:
            log.error("could not mark Slack request %s failed: %s", entry_id, exc)

    def _sweep(self) -> None:
        """Work on every open row that is ours or left by a process that is gone."""
        if self.bot is None:
            return
        try:
            ids = self.bot.inbox.open_rows(PLATFORM)
        except StoreError as exc:
            log.warning("could not look for unfinished Slack requests: %s", exc)
            return
        fresh = [i for i in ids if i not in self._running]
        if fresh:
            log.info("finishing %d Slack request(s) acknowledged earlier", len(fresh))
        for entry_id in fresh:
            self._start_entry(entry_id)

    async def _beat(self) -> None:
        assert self.bot is not None
        beats = 0
        while True:
            await asyncio.sleep(BEAT_S)
            beats += 1
            try:
                self.bot.inbox.beat()
                if beats % PRUNE_EVERY == 0:
                    self.bot.inbox.prune()
            except StoreError as exc:
                log.warning("inbox heartbeat failed: %s", exc)
                continue
            self._sweep()

    async def _drain(self, timeout: float) -> int:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._running:
            left = deadline - loop.time()
            if left <= 0:
                break
            await asyncio.wait(list(self._running.values()), timeout=left)
        return len(self._running)

    async def _close(self) -> None:
        if self._beater is not None:
            self._beater.cancel()
        for task in list(self._running.values()):
            task.cancel()
        await asyncio.gather(*self._running.values(), *(t for t in [self._beater] if t), return_exceptions=True)
        if self.bot is not None:
            try:
                self.bot.inbox.leave()
            except StoreError as exc:
                log.warning("could not sign off from the inbox: %s", exc)
            await self.bot.services.stop()
            if self.bot.session is not None:
                await self.bot.session.close()


def _typed_by_a_person(event: dict) -> bool:
    return (event.get("subtype") in ANSWERED_SUBTYPES and not event.get("bot_id")
            and bool(event.get("user")) and bool(event.get("channel")))


class _TokenFromClientNote(logging.Filter):
    """Bolt warns that the SLACK_BOT_TOKEN it reads from the environment is unused when a client is
    given; giving the client is deliberate (it carries SLACK_API_URL), so the note is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("As you gave `client` as well")


_BOLT_LOG = logging.getLogger("sellerbot.slack.bolt")
_BOLT_LOG.addFilter(_TokenFromClientNote())


def create_intake(services: Services, config: Config | None = None, *, socket: bool = False,
                  client: AsyncWebClient | None = None) -> Intake:
    """The Bolt app with every listener and its worker, for the HTTP server, Socket Mode and tests
    alike. `await intake.start()` before serving, `await intake.stop()` after.

    With many workspaces (`config.slack_oauth`), Bolt gets the OAuth settings: it serves the
    install pages (through the server) and authorizes each request with the bot token its
    workspace's installation left in the database; a workspace without one is told to install the
    app, and nothing is recorded. Slack's `app_uninstalled` and `tokens_revoked` events delete it."""
    config = config or services.config
    client = client or make_client(config)
    oauth = None
    if config.slack_oauth:
        from adapters.slack.oauth import oauth_settings

        oauth = oauth_settings(config, services.store, services.clock, client)
    app = AsyncApp(
        signing_secret=config.slack_signing_secret or ("socket-mode" if socket else None),
        client=client,  # carries the bot token (none with OAuth: each request's is resolved) and SLACK_API_URL
        process_before_response=True,  # the listener only records and acks: the answer comes from the worker
        # Socket Mode connections are authenticated by the app token; HTTP requests must be signed.
        request_verification_enabled=not socket,
        logger=_BOLT_LOG,
        oauth_settings=oauth,
        # Both languages: the asker's language setting belongs to a workspace we do not serve.
        user_facing_authorize_error_message=NOT_INSTALLED if oauth is not None else None,
    )
    if oauth is not None:
        app.enable_token_revocation_listeners()
    intake = Intake(app, services, config)
    intake.register()
    return intake
