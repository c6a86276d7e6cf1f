import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from consultations import services
from consultations.models import Comment, Export, ResponseVersion
from tests.consultations.conftest import close, exe_upload, pdf_upload
from tests.factories import CommentFactory, ConsultationFactory, OrganisationFactory, SectionFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "member_a", "admin_a", "admin_b", "coord"]


@pytest.fixture
def as_role(client, request):
    def login(role):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return login


def url(name, **kwargs):
    return reverse(f"consultations:{name}", kwargs=kwargs)


# --- Public pages -------------------------------------------------------------------------------------


def test_list_tabs_and_filters(client, consultation):
    other = ConsultationFactory(title="Barn och unga i skolan", development_area_id="children")
    response = client.get(url("list"))
    html = response.content.decode()
    assert consultation.title in html and other.title in html
    response = client.get(url("list") + "?area=children")
    html = response.content.decode()
    assert other.title in html and consultation.title not in html
    close(consultation)
    assert consultation.title in client.get(url("list") + "?status=ended").content.decode()
    assert consultation.title not in client.get(url("list")).content.decode()


def test_draft_is_hidden_from_public_but_visible_to_coordinator(client, coord):
    draft = ConsultationFactory(published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(coord)
    response = client.get(draft.get_absolute_url())
    # The public page carries only a small link into the coordinators' workspace.
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/admin/workspace/consultations/{draft.pk}/">Hantera' in html
    assert "Publicera samrådet" not in html


def test_detail_shows_sections_counts_threads_and_attribution(client, consultation, member_a, org_a):
    section = consultation.sections.first()
    comment = services.comment_create(
        author=member_a, consultation=consultation, organisation=org_a, text="Viktig punkt", section=section
    )
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert f'id="{section.anchor}"' in html
    assert "Anna Medlem, Föreningen Alfa" in html
    assert f'id="{comment.anchor}"' in html
    assert "1 kommentar" in html
    assert 'name="text"' not in html  # anonymous: no comment form


def test_comment_form_only_for_eligible_members(client, consultation, member_a, outsider):
    client.force_login(outsider)
    assert 'name="text"' not in client.get(consultation.get_absolute_url()).content.decode()
    client.force_login(member_a)
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert 'name="text"' in html and "Anna Medlem, Föreningen Alfa" in html


def test_post_comment_and_reply(client, consultation, member_a, member_b, org_a, org_b):
    section = consultation.sections.first()
    client.force_login(member_a)
    response = client.post(
        url("comment_create", slug=consultation.slug),
        {"text": "Första", "organisation": org_a.pk, "section": str(section.key)},
    )
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#{comment.anchor}")
    client.force_login(member_b)
    client.post(
        url("comment_create", slug=consultation.slug),
        {"text": "Svar", "organisation": org_b.pk, "parent": comment.pk},
    )
    assert Comment.objects.get(parent=comment).organisation == org_b


def test_comment_for_someone_elses_organisation_is_refused(client, consultation, member_a, org_b):
    client.force_login(member_a)
    response = client.post(
        url("comment_create", slug=consultation.slug), {"text": "Kapning", "organisation": org_b.pk}
    )
    assert response.status_code == 400
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Det här fältet är obligatoriskt"),
        ("x" * 100_000, "Texten är för lång"),
        ("<script>alert(1)</script>", "HTML-taggar"),
    ],
)
def test_bad_comment_shows_message_in_swedish_and_keeps_nothing(
    client, consultation, member_a, org_a, text, message
):
    client.force_login(member_a)
    response = client.post(
        url("comment_create", slug=consultation.slug), {"text": text, "organisation": org_a.pk}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Comment.objects.count() == 0


def test_bad_comment_message_in_english(client, consultation, member_a, org_a):
    client.force_login(member_a)
    response = client.post(
        "/en" + url("comment_create", slug=consultation.slug), {"text": "<b>x</b>", "organisation": org_a.pk}
    )
    assert "Write plain text: HTML tags and scripts are not allowed." in response.content.decode()


def test_late_comment_refused_by_server(client, consultation, member_a, org_a):
    close(consultation)
    client.force_login(member_a)
    response = client.post(
        url("comment_create", slug=consultation.slug), {"text": "Sent", "organisation": org_a.pk}
    )
    assert response.status_code == 400 and "stängt" in response.content.decode()
    assert Comment.objects.count() == 0


def test_version_diff_view(client, consultation, coord):
    section = consultation.sections.first()
    section.body = "<p>Helt ny mening.</p>"
    section.save()
    services.consultation_record_edit(consultation=consultation, actor=coord, change_note="Ny mening")
    html = client.get(url("versions", slug=consultation.slug)).content.decode()
    assert "Helt ny mening." in html and "<ins" in html and "<del" in html and "Ny mening" in html


# --- Permissions per view -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("member_a", 200),
        ("admin_a", 200),
        ("admin_b", 200),
        ("coord", 403),
    ],
)
def test_response_page_permissions(as_role, consultation, role, expected):
    assert as_role(role).get(url("response", slug=consultation.slug)).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("member_a", 403),
        ("admin_a", 200),
        ("admin_b", 302),
        ("coord", 403),
    ],
)
def test_submit_page_permissions(as_role, consultation, org_a, member_a, role, expected):
    services.response_save_draft(
        response=services.response_for(consultation=consultation, organisation=org_a),
        user=member_a,
        revision=0,
        text="Utkast",
    )
    # admin_b has no response yet for org_b: redirected to the draft form.
    assert as_role(role).get(url("response_submit", slug=consultation.slug)).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("member_a", 403),
        ("admin_a", 403),
        ("admin_b", 403),
        ("coord", 200),
    ],
)
def test_coordinator_pages_permissions(as_role, consultation, role, expected):
    client = as_role(role)
    for name, kwargs in [
        ("coordinator", {}),
        ("moderation", {}),
        ("participation", {"slug": consultation.slug}),
    ]:
        # The overview and the moderation queue moved into the workspace: coordinators are redirected.
        want = 302 if expected == 200 and name != "participation" else expected
        assert client.get(url(name, **kwargs)).status_code == want, name


