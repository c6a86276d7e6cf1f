"""The audit trail as sentences in the reader's language ("Anna Berg published the minutes of 16 December")
instead of codes like `meetings.minutes_publish`.

Each app tells the portal how to say its actions through the `register_audit_sentences` Wagtail hook, which
returns {"sentences": {action: lazy text with %(actor)s and %(object)s}, "describe": {"app_label.model":
callable(target) -> str}, "targets": [querysets used to prefetch the objects]}; the portal imports no app.
"""

from __future__ import annotations

from functools import lru_cache

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.utils.translation import gettext as _


@lru_cache(maxsize=1)
def _registry() -> tuple[dict, dict, tuple]:
    from wagtail import hooks

    sentences, describe, targets = {}, {}, []
    for fn in hooks.get_hooks("register_audit_sentences"):
        entry = fn()
        sentences.update(entry.get("sentences", {}))
        describe.update(entry.get("describe", {}))
        targets.extend(entry.get("targets", []))
    return sentences, describe, tuple(targets)


def with_targets(queryset):
    """The entries with their objects prefetched (one query per kind of object) for `describe`."""
    _sentences, _describe, targets = _registry()
    queryset = queryset.select_related("actor", "content_type")
    if targets:
        queryset = queryset.prefetch_related(GenericPrefetch("target", [qs.all() for qs in targets]))
    return queryset


def sentence(entry) -> str:
    sentences, describe, _targets = _registry()
    actor = entry.actor.get_display_name() if entry.actor else _("The system")
    obj = entry.object_repr
    label = f"{entry.content_type.app_label}.{entry.content_type.model}" if entry.content_type_id else ""
    target = _cached_target(entry)
    if target is not None and label in describe:
        obj = describe[label](target)
    template = sentences.get(entry.action)
    if template is None:
        return _("%(actor)s: %(action)s, %(object)s") % {
            "actor": actor,
            "action": entry.action,
            "object": obj,
        }
    return str(template) % {"actor": actor, "object": obj}


def _cached_target(entry):
    """The prefetched object, without a query when it was not prefetched."""
    field = type(entry)._meta.get_field("target")
    if field.is_cached(entry):
        return field.get_cached_value(entry)
    return None
