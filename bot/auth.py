"""Who may curate: the one permission check, in the core, the same on every platform."""

from __future__ import annotations

from bot.config import Config
from bot.model import Request


class Auth:
    def __init__(self, config: Config):
        self.config = config

    def is_curator(self, req: Request) -> bool:
        """Curators are listed users (`SELLERBOT_CURATORS`, ids or `platform:id`), members of a role or
        user group named by id in `SELLERBOT_CURATOR_ROLES`, workspace admins and owners (as the
        adapter reports them), and the local console operator unless SELLERBOT_CONSOLE_IS_CURATOR=false.
        Roles count by id only: a name or a handle may be one that members can create themselves."""
        if req.platform == "console" and self.config.console_is_curator:
            return True
        if req.is_admin:
            return True
        listed = set(self.config.curators)
        if req.user in listed or f"{req.platform}:{req.user}" in listed:
            return True
        wanted = {role.lower() for role in self.config.curator_roles}
        return any(role.lower() in wanted for role in req.roles)
