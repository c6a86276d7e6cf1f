"""Reading rendered pages in the server-side crawls (BeautifulSoup on the standard library's parser)."""

from __future__ import annotations

from bs4 import BeautifulSoup, NavigableString

_SKIP = {"script", "style", "noscript", "template"}


def soup(html: str | bytes) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def html_lang(doc: BeautifulSoup) -> str | None:
    return doc.html.get("lang") if doc.html else None


def texts(doc: BeautifulSoup) -> list[str]:
    """Every text node and text attribute a reader meets, except inside an element in another language."""
    page_lang = (html_lang(doc) or "")[:2]

    def other_language(element) -> bool:
        for parent in [element, *element.parents]:
            lang = getattr(parent, "attrs", {}).get("lang") if hasattr(parent, "attrs") else None
            if lang:
                return not lang.startswith(page_lang)
        return False

    found = []
    if doc.title and doc.title.string:
        found.append(doc.title.string)
    body = doc.body or doc
    for node in body.descendants:
        if isinstance(node, NavigableString):
            parent = node.parent
            if parent is None or parent.name in _SKIP or type(node).__name__ in ("Comment", "Doctype"):
                continue
            text = node.strip()
            if text and not other_language(parent):
                found.append(text)
        elif node.name:
            for attribute in ("placeholder", "aria-label", "title", "alt"):
                if node.get(attribute) and not other_language(node):
                    found.append(node[attribute])
            if node.name == "input" and node.get("type") == "submit" and node.get("value"):
                found.append(node["value"])
    return found


def choice_lists(doc: BeautifulSoup):
    """(form action, field name, [values]) of every select and radio or checkbox group in the main part."""
    main = doc.find("main") or doc
    for form in main.find_all("form"):
        action = form.get("action") or ""
        groups: dict[str, list[str]] = {}
        for select in form.find_all("select"):
            values = [o.get("value", o.get_text(strip=True)) for o in select.find_all("option")]
            groups.setdefault(select.get("name", ""), []).extend(v for v in values if v != "")
        for box in form.find_all("input", attrs={"type": ["radio", "checkbox"]}):
            groups.setdefault(box.get("name", ""), []).append(box.get("value", "on"))
        for name, values in groups.items():
            yield action, name, values
