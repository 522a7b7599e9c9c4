"""Who may reach a stored object: the one scope rule, in the core, the same for every command.

Every object (case, reminder, dialogue, draft, answer voted on, channel setting) is stored with the
platform, workspace (Slack team, Discord guild) and channel it was made in. A request reaches it only
from the same platform and workspace; from another channel of that workspace, only a curator does.
Whoever may not reach an object is told it does not exist, in the very words used for a missing id,
so ids cannot be probed. Rows stored before the workspace was recorded (NULL) match any workspace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.model import Request

if TYPE_CHECKING:
    from bot.services import Services


def same_workspace(req: Request, platform: str, workspace: str | None) -> bool:
    return platform == req.platform and (workspace is None or workspace == req.workspace)


def reachable(svc: "Services", req: Request, *, platform: str, workspace: str | None, channel: str) -> bool:
    """True when `req` may see and change an object stored in (platform, workspace, channel)."""
    if not same_workspace(req, platform, workspace):
        return False
    return channel == req.channel or svc.auth.is_curator(req)


WORKSPACE_SQL = "(workspace IS NULL OR workspace = ?)"
"""The workspace condition for listing a channel's objects (legacy rows have no workspace)."""
