from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_admin_urls")
def register_archive_urls():
    from . import workspace

    return [
        path("workspace/archive/", workspace.ArchiveView.as_view(), name="workspace_archive"),
        path(
            "workspace/archive/<int:pk>/", workspace.PackageView.as_view(), name="workspace_archive_package"
        ),
        path(
            "workspace/archive/<int:pk>/download/",
            workspace.DownloadView.as_view(),
            name="workspace_archive_download",
        ),
    ]


class _CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        from portal.workspace import is_workspace_user

        return is_workspace_user(request.user)


@hooks.register("register_admin_menu_item")
def register_archive_menu_item():
    return _CoordinatorMenuItem(
        _("Archive packages"), reverse("workspace_archive"), icon_name="folder-inverse", order=215
    )


@hooks.register("register_audit_sentences")
def opendata_audit_sentences():
    return {
        "sentences": {"opendata.archive_package": _("%(actor)s asked for an archive package of “%(object)s”")}
    }
