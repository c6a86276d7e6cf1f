"""What the action plan holds about a person: the knowledge input they sent, and the input of the
organisations they administer (the organisation's data). Erasing the person keeps the organisation's
input and forgets who sent it."""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from privacy.registry import register

from .models import KnowledgeInput


def export(user) -> dict:
    from organisations.models import Membership

    administered = Membership.objects.active().admins().filter(user=user).values("organisation_id")
    inputs = (
        KnowledgeInput.objects.filter(Q(sent_by=user) | Q(organisation_id__in=administered))
        .select_related("organisation", "activity", "area")
        .prefetch_related("forms_of_racism")
        .order_by("sent_at", "pk")
    )
    return {
        "knowledge_inputs": [
            {
                "organisation": i.organisation.name,
                "sent_by_me": i.sent_by_id == user.pk,
                "sent": i.sent_at,
                "activity": i.activity.title if i.activity else "",
                "development_area": i.area.localized_name if i.area else "",
                "forms_of_racism": [f.slug for f in i.forms_of_racism.all()],
                "settings": i.settings,
                "city_districts": i.city_districts,
                "text": i.text,
                "suggestions": i.suggestions,
            }
            for i in inputs
        ]
    }


def erase(user) -> None:
    KnowledgeInput.objects.filter(sent_by=user).update(sent_by=None)


register(
    "actionplan",
    exporter=export,
    eraser=erase,
    titles={"knowledge_inputs": gettext_lazy("Knowledge input")},
)
