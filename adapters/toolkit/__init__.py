"""What every platform adapter needs and no platform owns: long button values kept by reference,
the Retry-After header, clipping and splitting text to a platform's limits, and stop signals.

Slack and Discord stay independent of each other (an import contract in pyproject.toml); both import
from here, and nothing here imports a platform.
"""
