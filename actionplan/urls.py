from django.urls import path

from . import views

app_name = "actionplan"

urlpatterns = [
    path("underlag/", views.input_list, name="input_list"),
    path("underlag/nytt/", views.input_create, name="input_create"),
    path("underlag/<int:pk>/", views.input_detail, name="input_detail"),
    path("tackning/", views.dashboard_view, name="dashboard"),
    path("tackning/<slug:table>.csv", views.dashboard_csv, name="dashboard_csv"),
    path("deltagande/", views.summary, name="summary"),
    path("uppfoljning/<int:pk>/publicera/", views.follow_up_publish, name="follow_up_publish"),
    path("uppfoljning/<int:pk>/rattelse/", views.follow_up_correct, name="follow_up_correct"),
]
