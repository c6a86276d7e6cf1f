"""Knowledge input, the coordinators' coverage dashboard, the public summary, and the follow-up
publishing steps that the admin links to."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.models import Membership, Organisation
from organisations.permissions import is_coordinator
from portal.two_factor import coordinator_required

from . import dashboard, services
from .forms import KnowledgeInputForm
from .models import ActivityPage, FollowUp, KnowledgeInput


def _sending_organisations(user):
    admin_of = Membership.objects.active().admins().filter(user=user).values("organisation_id")
    return list(
        Organisation.objects.filter(pk__in=admin_of, status=Organisation.Status.APPROVED).order_by("name")
    )


@login_required
def input_create(request):
    organisations = _sending_organisations(request.user)
    if not organisations:
        return TemplateResponse(request, "actionplan/input_not_allowed.html", status=403)
    initial = {}
    if request.GET.get("activity", "").isdigit():
        activity = ActivityPage.objects.filter(pk=request.GET["activity"]).first()
        if activity is not None:
            initial["activity"] = activity.pk
    form = KnowledgeInputForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        organisation = next(o for o in organisations if str(o.pk) == form.cleaned_data["organisation"])
        try:
            knowledge_input = services.knowledge_input_send(
                organisation=organisation,
                actor=request.user,
                text=form.cleaned_data["text"],
                suggestions=form.cleaned_data["suggestions"],
                activity=form.cleaned_data["activity"],
                area=form.cleaned_data["area"],
                forms_of_racism=form.cleaned_data["forms_of_racism"],
                settings=form.cleaned_data["settings"],
                city_districts=form.cleaned_data["city_districts"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Thank you. Your input has been sent to the city."))
            return redirect("actionplan:input_detail", pk=knowledge_input.pk)
    return TemplateResponse(request, "actionplan/input_form.html", {"form": form})


@login_required
def input_list(request):
    inputs = (
        KnowledgeInput.objects.visible_to(request.user)
        .select_related("organisation", "activity", "area")
        .prefetch_related("forms_of_racism")[:200]
    )
    return TemplateResponse(
        request,
        "actionplan/input_list.html",
        {"inputs": inputs, "can_send": bool(_sending_organisations(request.user))},
    )


@login_required
def input_detail(request, pk):
    # 404 rather than 403 for others' input: its existence is not revealed.
    knowledge_input = get_object_or_404(
        KnowledgeInput.objects.visible_to(request.user).select_related("organisation", "activity", "area"),
        pk=pk,
    )
    return TemplateResponse(request, "actionplan/input_detail.html", {"input": knowledge_input})


@coordinator_required
def dashboard_view(request):
    data = dashboard.coverage()
    return TemplateResponse(
        request, "actionplan/dashboard.html", {"data": data, "tables": dashboard.tables(data)}
    )


@coordinator_required
def dashboard_csv(request, table):
    data = dashboard.coverage()
    tables = {t["key"]: t for t in dashboard.tables(data)}
    if table not in tables:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="handlingsplan-{table}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(tables[table]["header"])
    for row in tables[table]["rows"]:
        writer.writerow(row)
    return response


def summary(request):
    """Aggregates for everyone: counts only, no organisation named."""
    data = dashboard.coverage(public=True)
    return TemplateResponse(
        request, "actionplan/summary.html", {"data": data, "tables": dashboard.tables(data, public=True)}
    )


@coordinator_required
@require_POST
def follow_up_publish(request, pk):
    follow_up = get_object_or_404(FollowUp, pk=pk)
    try:
        services.follow_up_publish(follow_up=follow_up, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise
    else:
        messages.success(request, _("The follow-up is published."))
    return redirect(reverse("actionplan_followup:index"))


@coordinator_required
@require_POST
def follow_up_correct(request, pk):
    follow_up = get_object_or_404(FollowUp, pk=pk)
    try:
        copy = services.follow_up_correct(
            follow_up=follow_up, actor=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("actionplan_followup:index"))
    messages.success(request, _("A correction has been started. Publish it when it is ready."))
    return redirect(reverse("actionplan_followup:edit", args=[copy.pk]))


def is_allowed_to_see_dashboard(user) -> bool:
    return is_coordinator(user)
