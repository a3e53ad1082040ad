"""One loader per format behind a registry keyed by the sniffed kind.

A loader is a function ``Source → Read`` registered with ``@register("pdf")``; ``loader_for(kind)``
finds it (importing the built-in loaders on first use). ``ingest.load.load_file`` sniffs the kind,
calls the loader and applies what is common to every format (size limits, legacy repair, warnings).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.loaders.base import Read, Source

Loader = Callable[["Source"], "Read"]

_LOADERS: dict[str, Loader] = {}
_BUILTIN = ("pdf", "docx", "doc", "html", "text", "image")


def register(*kinds: str) -> Callable[[Loader], Loader]:
    """Decorator: ``fn`` reads files of these sniffed kinds (a later registration replaces an earlier one)."""

    def wrap(fn: Loader) -> Loader:
        for kind in kinds:
            _LOADERS[kind] = fn
        return fn

    return wrap


def _load_builtins() -> None:
    import importlib

    for name in _BUILTIN:
        importlib.import_module(f"ingest.loaders.{name}")


def loader_for(kind: str) -> Loader:
    """The loader of a sniffed kind; ``KeyError`` naming the known kinds for any other."""
    if not _LOADERS:
        _load_builtins()
    try:
        return _LOADERS[kind]
    except KeyError:
        raise KeyError(f"no loader for {kind!r}; known kinds: {', '.join(sorted(_LOADERS))}") from None


def kinds() -> list[str]:
    """Every kind a loader is registered for."""
    if not _LOADERS:
        _load_builtins()
    return sorted(_LOADERS)
