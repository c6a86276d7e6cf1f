from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.home, name="home"),
    path("export/", views.export_create, name="export_create"),
    path("export/<uuid:public_id>/", views.export_status, name="export_status"),
    path("export/<uuid:public_id>/ladda-ner/", views.export_download, name="export_download"),
    path("radera-konto/", views.account_delete, name="delete"),
    path("radera-konto/klart/", views.account_deleted, name="deleted"),
    path("samtycke/", views.consent, name="consent"),
]
