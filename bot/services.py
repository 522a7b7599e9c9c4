"""The services a command may use, built once per process and handed to every command.

Feature packages build their own service from this container (`bot.knowledge.build(services)`
and so on), lazily, so a process only pays for what it uses.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from bot.auth import Auth
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.store import Store

if TYPE_CHECKING:
    from bot.reminders.scheduler import ReminderScheduler


def feature_migrations() -> tuple:
    """The schema of every core feature, applied when the database opens (adapters add theirs)."""
    from bot import inbox
    from bot.appeals import store as appeals
    from bot.dialogs import store as dialogs
    from bot.knowledge import store as knowledge
    from bot.reminders import store as reminders

    return (inbox.migrations, knowledge.migrations, dialogs.migrations, appeals.migrations, reminders.migrations)


class Services:
    def __init__(self, config: Config | None = None, clock: Clock | None = None, store: Store | None = None,
                 app=None):
        """`app`: an application object to share (a worker with its own connection serves the same
        commands); by default every feature of sellerbot, built on first use."""
        if app is not None:
            self.app = app
        self.config = config or Config()
        self.clock = clock or SystemClock()
        self.store = store or Store.open(self.config.db, feature_migrations())
        self.auth = Auth(self.config)
        self.scheduler: ReminderScheduler | None = None  # the reminder scheduler, when start() runs one

    @cached_property
    def reminders(self):
        from bot.reminders.service import ReminderService

        return ReminderService(self)

    @cached_property
    def cases(self):
        from bot.reminders.cases import CaseService

        return CaseService(self)

    @cached_property
    def app(self):
        """The application object: every command, dialogue listener and suggester (bot/app.py)."""
        from bot.app import build_app

        return build_app()

    @cached_property
    def dispatcher(self):
        from bot.dispatcher import Dispatcher

        return Dispatcher(self, self.app)

    @cached_property
    def kb(self):
        """The knowledge base: articles, index, answered and unanswered questions, votes."""
        from bot.knowledge import build

        return build(self)

    @cached_property
    def dialogs(self):
        """The dialogue engine (flows from the knowledge folder, state in SQLite)."""
        from bot.dialogs import build

        return build(self)

    @cached_property
    def appeals(self):
        """Appeal letters: templates, linter, mailboxes, saved drafts."""
        from bot.appeals import build

        return build(self)

    def metric(self, metric: str, marketplace: str, bad: int, total: int):
        """(target, outcome) of a rate against the marketplace's target (knowledge/targets.yaml), or
        None when the marketplace has no target for it. Here so that features other than the
        knowledge base (an appeal letter's opening) read the same targets without importing it."""
        from bot.knowledge.metrics import TargetsError, evaluate, load_targets

        try:
            target = load_targets(self.config.knowledge_dir / "targets.yaml").get(metric, marketplace)
        except (KeyError, TargetsError):
            return None
        return target, evaluate(target, bad, total)

    def channel_zone(self, platform: str, channel: str, workspace: str | None = ""):
        """The channel's time zone (`/seller settings tz`), else SELLERBOT_TZ."""
        from zoneinfo import ZoneInfo

        name = self.store.get_setting(platform, channel, "tz", workspace or "")
        return ZoneInfo(name) if name else self.config.zone

    async def start(self, senders: dict | None = None) -> None:
        """Start background work (the reminder scheduler) for a long-running process.

        The scheduler delivers only while this process holds the scheduler lease, so several
        processes may call this; one of them delivers (see bot/reminders/lease.py)."""
        if self.config.scheduler == "off" or not senders or self.scheduler is not None:
            return
        from bot.reminders.scheduler import ReminderScheduler

        self.scheduler = ReminderScheduler(self, senders)
        await self.scheduler.start()

    async def stop(self) -> None:
        """Stop background work and close the database."""
        if self.scheduler is not None:
            await self.scheduler.stop()
            self.scheduler = None
        self.store.close()