def test_coordinator_without_totp_is_sent_to_set_it_up(client, consultation):
    from tests.factories import coordinator

    client.force_login(coordinator("ingen-totp@example.org", totp=False))
    response = client.get(url("coordinator"))
    assert response.status_code == 302 and "totp" in response["Location"]


def test_draft_visible_only_inside_organisation_and_receipt_too(
    client, consultation, org_a, member_a, admin_a, admin_b
):
    response = services.response_for(consultation=consultation, organisation=org_a)
    services.response_save_draft(
        response=response, user=member_a, revision=0, text="Hemligt utkast", new_files=[pdf_upload()]
    )
    client.force_login(admin_b)
    html = client.get(url("response", slug=consultation.slug) + f"?organisation={org_a.pk}").content.decode()
    assert "Hemligt utkast" not in html
    attachment = response.attachments.get()
    assert client.get(url("attachment", pk=attachment.pk)).status_code == 403
    version = services.response_submit(response=response, user=admin_a, revision=1)
    assert client.get(version.get_receipt_url()).status_code == 403
    client.force_login(member_a)
    assert "Hemligt utkast" in client.get(url("response", slug=consultation.slug)).content.decode()
    assert client.get(version.get_receipt_url()).status_code == 200


def test_draft_form_save_submit_and_receipt(
    client, consultation, admin_a, mailoutbox, django_capture_on_commit_callbacks
):
    question = consultation.questions.first()
    client.force_login(admin_a)
    page = client.get(url("response", slug=consultation.slug))
    assert "Vad saknas?" in page.content.decode()
    response = client.post(
        url("response", slug=consultation.slug),
        {
            "revision": 0,
            "text": "Vårt svar",
            f"answer_{question.pk}": "Mer om skolan",
            "files": [pdf_upload()],
            "then": "submit",
        },
    )
    assert response.status_code == 302 and "skicka" in response["Location"]
    confirm = client.get(response["Location"])
    assert "Mer om skolan" in confirm.content.decode()
    # Without the confirmation tick nothing is submitted.
    refused = client.post(response["Location"], {"revision": 1})
    assert refused.status_code == 400 and ResponseVersion.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(response["Location"], {"revision": 1, "confirm": "on"})
    version = ResponseVersion.objects.get()
    assert done["Location"] == version.get_receipt_url()
    receipt = client.get(done["Location"]).content.decode()
    assert version.receipt_number in receipt and version.sha256 in receipt
    assert any(version.receipt_number in m.subject for m in mailoutbox)


