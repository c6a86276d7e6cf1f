from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("tidigare/", views.meeting_past, name="past"),
    path("mina-svar/", views.my_rsvps, name="my_rsvps"),
    path("atgarder/", views.action_items, name="action_items"),
    path("atgarder/<int:pk>/", views.action_item_update, name="action_item_update"),
    path("kalender/", views.calendar_settings, name="calendar"),
    path("kalender.ics", views.public_feed, name="public_feed"),
    path("kalender/<str:key>.ics", views.personal_feed, name="personal_feed"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/svar/<int:organisation_pk>/", views.rsvp, name="rsvp"),
    path("<int:pk>/kalender.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/protokoll/granska/", views.minutes_review, name="minutes_review"),
    path("<int:pk>/protokoll.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("samordning/nytt/", views.meeting_create, name="create"),
    path("samordning/<int:pk>/", views.meeting_manage, name="manage"),
    path("samordning/<int:pk>/redigera/", views.meeting_edit, name="edit"),
    path("samordning/<int:pk>/narvaro/", views.attendance, name="attendance"),
    path("samordning/<int:pk>/protokoll/", views.minutes_edit, name="minutes_edit"),
    path("samordning/<int:pk>/protokoll/<slug:action>/", views.minutes_action, name="minutes_action"),
    path("samordning/<int:pk>/<slug:action>/", views.meeting_state, name="state"),
]
