"""E-mail deliveries and suppressed addresses, readable (never editable) in the Wagtail admin by
coordinators and site admins: to answer "did the e-mail go out, and if not, why?"."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from notifications import registry
from notifications.models import Delivery, Suppression
from portal.wagtail_hooks import ReadOnlyPermissionPolicy

register_permission_policy(Delivery, ReadOnlyPermissionPolicy(Delivery))
register_permission_policy(Suppression, ReadOnlyPermissionPolicy(Suppression))


def _event_choices():
    return [(event_type.key, event_type.verbose_name) for event_type in registry.all_event_types()]


class DeliveryFilterSet(WagtailFilterSet):
    event = django_filters.ChoiceFilter(label=_("event"), choices=_event_choices)

    class Meta:
        model = Delivery
        fields = ["status", "event", "frequency"]


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    icon = "mail"
    menu_label = _("E-mail deliveries")
    list_display = [
        "created_at",
        "event",
        "recipient",
        "address",
        "status",
        "frequency",
        "attempts",
        "sent_at",
    ]
    filterset_class = DeliveryFilterSet
    search_fields = ["event", "recipient__email", "address", "last_error"]
    form_fields = ["status"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "created_at",
        "event",
        "content_type",
        "object_id",
        "dedupe_key",
        "recipient",
        "address",
        "organisation_id",
        "language",
        "channel",
        "frequency",
        "status",
        "attempts",
        "last_error",
        "queued_at",
        "sent_at",
        "digest_run",
    ]
    copy_view_enabled = False


class SuppressionViewSet(ModelViewSet):
    model = Suppression
    icon = "warning"
    menu_label = _("Suppressed addresses")
    list_display = ["email", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]
    form_fields = ["email"]
    inspect_view_enabled = True
    inspect_view_fields = ["email", "reason", "detail", "created_at"]
    copy_view_enabled = False


class NotificationsViewSetGroup(ViewSetGroup):
    items = (DeliveryViewSet("notification_deliveries"), SuppressionViewSet("notification_suppressions"))
    menu_icon = "mail"
    menu_label = _("Notifications")
    menu_order = 910


@hooks.register("register_admin_viewset")
def register_notifications_viewsets():
    return NotificationsViewSetGroup()