def test_conflicting_draft_save_shows_message_and_keeps_text(client, consultation, org_a, member_a, admin_a):
    response = services.response_for(consultation=consultation, organisation=org_a)
    services.response_save_draft(response=response, user=member_a, revision=0, text="Annas version")
    client.force_login(admin_a)
    page = client.post(url("response", slug=consultation.slug), {"revision": 0, "text": "Amirs version"})
    html = page.content.decode()
    assert page.status_code == 400 and "Anna Medlem sparade svaret medan du redigerade" in html
    assert "Amirs version" in html
    response.refresh_from_db()
    assert response.text == "Annas version"


def test_executable_renamed_pdf_rejected_by_form(client, consultation, member_a):
    client.force_login(member_a)
    page = client.post(
        url("response", slug=consultation.slug), {"revision": 0, "text": "x", "files": [exe_upload()]}
    )
    assert page.status_code == 400 and "inte ett PDF-, DOCX- eller ODT-dokument" in page.content.decode()


def test_submitted_responses_visibility_after_closing(client, consultation, org_a, admin_a, outsider):
    response = services.response_for(consultation=consultation, organisation=org_a)
    services.response_save_draft(response=response, user=admin_a, revision=0, text="Offentligt svar")
    services.response_submit(response=response, user=admin_a, revision=1)
    assert client.get(url("responses", slug=consultation.slug)).status_code == 403
    close(consultation)
    assert "Offentligt svar" in client.get(url("responses", slug=consultation.slug)).content.decode()
    consultation.responses_visibility = "members"
    consultation.save()
    assert client.get(url("responses", slug=consultation.slug)).status_code == 302
    client.force_login(outsider)
    assert client.get(url("responses", slug=consultation.slug)).status_code == 403


def test_moderation_flow_via_views(client, consultation, member_a, member_b, org_a, coord):
    comment = services.comment_create(
        author=member_a, consultation=consultation, organisation=org_a, text="Elakt"
    )
    client.force_login(member_b)
    client.post(url("comment_report", pk=comment.pk), {"reason": "Kränkande"})
    assert client.post(url("comment_hide", pk=comment.pk), {"reason": "x"}).status_code == 403
    client.force_login(coord)
    workspace = client.get(url("moderation"), follow=True)
    assert workspace.redirect_chain[-1][0] == reverse("workspace_consultations")
    assert "1 öppen anmälan" in workspace.content.decode()
    page = client.get(reverse("workspace_consultation", args=[consultation.pk])).content.decode()
    assert "Kränkande" in page
    client.post(url("comment_hide", pk=comment.pk), {"reason": "Kränkande språk"})
    client.logout()
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert "Elakt" not in html and "En moderator har dolt kommentaren" in html


