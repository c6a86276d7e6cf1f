"""Consultation pages. Each view loads, checks permission on the server, validates the form, calls one
service and redirects (or renders)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from organisations import permissions as org_permissions
from organisations.attribution import default_organisation, speaking_for_memberships
from portal import kept_drafts
from portal.idempotency import idempotent
from portal.private_media import serve_private_file
from portal.two_factor import coordinator_required

from . import permissions, selectors, services
from .exports import compilation_context
from .forms import (
    CommentEditForm,
    CommentForm,
    ExportForm,
    FilterForm,
    OutcomeForm,
    ReasonForm,
    ReportForm,
    ResponseForm,
    SubmitForm,
)
from .models import (
    Comment,
    Consultation,
    ConsultationVersion,
    Export,
    Response,
    ResponseAttachment,
    ResponseVersion,
    ResponseVersionFile,
    Section,
)

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
PER_PAGE = 10


def _login(request):
    return redirect_to_login(request.get_full_path())


def _consultation(request, slug) -> Consultation:
    """A published consultation (drafts only for coordinators); 404 otherwise."""
    consultation = get_object_or_404(
        Consultation.objects.select_related("outcome", "development_area"), slug=slug
    )
    if not permissions.can_view(request.user, consultation):
        raise Http404
    return consultation


def _field_for(exc: ValidationError, field: str):
    """The field an error about the text belongs to; None (the whole form) for any other error. A
    ValidationError holding a list or a dict has no code of its own."""
    return field if getattr(exc, "code", "") in ("empty", "too_long", "markup") else None


def _add_errors(form, exc: ValidationError, field=None):
    for message in exc.messages:
        form.add_error(field, message)


# --- Public pages -------------------------------------------------------------------------------------


def consultation_list(request):
    tab = request.GET.get("status", "open")
    if tab not in selectors.LIST_TABS:
        tab = "open"
    form = FilterForm(request.GET or None)
    area = focus = ""
    if form.is_valid():
        area, focus = form.cleaned_data["area"], form.cleaned_data["focus"]
    consultations = selectors.consultation_list(tab=tab, development_area=area, focus_area=focus)
    page_obj = Paginator(consultations, PER_PAGE).get_page(request.GET.get("page"))
    tabs = [
        ("open", _("Open")),
        ("coming", _("Coming")),
        ("ended", _("Closed and concluded")),
    ]
    return TemplateResponse(
        request,
        "consultations/consultation_list.html",
        {"form": form, "tab": tab, "tabs": tabs, "page_obj": page_obj, "consultations": page_obj.object_list},
    )


def consultation_detail(request, slug):
    consultation = _consultation(request, slug)
    is_coordinator = permissions.is_coordinator(request.user)
    context = selectors.consultation_detail(
        consultation, request.user, is_coordinator=is_coordinator, reply_to=request.GET.get("svar", "")
    )
    context["is_coordinator"] = is_coordinator
    context["can_read_responses"] = permissions.can_read_submitted_responses(request.user, consultation)
    # The response link only for those whose organisation takes part in this consultation.
    context["my_organisations"] = permissions.participating_organisations(request.user, consultation)
    return TemplateResponse(request, "consultations/consultation_detail.html", context)


def version_diff(request, slug):
    consultation = _consultation(request, slug)
    versions = list(consultation.versions.order_by("number"))
    if not versions:
        raise Http404
    numbers = [v.number for v in versions]
    try:
        new_number = int(request.GET.get("to", numbers[-1]))
        old_number = int(request.GET.get("from", max(numbers[0], new_number - 1)))
    except ValueError as exc:
        raise Http404 from exc
    by_number = {v.number: v for v in versions}
    if new_number not in by_number or old_number not in by_number:
        raise Http404
    old, new = by_number[old_number], by_number[new_number]
    return TemplateResponse(
        request,
        "consultations/version_diff.html",
        {
            "consultation": consultation,
            "versions": versions,
            "old": old,
            "new": new,
            "diff": selectors.version_diff(old.snapshot, new.snapshot) if old != new else [],
        },
    )


# --- Comments -----------------------------------------------------------------------------------------


@GET_POST
@idempotent
def comment_create(request, slug):
    if not request.user.is_authenticated:
        if kept_drafts.session_expired(request) and request.method == "POST":
            _consultation(request, slug)  # keep text only for a consultation that exists
        return kept_drafts.keep_and_login(
            request,
            kind="comment",
            target=slug,
            fields=("text", "section", "parent", "organisation"),
            then=request.get_full_path(),
        )
    consultation = _consultation(request, slug)
    organisations = permissions.participating_organisations(request.user, consultation)
    if request.method != "POST":
        kept = kept_drafts.claim(request, kind="comment", target=consultation.slug)
        if kept is None or not organisations or not consultation.is_open:
            return redirect(consultation)
        return _kept_comment_form(request, consultation, organisations, kept)
    form = CommentForm(request.POST, organisations=organisations)
    if not consultation.is_open:
        form.add_error(None, _("The consultation is closed: comments and responses can no longer be sent."))
    elif not organisations:
        raise PermissionDenied
    section = parent = None
    if form.is_valid():
        key = form.cleaned_data["section"]
        if key:
            section = (
                Section.objects.filter(consultation=consultation, key=key).first() if _is_uuid(key) else None
            )
            if section is None:
                form.add_error(None, _("The section no longer exists."))
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(consultation=consultation, pk=form.cleaned_data["parent"]).first()
            if parent is None:
                form.add_error(None, _("The comment you reply to no longer exists."))
    if form.is_valid():
        organisation = next(o for o in organisations if o.pk == form.cleaned_data["organisation"])
        try:
            comment = services.comment_create(
                author=request.user,
                consultation=consultation,
                organisation=organisation,
                text=form.cleaned_data["text"],
                section=section,
                parent=parent,
            )
        except ValidationError as exc:
            _add_errors(form, exc, _field_for(exc, "text"))
        else:
            messages.success(request, _("Your comment is published."))
            return redirect(f"{consultation.get_absolute_url()}#{comment.anchor}")
    return TemplateResponse(
        request,
        "consultations/comment_form.html",
        {"consultation": consultation, "form": form, "section": section, "parent": parent},
        status=400,
    )


def _kept_comment_form(request, consultation, organisations, kept: dict):
    """The comment form again, pre-filled with the text kept when the session had ended."""
    initial = {name: kept.get(name, "") for name in ("text", "section", "parent", "organisation")}
    form = CommentForm(initial=initial, organisations=organisations)
    key = initial["section"]
    section = (
        Section.objects.filter(consultation=consultation, key=key).first() if key and _is_uuid(key) else None
    )
    parent = None
    if str(initial["parent"]).isdigit():
        parent = Comment.objects.filter(consultation=consultation, pk=int(initial["parent"])).first()
    return TemplateResponse(
        request,
        "consultations/comment_form.html",
        {"consultation": consultation, "form": form, "section": section, "parent": parent, "kept": True},
    )


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _comment(request, pk) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related("consultation", "author", "organisation"), pk=pk
    )
    if not permissions.can_view(request.user, comment.consultation):
        raise Http404
    return comment


@GET_POST
def comment_edit(request, pk):
    if not request.user.is_authenticated:
        return _login(request)
    comment = _comment(request, pk)
    if comment.author_id != request.user.pk:
        raise PermissionDenied
    form = CommentEditForm(request.POST or None, initial={"text": comment.text})
    if not permissions.can_edit_comment(request.user, comment):
        refusal = _edit_refusal(comment)
        if request.method != "POST":
            messages.error(request, refusal)
            return redirect(comment.get_absolute_url())
        # What they wrote stays in the form, so that it can be copied.
        form.is_valid()
        form.add_error(None, refusal)
        return TemplateResponse(
            request, "consultations/comment_edit.html", {"comment": comment, "form": form}, status=403
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment=comment, user=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _add_errors(form, exc, _field_for(exc, "text"))
        else:
            messages.success(request, _("Your comment is updated."))
            return redirect(comment.get_absolute_url())
    return TemplateResponse(request, "consultations/comment_edit.html", {"comment": comment, "form": form})


def _edit_refusal(comment) -> str:
    if comment.deleted_at is not None:
        return _("A deleted comment cannot be edited.")
    if comment.hidden_at is not None:
        return _("A hidden comment cannot be edited.")
    if not comment.consultation.is_open:
        return _("The consultation is closed: comments and responses can no longer be sent.")
    return _("A comment can only be edited within 15 minutes of writing it.")


@GET_POST
def comment_delete(request, pk):
    if not request.user.is_authenticated:
        return _login(request)
    comment = _comment(request, pk)
    if not permissions.can_delete_comment(request.user, comment):
        raise PermissionDenied
    if request.method == "POST":
        services.comment_delete(comment=comment, user=request.user)
        messages.success(request, _("Your comment is deleted."))
        return redirect(comment.get_absolute_url())
    return TemplateResponse(request, "consultations/comment_delete.html", {"comment": comment})


@GET_POST
@idempotent
def comment_report(request, pk):
    if not request.user.is_authenticated:
        return _login(request)
    comment = _comment(request, pk)
    if not permissions.can_report_comment(request.user, comment):
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_report(comment=comment, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_errors(form, exc, _field_for(exc, "reason"))
        else:
            messages.success(request, _("Thank you. A coordinator will look at the comment."))
            return redirect(comment.get_absolute_url())
    return TemplateResponse(request, "consultations/comment_report.html", {"comment": comment, "form": form})


# --- Moderation (coordinators) --------------------------------------------------------------------------


@coordinator_required
@GET_POST
def comment_hide(request, pk):
    comment = _comment(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_hide(comment=comment, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_errors(form, exc, _field_for(exc, "reason"))
        else:
            messages.success(request, _("The comment is hidden and its author has been told why."))
            back = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
                back = comment.get_absolute_url()  # only back into the portal
            return redirect(back)
    return TemplateResponse(request, "consultations/comment_hide.html", {"comment": comment, "form": form})


@coordinator_required
@require_POST
def comment_restore(request, pk):
    comment = _comment(request, pk)
    services.comment_restore(comment=comment, actor=request.user)
    messages.success(request, _("The comment is shown again."))
    return redirect(comment.get_absolute_url())


@coordinator_required
@require_POST
def reports_dismiss(request, pk):
    comment = _comment(request, pk)
    services.comment_reports_dismiss(comment=comment, actor=request.user)
    messages.success(request, _("The reports are closed; the comment stays visible."))
    return redirect(reverse("workspace_consultation", args=[comment.consultation_id]) + "#comments-heading")


@coordinator_required
def moderation(request):
    """The old moderation queue: the workspace lists consultations with their open reports, and each
    consultation's page puts reported comments first."""
    return redirect("workspace_consultations")


