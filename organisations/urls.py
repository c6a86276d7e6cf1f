from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("registrera/", views.register, name="register"),
    path("mina/", views.mine, name="mine"),
    path("inbjudan/<str:token>/", views.invitation, name="invitation"),
    path("samordning/", views.coordinator_queue, name="coordinator_queue"),
    path("samordning/alla/", views.coordinator_list, name="coordinator_list"),
    path("samordning/export.<str:fmt>", views.coordinator_export, name="coordinator_export"),
    path("samordning/<slug:slug>/godkann/", views.approve, name="approve"),
    path("samordning/<slug:slug>/avsla/", views.reject, name="reject"),
    path("samordning/<slug:slug>/stang-av/", views.suspend, name="suspend"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/ansokan/", views.application, name="application"),
    path("<slug:slug>/installningar/", views.settings_view, name="settings"),
    path("<slug:slug>/bjud-in/", views.invite, name="invite"),
    path("<slug:slug>/inbjudningar/<int:pk>/aterkalla/", views.invitation_revoke, name="invitation_revoke"),
    path("<slug:slug>/medlemmar/<int:pk>/roll/", views.member_role, name="member_role"),
    path("<slug:slug>/medlemmar/<int:pk>/ta-bort/", views.member_remove, name="member_remove"),
    path("<slug:slug>/lamna/", views.leave, name="leave"),
    path("<slug:slug>/lamna-portalen/", views.withdraw, name="withdraw"),
    path("<slug:slug>/ansok-om-medlemskap/", views.join, name="join"),
    path("<slug:slug>/forfragningar/<int:pk>/", views.join_request, name="join_request"),
]

# Slugs that an organisation may not take, because the paths above use them.
RESERVED_SLUGS = {"registrera", "mina", "inbjudan", "samordning"}
