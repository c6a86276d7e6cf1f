from django.urls import path

from . import views_oparl as views

app_name = "oparl"

urlpatterns = [
    path("", views.system, name="system"),
    path("file/<str:key>/content/", views.file_content, name="file_content"),
    path("<str:list_path>/", views.object_list, name="list"),
    path("<str:path>/<str:key>/", views.object_detail, name="object"),
]
