from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("samordning/", views.coordinator_overview, name="coordinator"),
    path("samordning/moderering/", views.moderation, name="moderation"),
    path("samordning/export/<int:pk>/", views.export_status, name="export_status"),
    path("samordning/export/<int:pk>/ladda-ner/", views.export_download, name="export_download"),
    path("kommentarer/<int:pk>/redigera/", views.comment_edit, name="comment_edit"),
    path("kommentarer/<int:pk>/ta-bort/", views.comment_delete, name="comment_delete"),
    path("kommentarer/<int:pk>/anmal/", views.comment_report, name="comment_report"),
    path("kommentarer/<int:pk>/dolj/", views.comment_hide, name="comment_hide"),
    path("kommentarer/<int:pk>/visa-igen/", views.comment_restore, name="comment_restore"),
    path("kommentarer/<int:pk>/avfarda-anmalningar/", views.reports_dismiss, name="reports_dismiss"),
    path("bilagor/<int:pk>/", views.attachment_download, name="attachment"),
    path("inskickade-filer/<int:pk>/", views.version_file_download, name="version_file"),
    path("<slug:slug>/", views.consultation_detail, name="detail"),
    path("<slug:slug>/kommentera/", views.comment_create, name="comment_create"),
    path("<slug:slug>/versioner/", views.version_diff, name="versions"),
    path("<slug:slug>/versioner/<int:number>/", views.version_detail, name="version"),
    path("<slug:slug>/remissvar/", views.response_edit, name="response"),
    path("<slug:slug>/remissvar/skicka/", views.response_submit, name="response_submit"),
    path("<slug:slug>/remissvar/kvitto/<str:receipt>/", views.receipt, name="receipt"),
    path("<slug:slug>/inkomna-svar/", views.responses_list, name="responses"),
    path("<slug:slug>/publicera/", views.consultation_publish, name="publish"),
    path("<slug:slug>/utfall/", views.outcome_edit, name="outcome"),
    path("<slug:slug>/deltagande/", views.participation, name="participation"),
    path("<slug:slug>/export/", views.export_create, name="export"),
    path("<slug:slug>/sammanstallning/", views.compilation, name="compilation"),
]

# Slugs a consultation may not take, because the paths above use them.
RESERVED_SLUGS = {"samordning", "kommentarer", "bilagor", "inskickade-filer"}
