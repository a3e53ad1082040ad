"""One builder per tab of the page. Each module's ``build(backend)`` lays out its tab inside the
``gr.Tabs`` being built and returns a ``TabView``: the components the page refreshes (after a load,
a tab switch or a change to the index) and how to compute their values from a ``PageState``.
``webui.blocks`` lists the builders and puts the page together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Attached to every gr.HTML that holds buttons: a click on [data-cd] becomes a Gradio "click"
#: event carrying {cd: action, arg: value}; other clicks (links) behave normally.
CHIP_JS = """
element.addEventListener('click', (event) => {
  const el = event.target.closest('[data-cd]');
  if (!el || !element.contains(el)) return;
  event.preventDefault();
  trigger('click', {cd: el.dataset.cd, arg: el.dataset.arg || ''});
});
"""

#: Handlers that only read the index and answer in milliseconds run without a queue limit; the
#: slow ones (answers, search) are limited per kind in ``Backend`` (see ``webui.backend.Lanes``).
FAST = {"concurrency_limit": None, "api_visibility": "private"}
PRIVATE = {"api_visibility": "private"}


@dataclass
class PageState:
    """What every tab may show after a refresh, read from one index generation."""

    user: str | None
    docs: list[dict[str, Any]]
    choices: dict[str, list[tuple[str, str]]]
    examples: list[str]
    agencies: list[dict[str, Any]]


@dataclass
class TabView:
    """A built tab: its ``gr.Tab``, the components refreshed with the page and how to fill them,
    and the events after which the page must be refreshed (an upload, a deletion)."""

    name: str
    tab: Any
    refresh_outputs: Sequence[Any] = ()
    refresh: Callable[[PageState], list[Any]] = lambda state: []
    changes_index: list[Any] = field(default_factory=list)
    loads: list[tuple[Callable, Any, Any]] = field(default_factory=list)  # (fn, inputs, outputs) on page load
    parts: dict[str, Any] = field(default_factory=dict)


def chip(evt: Any) -> dict[str, str]:
    """What a clicked [data-cd] button sent (CHIP_JS): {"cd": action, "arg": value}."""
    return getattr(evt, "_data", None) or {}


def page_number(value: Any) -> int:
    """A page number sent by a pager button (1 when missing or not a number)."""
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1