def test_outcome_form_and_publish(client, consultation, member_a, org_a, coord):
    comment = services.comment_create(
        author=member_a, consultation=consultation, organisation=org_a, text="Förslag"
    )
    section = consultation.sections.first()
    client.force_login(coord)
    assert client.get(url("outcome", slug=consultation.slug)).status_code == 302  # still open
    close(consultation)
    data = {
        "summary": "Staden ändrade aktiviteten.",
        f"section_{section.pk}": "Vi tog till oss synpunkterna.",
        f"comment_{comment.pk}_mark": "taken",
        f"comment_{comment.pk}_rationale": "Det blev bättre.",
        "action": "publish",
    }
    assert client.post(url("outcome", slug=consultation.slug), data).status_code == 302
    client.logout()
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert "Staden ändrade aktiviteten." in html and "Vi tog till oss synpunkterna." in html
    assert "Det blev bättre." in html and "avslutat" in html


def test_exports_xlsx_and_pdf(
    client, consultation, member_a, org_a, admin_a, coord, django_capture_on_commit_callbacks
):
    services.comment_create(
        author=member_a, consultation=consultation, organisation=org_a, text="Exportera mig"
    )
    response = services.response_for(consultation=consultation, organisation=org_a)
    services.response_save_draft(response=response, user=admin_a, revision=0, text="Remissvar till PDF")
    services.response_submit(response=response, user=admin_a, revision=1)
    client.force_login(coord)
    for kind in ("xlsx", "pdf"):
        with django_capture_on_commit_callbacks(execute=True):
            redirect = client.post(url("export", slug=consultation.slug), {"kind": kind})
        export = Export.objects.get(kind=kind)
        assert redirect["Location"] == export.get_absolute_url()
        export.refresh_from_db()
        assert export.status == "done", export.error
        assert export.progress == 100
        # The workspace page lists it; the old download address (in sent e-mails) redirects to the
        # workspace download.
        assert (
            reverse("workspace_consultation_export_download", args=[export.pk])
            in client.get(export.get_absolute_url()).content.decode()
        )
        body = b"".join(client.get(url("export_download", pk=export.pk), follow=True).streaming_content)
        if kind == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(body))
            rows = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
            assert any("Exportera mig" in (v or "") for v in rows[1] if isinstance(v, str))
            assert book.worksheets[1].max_row == 2
        else:
            reader = PdfReader(io.BytesIO(body))
            assert len(reader.pages) >= 2
            assert "Remissvar till PDF" in "".join(page.extract_text() for page in reader.pages)


def test_a_pending_export_is_followed_on_the_workspace_page(client, consultation, member_a, coord):
    export = Export.objects.create(consultation=consultation, kind="xlsx", requested_by=coord)
    status_url = url("export_status", pk=export.pk) + "?format=json"
    client.force_login(member_a)
    assert client.get(status_url).status_code in (302, 403)
    client.force_login(coord)
    page = client.get(reverse("workspace_consultation", args=[consultation.pk])).content.decode()
    assert 'id="export-status"' in page and status_url.replace("&", "&amp;") in page
    assert client.get(status_url).json() == {"status": "pending", "label": "Väntar", "progress": 0}
    Export.objects.filter(pk=export.pk).update(status="done", progress=100)
    assert client.get(status_url).json()["status"] == "done"
    page = client.get(reverse("workspace_consultation", args=[consultation.pk])).content.decode()
    assert 'id="export-status"' not in page
    assert reverse("workspace_consultation_export_download", args=[export.pk]) in page


def test_participation_figures(client, consultation, member_a, org_a, org_b, coord):
    services.comment_create(author=member_a, consultation=consultation, organisation=org_a, text="Med")
    OrganisationFactory(status="pending")
    client.force_login(coord)
    figures = client.get(url("participation", slug=consultation.slug)).context["figures"]["totals"]
    assert figures["invited"] == 2 and figures["commented"] == 1 and figures["responded"] == 0


def test_home_slot_lists_open_consultations(client, consultation):
    from django.template.loader import render_to_string

    html = render_to_string("consultations/includes/home_open_consultations.html", {})
    assert consultation.title in html


# --- Query counts -------------------------------------------------------------------------------------


