"""sellerbot core: the platform-neutral heart that every adapter talks to."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The project folder; `knowledge/` lives beside the packages."""
