"""Errors newsweave raises. Each carries the object it is about.

    NewsweaveError
     ├── InputError        an input could not be read as an article (names the input)
     ├── ConfigError       a setting or command-line value is invalid (also a ValueError)
     ├── ProvenanceError   a span does not resolve into its source text
     └── StoreError        the embedded store refused an operation
"""

from __future__ import annotations


class NewsweaveError(Exception):
    """Base of every error newsweave raises on purpose."""

    def __init__(self, message: str, subject: object = None) -> None:
        super().__init__(message)
        self.subject = subject


class InputError(NewsweaveError):
    """An input (file, record, stream line) could not be turned into an article.

    ``subject`` is the input's name as the user gave it (path, ``path:line``).
    """

    @property
    def reason(self) -> str:
        """The message without the leading ``"<input>: "``."""
        return str(self).removeprefix(f"{self.subject}: ")


class ConfigError(NewsweaveError, ValueError):
    """A configuration or command-line value is invalid (also a ValueError, as
    a bad argument is)."""


class ProvenanceError(NewsweaveError):
    """A span does not resolve to a passage of its source."""


class StoreError(NewsweaveError):
    """The embedded store could not complete an operation."""
