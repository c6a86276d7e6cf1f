"""Where apps say what they hold about a person and how to export, erase and prune it.

Each app that stores personal data has a `privacy.py` module (imported by `PortalConfig.ready` through
`autodiscover_modules("privacy")`) that calls `register`, so the portal never imports a domain app:

    # organisations/privacy.py
    from privacy.registry import register

    register(
        "organisations",
        exporter=export,          # user -> {"memberships": [...], ...}: JSON-able data, one file per key
        eraser=erase,             # user -> None: remove or anonymise what the app holds about the person
        blocker=blockers,         # user -> [reason, ...]: why the account cannot be deleted yet
        pruner=prune,             # cutoff -> {"what": count}: delete logs older than the cutoff
        titles={"memberships": _("Memberships")},
    )

Erasers run in one transaction, in registration order, before the portal erases the user row itself;
they must be safe to run twice (a second run finds nothing left to erase).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Contribution:
    app_label: str
    exporter: Callable[[Any], dict[str, Any]] | None = None
    eraser: Callable[[Any], None] | None = None
    blocker: Callable[[Any], list[Any]] | None = None
    pruner: Callable[[Any], dict[str, int]] | None = None
    titles: dict[str, Any] = field(default_factory=dict)


_registry: dict[str, Contribution] = {}


def register(app_label: str, **parts) -> Contribution:
    """Registers (or replaces, e.g. on a module reload) an app's contribution."""
    contribution = Contribution(app_label=app_label, **parts)
    _registry[app_label] = contribution
    return contribution


def contributions() -> list[Contribution]:
    """The portal's own part first, then the apps in the order they registered."""
    return sorted(_registry.values(), key=lambda c: c.app_label != "portal")


def title_for(key: str) -> Any:
    for contribution in _registry.values():
        if key in contribution.titles:
            return contribution.titles[key]
    return key.replace("_", " ").capitalize()