def _big_consultation(organisation, author, sections=30, comments=500):
    consultation = ConsultationFactory(sections=0)
    made = [SectionFactory(consultation=consultation, sort_order=i) for i in range(sections)]
    top = []
    for i in range(comments):
        parent = top[i % len(top)] if i % 3 == 2 and top else None
        comment = CommentFactory.build(
            consultation=consultation,
            section=parent.section if parent else made[i % sections],
            parent=parent,
            author=author,
            organisation=organisation,
        )
        comment.save()
        if parent is None:
            top.append(comment)
    return consultation


@pytest.mark.parametrize("role", ["anonymous", "member_a", "coord"])
def test_detail_page_queries_do_not_grow_with_data(as_role, org_a, member_a, role):
    small = _big_consultation(org_a, member_a, sections=3, comments=5)
    big = _big_consultation(org_a, member_a, sections=30, comments=500)
    client = as_role(role)
    client.get(small.get_absolute_url())  # warm caches (ContentTypes, site settings)
    with CaptureQueriesContext(connection) as small_queries:
        response = client.get(small.get_absolute_url())
    assert response.status_code == 200
    client.get(big.get_absolute_url())  # this page's layout, cached once
    with CaptureQueriesContext(connection) as big_queries:
        response = client.get(big.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('class="comment') >= 500
    assert len(big_queries) == len(small_queries), (len(small_queries), len(big_queries))
    assert len(small_queries) <= 30


def test_list_page_queries_do_not_grow_with_data(client, org_a, member_a, django_assert_max_num_queries):
    for _ in range(3):
        _big_consultation(org_a, member_a, sections=3, comments=5)
    client.get(url("list"))
    with CaptureQueriesContext(connection) as few:
        client.get(url("list"))
    for _ in range(27):
        _big_consultation(org_a, member_a, sections=2, comments=20)
    client.get(url("list"))  # the new rows start a new layout generation: cached again by the first request
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("list"))
    assert response.context["page_obj"].paginator.count == 30
    assert len(many) == len(few)
    with django_assert_max_num_queries(15):
        client.get(url("list"))


def test_reply_link_opens_one_reply_form_under_its_thread(client, consultation, member_a, member_b, org_a):
    """Members get a "Reply" link per thread, not a form per thread; `?svar=<id>` opens the one reply
    form under that thread, says whom it answers and posts the reply with the right parent."""
    section = consultation.sections.first()
    first = CommentFactory(consultation=consultation, section=section, author=member_a, organisation=org_a)
    second = CommentFactory(consultation=consultation, section=section, author=member_a, organisation=org_a)
    client.force_login(member_b)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert f'href="?svar={first.pk}"' in page and f'href="?svar={second.pk}"' in page
    assert 'name="parent"' not in page and "Ditt svar till" not in page

    page = client.get(consultation.get_absolute_url(), {"svar": first.pk}).content.decode()
    assert page.count('name="parent"') == 1 and f'name="parent" value="{first.pk}"' in page
    assert page.count('id="comment-form"') == 1
    assert "Ditt svar till Anna Medlem, Föreningen Alfa" in page and " autofocus" in page
    # The form sits in the first thread, before the second comment.
    assert page.index('id="comment-form"') < page.index(f'id="{second.anchor}"')
    # A reply cannot itself be replied to, and junk is ignored.
    for junk in ("abc", "999999", ""):
        assert (
            'name="parent"'
            not in client.get(consultation.get_absolute_url(), {"svar": junk}).content.decode()
        )


def test_comment_text_is_escaped_and_links_are_clickable(client, consultation, member_a, org_a):
    section = consultation.sections.first()
    CommentFactory(
        consultation=consultation,
        section=section,
        author=member_a,
        organisation=org_a,
        text="<b>fet</b> & se https://example.org/a?b=1\n\nNytt stycke",
    )
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "&lt;b&gt;fet&lt;/b&gt; &amp; se" in page and "<b>fet</b>" not in page
    assert '<a href="https://example.org/a?b=1" rel="nofollow">' in page
    assert "</p>\n\n<p>Nytt stycke</p>" in page
