from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/last/", views.mark_read, name="mark_read"),
    path("alla-lasta/", views.mark_all_read, name="mark_all_read"),
    path("installningar/", views.preferences, name="preferences"),
    path("avregistrera/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("organisation/<int:organisation_id>/", views.organisation_contact, name="organisation_contact"),
    path(
        "avregistrera-organisation/<str:token>/",
        views.organisation_unsubscribe,
        name="organisation_unsubscribe",
    ),
]
