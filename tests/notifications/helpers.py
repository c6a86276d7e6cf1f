"""A test-only event type about a django.contrib.auth Group, so the tests need no domain app.

Members of the group are the recipients; the templates live in tests/notifications/templates.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from notifications import registry
from notifications.registry import EventType, Frequency

TEMPLATE_DIR = Path(__file__).parent / "templates"

PING = "testapp.ping"
RECEIPT = "testapp.receipt"
BROKEN = "testapp.broken"


def members(group, context):
    return get_user_model().objects.filter(groups=group)


def group_link(group):
    return f"/test-groups/{group.pk}/"


EVENT_TYPES = [
    EventType(
        key=PING,
        verbose_name="Test ping",
        description="A test event that users may turn off.",
        recipients=members,
        link=group_link,
        default_frequency=Frequency.IMMEDIATELY,
    ),
    EventType(key=RECEIPT, verbose_name="Test receipt", recipients=members, link=group_link, mandatory=True),
    EventType(key=BROKEN, verbose_name="Test broken template", recipients=members, link=group_link),
]


def register_test_events():
    for event_type in EVENT_TYPES:
        registry.register(event_type)


def unregister_test_events():
    for event_type in EVENT_TYPES:
        registry.unregister(event_type.key)


def use_test_templates(settings):
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEMPLATE_DIR]
    settings.TEMPLATES = templates


def make_group(name="Consultation on schools", users=()):
    group = Group.objects.create(name=name)
    group.user_set.add(*users)
    return group


def make_users(count, *, prefix="user", language="sv", **extra):
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{i}@example.org",
                display_name=f"{prefix.title()} {i}",
                preferred_language=language,
                password="!",
                **extra,
            )
            for i in range(count)
        ]
    )
    return list(User.objects.filter(email__startswith=prefix).order_by("pk")) if users else []


def log_in(client, user):
    """Logs `user` in as someone who accepted the privacy terms (the portal asks for that first)."""
    try:
        from privacy.services import consent_record
    except ImportError:  # pragma: no cover - before the privacy package existed
        consent_record = None
    if consent_record is not None:
        consent_record(user=user)
    client.force_login(user)


class FlakyBackend:
    """The locmem e-mail backend, except that the server "disconnects" for the addresses in `refuse`."""

    refuse: set = set()

    def __new__(cls, *args, **kwargs):
        import smtplib

        from django.core.mail.backends import locmem

        class _Backend(locmem.EmailBackend):
            def send_messages(self, messages):
                for message in messages:
                    if set(message.to) & FlakyBackend.refuse:
                        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
                return super().send_messages(messages)

        return _Backend(*args, **kwargs)
