"""The OParl 1.1 API (read-only, public, outside the language prefix).

Each answer is JSON in UTF-8 without BOM, with `Access-Control-Allow-Origin: *`, an ETag and a
Last-Modified (so `If-None-Match` / `If-Modified-Since` get 304), cached per address in the default cache
under the page cache's generation (any change to consultations, meetings or organisations makes a new
generation, so no stale answer is served after a change), and rate-limited per client address.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from meetings import selectors as meeting_selectors
from portal.caching import generations
from portal.models.pages import client_address

from . import oparl, selectors


class OParlError(Exception):
    def __init__(self, status: int, message: str, debug: str = ""):
        super().__init__(message)
        self.status, self.message, self.debug = status, message, debug


def _cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
    return response


def _json_bytes(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _error(status: int, message: str, debug: str = "") -> HttpResponse:
    payload = {"type": oparl.type_url("Error"), "message": message}
    if debug:
        payload["debug"] = debug
    return _cors(
        HttpResponse(_json_bytes(payload), status=status, content_type="application/json; charset=utf-8")
    )


def _rate_limited(request) -> bool:
    limit = int(getattr(settings, "OPARL_RATE_LIMIT_PER_MINUTE", 300) or 0)
    if not limit:
        return False
    key = f"opendata:oparl:rate:{client_address(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=90)
    try:
        return cache.incr(key) > limit
    except ValueError:  # evicted between add and incr: count this request as the first
        cache.set(key, 1, timeout=90)
        return False


def _last_modified(payload: dict) -> float | None:
    objects = payload.get("data") if "data" in payload else [payload]
    stamps = [parse_datetime(o["modified"]) for o in objects if isinstance(o, dict) and o.get("modified")]
    stamps = [s for s in stamps if s is not None]
    return max(stamps).timestamp() if stamps else None


def oparl_endpoint(build):
    """Wraps a function `build(request, ctx, **kwargs) -> payload dict` with rate limit, cache, conditional
    GET and CORS. Errors raised as `OParlError` (or Http404) become OParl error objects."""

    @require_safe
    @wraps(build)
    def view(request, **kwargs):
        if _rate_limited(request):
            response = _error(429, _("Too many requests. Wait a minute and try again."))
            response["Retry-After"] = "60"
            return response
        key = (
            "opendata:oparl:v1:"
            + hashlib.sha256(f"{generations()[0]}|{request.build_absolute_uri()}".encode()).hexdigest()
        )
        entry = cache.get(key)
        if entry is None:
            try:
                with oparl.language():
                    payload = build(
                        request, oparl.Context(request, omit_internal=_omit_internal(request)), **kwargs
                    )
            except OParlError as exc:
                return _error(exc.status, exc.message, exc.debug)
            except Http404:
                return _error(404, _("There is no such object."))
            body = _json_bytes(payload)
            entry = {
                "body": body,
                "etag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
                "last_modified": _last_modified(payload),
            }
            cache.set(key, entry, timeout=int(getattr(settings, "OPARL_CACHE_SECONDS", 300)))
        response = HttpResponse(entry["body"], content_type="application/json; charset=utf-8")
        response["ETag"] = entry["etag"]
        if entry["last_modified"] is not None:
            response["Last-Modified"] = http_date(entry["last_modified"])
        response["Cache-Control"] = f"public, max-age={int(getattr(settings, 'OPARL_MAX_AGE', 60))}"
        response = get_conditional_response(
            request,
            etag=entry["etag"],
            last_modified=int(entry["last_modified"]) if entry["last_modified"] is not None else None,
            response=response,
        )
        return _cors(response)

    return view


def _omit_internal(request) -> bool:
    return request.GET.get("omit_internal", "").lower() == "true"


@oparl_endpoint
def system(request, ctx):
    return oparl.system(ctx)


@oparl_endpoint
def object_detail(request, ctx, path: str, key: str):
    kind = oparl.BY_PATH.get(path)
    found = kind.find(key) if kind is not None else None
    if found is None:
        raise Http404
    source, row = found
    return source.serialize(ctx, row)


def _parse_filters(request) -> dict:
    filters = {}
    for name in oparl.FILTERS:
        raw = request.GET.get(name)
        if raw is None:
            continue
        try:
            value = parse_datetime(raw.strip().replace(" ", "+"))
        except ValueError:
            value = None
        if value is None:
            raise OParlError(
                400,
                _("The filter %(name)s needs a date and time such as 2027-01-20T18:00:00+01:00.")
                % {"name": name},
                f"{name}={raw!r} is not an ISO 8601 date-time",
            )
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        filters[name] = value
    return filters


def _positive_int(request, name: str, default: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise OParlError(
            400, _("%(name)s must be a whole number of at least 1.") % {"name": name}, f"{name}={raw!r}"
        )
    return int(raw)


@oparl_endpoint
def object_list(request, ctx, list_path: str):
    kind = oparl.BY_LIST_PATH.get(list_path)
    if kind is None:
        raise Http404
    filters = _parse_filters(request)
    per_page = min(
        _positive_int(request, "limit", int(getattr(settings, "OPARL_PAGE_SIZE", 50))),
        int(getattr(settings, "OPARL_MAX_PAGE_SIZE", 200)),
    )
    page_number = _positive_int(request, "page", 1)
    sources = list(kind.sources)
    # Deleted objects appear in lists only for a client that asks what changed (OParl 1.1, § 2.5).
    if "modified_since" in filters:
        sources.append(kind.tombstones())
    counts = [source.count(filters) for source in sources]
    total = sum(counts)
    total_pages = max(1, -(-total // per_page))
    if page_number > total_pages:
        raise OParlError(404, _("There is no such page."), f"page {page_number} of {total_pages}")
    offset, remaining, data = (page_number - 1) * per_page, per_page, []
    for source, count in zip(sources, counts, strict=True):
        if remaining <= 0:
            break
        if offset >= count:
            offset -= count
            continue
        rows = source.page(filters, offset, remaining)
        data.extend(source.serialize(ctx, row) for row in rows)
        remaining -= len(rows)
        offset = 0
    base = ctx.url(kind.list_path)

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        if "limit" in query:
            query["limit"] = str(per_page)
        return f"{base}?{urlencode(sorted(query.items()))}"

    links = {"first": link(1), "self": link(page_number), "last": link(total_pages)}
    if page_number > 1:
        links["prev"] = link(page_number - 1)
    if page_number < total_pages:
        links["next"] = link(page_number + 1)
    return {
        "data": data,
        "pagination": {
            "totalElements": total,
            "elementsPerPage": per_page,
            "currentPage": page_number,
            "totalPages": total_pages,
        },
        "links": links,
    }


@require_safe
def file_content(request, key: str):
    """The HTML of public minutes (the PDF's own markup): the content of the File `minutes-<id>-html`."""
    if not (key.startswith("minutes-") and key.endswith("-html")):
        raise Http404
    meeting_id = key[len("minutes-") : -len("-html")]
    if not meeting_id.isdigit():
        raise Http404
    minutes = selectors.public_minutes().select_related("meeting").filter(meeting_id=int(meeting_id)).first()
    if minutes is None:
        raise Http404
    meeting = minutes.meeting
    content = meeting_selectors.minutes_content(minutes)
    with oparl.language():
        html = render_to_string(
            "meetings/minutes_pdf.html",
            {
                "meeting": meeting,
                "minutes": minutes,
                "agenda": meeting_selectors.agenda_with_minutes(
                    meeting, minutes, members_only=False, viewer=selectors.VISITOR
                ),
                "general_action_items": [a for a in content["action_items"] if a.agenda_item_id is None],
                "corrections": content["corrections"],
                "attendances": list(meeting.attendances.select_related("organisation", "user")),
                "generated": minutes.published_at or datetime.now(tz=timezone.get_current_timezone()),
            },
        )
    response = HttpResponse(html.encode("utf-8"), content_type="text/html; charset=utf-8")
    response["Last-Modified"] = http_date(minutes.modified.timestamp())
    return _cors(response)
