"""Who hears about what in the action plan: a knowledge input reaches the activity's responsible
coordinator, or every coordinator when the activity names none (or the input is about a whole area)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.registry import EventType, is_registered, register
from notifications.services import notify

INPUT_RECEIVED = "actionplan.input_received"


def responsible_coordinators(knowledge_input, _context=None):
    users = get_user_model().objects.filter(is_active=True)
    activity = knowledge_input.activity
    if activity is not None and activity.coordinator_id:
        return users.filter(pk=activity.coordinator_id)
    return users.filter(groups__name=settings.COORDINATORS_GROUP).distinct()


if not is_registered(INPUT_RECEIVED):
    register(
        EventType(
            key=INPUT_RECEIVED,
            verbose_name=_("An organisation sends knowledge input"),
            description=_(
                "For coordinators: what an organisation sees of racism, about an activity you answer for."
            ),
            recipients=responsible_coordinators,
            link=lambda knowledge_input: reverse(
                "actionplan:input_detail", kwargs={"pk": knowledge_input.pk}
            ),
            prefetch=("organisation",),
        )
    )


def knowledge_input_received(knowledge_input) -> None:
    notify(INPUT_RECEIVED, knowledge_input, actor=knowledge_input.sent_by)
