"""The Retry-After header of a rate-limited or unavailable platform API (RFC 9110 §10.2.3)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any


def retry_after(headers: Mapping[str, Any] | None, default: float, *, now: datetime | None = None) -> float:
    """Seconds to wait as the platform asks: `Retry-After: 30` or an HTTP date; `default` when the
    header is missing or unreadable, and never negative. The name is matched in any case (aiohttp's
    headers are case-insensitive, slack_sdk's are a plain dict)."""
    if not headers:
        return default
    value = headers.get("Retry-After")
    if value is None:
        value = next((v for k, v in headers.items() if str(k).lower() == "retry-after"), None)
    if value is None or str(value).strip() == "":
        return default
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        return default
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)
