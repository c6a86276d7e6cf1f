"""Validation against the OParl 1.1.1 schemas and a walker that follows the API's links only."""

import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from django.utils.dateparse import parse_datetime
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "http://testserver/oparl/v1/"
TYPE_RE = re.compile(r"^https://schema\.oparl\.org/1\.1/(\w+)$")

# A list page (OParl 1.1 § 2.5): the schemas describe objects only, so the list's frame is checked here.
LIST_SCHEMA = {
    "type": "object",
    "required": ["data", "pagination", "links"],
    "properties": {
        "data": {"type": "array", "items": {"type": "object"}},
        "pagination": {
            "type": "object",
            "properties": {
                k: {"type": "integer", "minimum": 0}
                for k in ("totalElements", "elementsPerPage", "currentPage", "totalPages")
            },
        },
        "links": {
            "type": "object",
            "properties": {
                k: {"type": "string", "format": "url"} for k in ("first", "prev", "self", "next", "last")
            },
        },
    },
}

formats = FormatChecker()


@formats.checks("url")
def _url(value):
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@formats.checks("date-time")
def _date_time(value):
    parsed = parse_datetime(value)
    return parsed is not None and parsed.tzinfo is not None


@formats.checks("date")
def _date(value):
    date.fromisoformat(value)
    return True


def _as_refs(node):
    """The schemas name embedded objects with `"schema": "Location.json"`; make that a standard `$ref`."""
    if isinstance(node, dict):
        node = {k: _as_refs(v) for k, v in node.items()}
        if isinstance(node.get("schema"), str) and node["schema"].endswith(".json"):
            node["$ref"] = node.pop("schema")
        return node
    if isinstance(node, list):
        return [_as_refs(v) for v in node]
    return node


@lru_cache(maxsize=4)
def validators(schema_dir: str) -> dict:
    schemas = {p.name: _as_refs(json.loads(p.read_text())) for p in Path(schema_dir).glob("*.json")}
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema, default_specification=DRAFT202012))
        for name, schema in schemas.items()
    )
    return {
        name[: -len(".json")]: Draft202012Validator(schema, registry=registry, format_checker=formats)
        for name, schema in schemas.items()
    }


def validate_object(schema_dir, obj: dict) -> str:
    found = TYPE_RE.match(obj.get("type", ""))
    assert found, f"no OParl type: {obj}"
    name = found.group(1)
    errors = sorted(validators(str(schema_dir))[name].iter_errors(obj), key=str)
    assert not errors, f"{obj.get('id')} is not a valid {name}: " + "; ".join(e.message for e in errors[:5])
    return name


def urls_in(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from urls_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from urls_in(value)
    elif isinstance(node, str) and node.startswith(BASE):
        yield node


def walk(client, schema_dir, start=BASE, limit=2000):
    """Follows every API address found in the answers, from the System object. Returns
    ({url: parsed JSON}, {object id: object}, [raw bodies])."""
    seen, queue, answers, objects, bodies = set(), [start], {}, {}, []
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        assert len(seen) < limit, "the walk does not end"
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        assert response["Access-Control-Allow-Origin"] == "*"
        if not response["Content-Type"].startswith("application/json"):
            continue
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert not response.content.startswith(b"\xef\xbb\xbf"), "BOM"
        bodies.append(response.content.decode("utf-8"))
        payload = json.loads(response.content)
        answers[url] = payload
        if "data" in payload:
            errors = list(Draft202012Validator(LIST_SCHEMA, format_checker=formats).iter_errors(payload))
            assert not errors, (url, [e.message for e in errors])
            pagination = payload["pagination"]
            if pagination["currentPage"] < pagination["totalPages"]:
                assert "next" in payload["links"], f"{url}: no next link before the last page"
            else:
                assert "next" not in payload["links"]
            for obj in payload["data"]:
                validate_object(schema_dir, obj)
                objects[obj["id"]] = obj
        else:
            validate_object(schema_dir, payload)
            objects.setdefault(payload["id"], payload)
        for found in urls_in(payload):
            path = urlsplit(found).path
            if found not in seen and "/content/" not in path:
                queue.append(found)
    return answers, objects, bodies
