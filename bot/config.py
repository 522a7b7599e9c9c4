"""Configuration from the environment, validated once at start (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot import ROOT


def _split(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    return value


class Config(BaseSettings):
    """Every setting the bot reads. `SELLERBOT_*` for the bot, the platforms' own names for tokens."""

    model_config = SettingsConfigDict(env_prefix="SELLERBOT_", extra="ignore", populate_by_name=True)

    db: str = "sellerbot.db"
    """A SQLite file, or a `postgresql://user:password@host/dbname` URL (bot/store.py)."""
    tz: str = "UTC"
    knowledge_dir: Path = ROOT / "knowledge"
    root_command: str = "seller"
    log_level: str | None = None  # default: INFO for servers, WARNING for the console
    log_format: str = "text"  # "json" for one JSON object per line
    curators: Annotated[list[str], NoDecode] = Field(default_factory=list)
    curator_roles: Annotated[list[str], NoDecode] = Field(default_factory=list)  # role / user-group ids
    console_is_curator: bool = True
    scheduler: str = "auto"  # auto | off
    cache_dir: Path | None = None
    """Where the knowledge index is saved between starts (`SELLERBOT_CACHE_DIR`); by default beside a
    SQLite database, or the user's cache folder with a PostgreSQL URL (`bot.knowledge.cache_folder`)."""

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str | None = Field(default=None, alias="SLACK_API_URL")
    slack_client_id: str | None = Field(default=None, alias="SLACK_CLIENT_ID")
    slack_client_secret: str | None = Field(default=None, alias="SLACK_CLIENT_SECRET")
    slack_redirect_uri: str | None = Field(default=None, alias="SLACK_REDIRECT_URI")
    discord_token: str | None = Field(default=None, alias="DISCORD_TOKEN")
    discord_api_url: str | None = Field(default=None, alias="DISCORD_API_URL")
    discord_gateway_url: str | None = Field(default=None, alias="DISCORD_GATEWAY_URL")
    discord_guild_id: int | None = Field(default=None, alias="DISCORD_GUILD_ID")

    _split_lists = field_validator("curators", "curator_roles", mode="before")(_split)

    @field_validator("db", mode="before")
    @classmethod
    def _db_text(cls, value: object) -> object:
        """A path object or a string: kept as text, since a URL is not a path."""
        return str(value) if isinstance(value, Path) else value

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (try Asia/Shanghai or UTC)") from exc
        return value

    @property
    def slack_oauth(self) -> bool:
        """Many Slack workspaces, each installed through the OAuth flow (its bot token kept in the
        database), rather than the one workspace of SLACK_BOT_TOKEN, which wins when both are set."""
        return bool(self.slack_client_id and self.slack_client_secret and not self.slack_bot_token)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def redacted(self) -> dict:
        """The settings with secrets masked, safe to log."""
        data = self.model_dump()
        for key in data:
            if any(word in key for word in ("token", "secret")) and data[key]:
                data[key] = "***"
        return data