# --- Formal responses ----------------------------------------------------------------------------------


def _response_organisation(request, consultation):
    """The organisation whose response this person works on, chosen among the organisations that take part
    in the consultation and that they may speak for: ?organisation=<id>, else the only one or the one they
    last used, else the first. A person whose organisations are none of them sees their first one with a
    notice that it is not invited (and no choice list). None when they belong to no approved organisation."""
    organisations = permissions.participating_organisations(request.user, consultation)
    if not organisations:
        memberships = list(speaking_for_memberships(request.user))
        return (memberships[0].organisation, []) if memberships else (None, [])
    wanted = request.GET.get("organisation") or request.POST.get("organisation")
    for organisation in organisations:
        if str(organisation.pk) == str(wanted):
            return organisation, organisations
    default = default_organisation(
        organisations, selectors.last_used_organisation_ids(request.user, consultation, organisations)
    )
    return default or organisations[0], organisations


@GET_POST
@idempotent
def response_edit(request, slug):
    if not request.user.is_authenticated:
        if kept_drafts.session_expired(request) and request.method == "POST":
            _consultation(request, slug)
        return kept_drafts.keep_and_login(
            request,
            kind="response",
            target=slug,
            fields=("text", "revision", "organisation"),
            prefixes=("answer_",),
            then=request.get_full_path(),
        )
    consultation = _consultation(request, slug)
    organisation, organisations = _response_organisation(request, consultation)
    if organisation is None:
        raise PermissionDenied
    response = Response.objects.filter(consultation=consultation, organisation=organisation).first()
    if response:
        response.consultation = consultation  # the receipt links need its slug: no second fetch
    versions = list(response.versions.prefetch_related("files").order_by("-number")) if response else []
    can_edit = permissions.can_edit_response(request.user, consultation, organisation)
    context = {
        "consultation": consultation,
        "organisation": organisation,
        "organisations": organisations,
        "response": response,
        "versions": versions,
        "can_edit": can_edit,
        "can_submit": permissions.can_submit_response(request.user, consultation, organisation),
        "in_audience": permissions.in_audience(consultation, organisation),
    }
    if not can_edit:
        if request.method == "POST":
            messages.error(
                request, _("The consultation is closed: comments and responses can no longer be sent.")
            )
        return TemplateResponse(request, "consultations/response_edit.html", context)

    if response is None:
        response = services.response_for(consultation=consultation, organisation=organisation)
        context["response"] = response
    questions = list(consultation.questions.all())
    attachments = list(response.attachments.all())
    answers = {a.question_id: a.text for a in response.answers.all()}
    initial = {"revision": response.revision, "text": response.text}
    initial.update({f"answer_{pk}": text for pk, text in answers.items()})
    kept = kept_drafts.claim(request, kind="response", target=consultation.slug) if not request.POST else None
    if kept and str(kept.get("organisation", organisation.pk)) == str(organisation.pk):
        # The text sent when the session had ended, over the saved draft; with the revision it was
        # written on, so that a draft changed since is reported as a conflict, not overwritten.
        initial.update({n: v for n, v in kept.items() if n == "text" or n.startswith("answer_")})
        if str(kept.get("revision", "")).isdigit():
            initial["revision"] = int(kept["revision"])
    form = ResponseForm(
        request.POST or None,
        request.FILES or None,
        questions=questions,
        attachments=attachments,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.response_save_draft(
                    response=response,
                    user=request.user,
                    revision=form.cleaned_data["revision"],
                    text=form.cleaned_data["text"],
                    answers=form.answers(),
                    new_files=form.cleaned_data["files"],
                    remove_attachment_ids=form.cleaned_data.get("remove", []),
                )
            except services.ConflictError as exc:
                _add_errors(form, exc)
                context["conflict"] = True
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The draft is saved. Only your organisation can see it."))
                url = reverse("consultations:response", kwargs={"slug": consultation.slug})
                if request.POST.get("then") == "submit" and context["can_submit"]:
                    url = reverse("consultations:response_submit", kwargs={"slug": consultation.slug})
                return redirect(f"{url}?organisation={organisation.pk}")
        status = 400
    context.update({"form": form, "attachments": attachments, "answers": answers})
    return TemplateResponse(request, "consultations/response_edit.html", context, status=status)


@GET_POST
@idempotent
def response_submit(request, slug):
    if not request.user.is_authenticated:
        return _login(request)
    consultation = _consultation(request, slug)
    organisation, _organisations = _response_organisation(request, consultation)
    if organisation is None or not org_permissions.is_member(request.user, organisation):
        raise PermissionDenied
    response = Response.objects.filter(consultation=consultation, organisation=organisation).first()
    if response is None:
        return redirect(
            f"{reverse('consultations:response', kwargs={'slug': slug})}?organisation={organisation.pk}"
        )
    if not permissions.can_submit_response(request.user, consultation, organisation):
        if not consultation.is_open:
            messages.error(
                request, _("The consultation is closed: comments and responses can no longer be sent.")
            )
            return redirect(
                f"{reverse('consultations:response', kwargs={'slug': slug})}?organisation={organisation.pk}"
            )
        raise PermissionDenied
    form = SubmitForm(request.POST or None, initial={"revision": response.revision})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.response_submit(
                response=response, user=request.user, revision=form.cleaned_data["revision"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The response is submitted. The receipt has been e-mailed to you."))
            return redirect(version.get_receipt_url())
    return TemplateResponse(
        request,
        "consultations/response_submit.html",
        {
            "consultation": consultation,
            "organisation": organisation,
            "response": response,
            "answers": list(response.answers.select_related("question").order_by("question__sort_order")),
            "attachments": list(response.attachments.all()),
            "previous": response.versions.order_by("-number").first(),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def receipt(request, slug, receipt):
    if not request.user.is_authenticated:
        return _login(request)
    version = get_object_or_404(
        ResponseVersion.objects.select_related(
            "response__consultation", "response__organisation"
        ).prefetch_related("files"),
        receipt_number=receipt,
        response__consultation__slug=slug,
    )
    if not (
        org_permissions.is_member(request.user, version.response.organisation)
        or permissions.is_coordinator(request.user)
    ):
        raise PermissionDenied
    latest = version.response.versions.order_by("-number").values_list("number", flat=True).first()
    return TemplateResponse(
        request,
        "consultations/receipt.html",
        {
            "version": version,
            "consultation": version.response.consultation,
            "is_latest": latest == version.number,
        },
    )


def attachment_download(request, pk):
    if not request.user.is_authenticated:
        return _login(request)
    attachment = get_object_or_404(ResponseAttachment.objects.select_related("response__organisation"), pk=pk)
    if not permissions.can_view_response_draft(request.user, attachment.response.organisation):
        raise PermissionDenied
    return serve_private_file(
        request, attachment.file, filename=attachment.name, content_type=attachment.content_type
    )


def version_file_download(request, pk):
    file = get_object_or_404(
        ResponseVersionFile.objects.select_related(
            "version__response__organisation", "version__response__consultation"
        ),
        pk=pk,
    )
    if not permissions.can_read_response(request.user, file.version.response):
        if not request.user.is_authenticated:
            return _login(request)
        raise PermissionDenied
    return serve_private_file(request, file.file, filename=file.name, content_type=file.content_type)


def responses_list(request, slug):
    consultation = _consultation(request, slug)
    if not permissions.can_read_submitted_responses(request.user, consultation):
        if not request.user.is_authenticated and consultation.has_ended:
            return _login(request)
        raise PermissionDenied
    versions = list(selectors.submitted_versions(consultation))
    outcome = selectors.outcome_for_display(consultation, published_only=True)
    grouped = {}
    for version in versions:
        grouped.setdefault(version.response_id, []).append(version)
    rows = []
    for group in grouped.values():
        current = group[0]
        current.mark = outcome["marks"].get(("response", current.response_id)) if outcome else None
        rows.append({"current": current, "older": group[1:]})
    return TemplateResponse(
        request, "consultations/responses_list.html", {"consultation": consultation, "rows": rows}
    )


# --- Coordinator pages -------------------------------------------------------------------------------


@coordinator_required
def coordinator_overview(request):
    """The old /samraden/samordning/ overview: the consultations are in the workspace now."""
    return redirect("workspace_consultations")


@coordinator_required
def participation(request, slug):
    consultation = _consultation(request, slug)
    figures = selectors.participation(consultation)
    return TemplateResponse(
        request,
        "consultations/participation.html",
        {
            "consultation": consultation,
            "figures": figures,
            "exports": list(consultation.exports.order_by("-created")[:10]),
            "export_kinds": Export.Kind.choices,
        },
    )


@coordinator_required
@require_POST
def consultation_publish(request, slug):
    consultation = _consultation(request, slug)
    try:
        services.consultation_publish(consultation=consultation, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The consultation is published."))
    return redirect(consultation)


@coordinator_required
@GET_POST
def outcome_edit(request, slug):
    consultation = _consultation(request, slug)
    if not consultation.has_ended:
        messages.error(request, _("The outcome can be written once the consultation has closed."))
        return redirect(consultation)
    display = selectors.outcome_for_display(consultation)
    outcome = display["outcome"] if display else None
    sections = list(consultation.sections.order_by("sort_order", "pk"))
    comments = list(
        consultation.comments.filter(deleted_at__isnull=True)
        .select_related("author", "organisation", "section")
        .order_by("section__sort_order", "created")
    )
    responses = list(
        consultation.responses.filter(versions__isnull=False).distinct().select_related("organisation")
    )
    initial = {"summary": outcome.summary if outcome else ""}
    if display:
        initial.update({f"section_{pk}": text for pk, text in display["section_texts"].items()})
        for (kind, pk), mark in display["marks"].items():
            initial[f"{kind}_{pk}_mark"] = mark.mark
            initial[f"{kind}_{pk}_rationale"] = mark.rationale
    form = OutcomeForm(
        request.POST or None, initial=initial, sections=sections, comments=comments, responses=responses
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_save(
                consultation=consultation,
                actor=request.user,
                summary=form.cleaned_data["summary"],
                section_texts=form.section_texts(),
                marks=form.marks(),
            )
            if request.POST.get("action") == "publish":
                consultation.refresh_from_db()
                services.outcome_publish(consultation=consultation, actor=request.user)
                messages.success(request, _("The outcome is published and everyone who took part is told."))
                return redirect(consultation)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The outcome is saved."))
            return redirect("consultations:outcome", slug=consultation.slug)
    return TemplateResponse(
        request,
        "consultations/outcome_form.html",
        {"consultation": consultation, "form": form, "outcome": outcome},
        status=400 if form.errors else 200,
    )


@coordinator_required
@require_POST
@idempotent
def export_create(request, slug):
    consultation = _consultation(request, slug)
    form = ExportForm(request.POST)
    if not form.is_valid():
        raise Http404
    export = services.export_request(
        consultation=consultation, actor=request.user, kind=form.cleaned_data["kind"]
    )
    return redirect(export)


@coordinator_required
def compilation(request, slug):
    """The HTML version of the PDF compilation: the same content, readable on the site."""
    consultation = _consultation(request, slug)
    return TemplateResponse(request, "consultations/compilation.html", compilation_context(consultation))


@coordinator_required
def export_status(request, pk):
    """The old export status page: exports are listed, with their state, on the consultation's workspace
    page."""
    export = get_object_or_404(Export, pk=pk)
    if request.GET.get("format") == "json":
        # What the workspace's export list asks while an export is being made (static/js/consultations.js).
        return JsonResponse(
            {
                "status": export.status,
                "label": capfirst(export.get_status_display()),
                "progress": export.progress,
            }
        )
    return redirect(reverse("workspace_consultation", args=[export.consultation_id]) + "#exports")


@coordinator_required
def export_download(request, pk):
    """The download link in the "export ready" e-mails: kept, as a redirect to the workspace download."""
    return redirect("workspace_consultation_export_download", pk=pk)


def version_detail(request, slug, number):
    consultation = _consultation(request, slug)
    version = get_object_or_404(ConsultationVersion, consultation=consultation, number=number)
    return TemplateResponse(
        request, "consultations/version_detail.html", {"consultation": consultation, "version": version}
    )
