"""One visit to every page, as each role, for all the browser checks (issue 19's classes of check).

Every HTML page the URL resolver knows (tests/crawl/pages.py, from the permission matrix's world of real
objects) is opened once per role (anonymous, member, organisation admin, coordinator with two-factor), in
one browser with one context per role, and checked on that visit for:

- reflow (WCAG 1.4.10): the document is no wider than the viewport at 320 and 375 px;
- text size (WCAG 1.4.4): at 200 % text, the page is no wider than the viewport and no box that clips
  its overflow cuts off text;
- keyboard: in every form, Tab reaches each field and the submit button in turn, each with a visible
  focus indicator, and focus leaves the form again (no trap); after a form is sent with errors, the
  focus is on the error summary or the first invalid field;
- language: `<html lang="sv">`, and no visible text is an English catalogue msgid whose Swedish differs
  (the English pages are checked the same way by the test client in tests/crawl/).

Failures are gathered and reported together, so one run lists every page that needs work.

Run alone: pytest tests/e2e/test_crawl_pages.py -s   (prints the number of visits and the time)
"""

import time

import pytest
from django.conf import settings
from django.test import Client

from tests.crawl.pages import CRAWL_ROLES, foreign_texts, pages_for
from tests.security.test_permission_matrix import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDTHS = (320, 375)
DESKTOP = {"width": 1280, "height": 900}
MAX_TABS_PER_FORM = 120

# Measures the page: width, lang, texts (for the language check) and boxes that clip their text.
MEASURE_JS = """
(clip) => {
  const doc = document.documentElement;
  const out = {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, lang: doc.lang, clipped: []};
  if (clip) {
    for (const el of document.body.querySelectorAll('*')) {
      const s = getComputedStyle(el);
      const clips = ['hidden', 'clip'].includes(s.overflowX) || ['hidden', 'clip'].includes(s.overflowY);
      if (!clips || el.clientWidth <= 2 || el.clientHeight <= 2 || !el.textContent.trim()) continue;
      if (el.scrollWidth > el.clientWidth + 2 || el.scrollHeight > el.clientHeight + 2) {
        out.clipped.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''));
      }
    }
  }
  return out;
}
"""

TEXTS_JS = """
() => {
  const texts = [document.title];
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE']);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const other = (el) => { const l = el.closest('[lang]'); return l && !l.lang.startsWith(document.documentElement.lang); };
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || skip.has(parent.tagName) || other(parent)) continue;
    const text = node.textContent.trim();
    if (text) texts.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt], input[type=submit][value]')) {
    if (other(el)) continue;
    for (const a of ['placeholder', 'aria-label', 'title', 'alt', 'value']) {
      if (el.hasAttribute(a) && (a !== 'value' || el.type === 'submit')) texts.push(el.getAttribute(a));
    }
  }
  return texts;
}
"""

# The forms of the page and their tab stops: each visible, enabled field (a radio group counts once)
# and the submit buttons. Marks them with data-crawl="form.stop" so the walk can tell where focus is.
FORMS_JS = """
() => {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) &&
    getComputedStyle(el).visibility !== 'hidden';
  const forms = [];
  document.querySelectorAll('main form').forEach((form, f) => {
    if (!visible(form) || form.closest('[hidden], [inert], [aria-hidden=true]')) return;
    const stops = [], radios = new Set();
    for (const el of form.elements) {
      if (el.type === 'hidden' || el.disabled || el.tagName === 'FIELDSET' || el.tagName === 'OBJECT') continue;
      if (!visible(el) || el.closest('[aria-hidden=true]')) continue;
      if (el.type === 'radio') { if (radios.has(el.name)) continue; radios.add(el.name); }
      const stop = stops.length;
      if (el.type === 'radio') {
        form.querySelectorAll('input[type=radio]').forEach((r) => { if (r.name === el.name) r.dataset.crawl = f + '.' + stop; });
      } else {
        el.dataset.crawl = f + '.' + stop;
      }
      stops.push({name: el.name || el.id || el.tagName, submit: el.type === 'submit' || (el.tagName === 'BUTTON' && el.type !== 'button' && el.type !== 'reset')});
    }
    if (!stops.length) return;
    const required = !!form.querySelector('[required], [aria-required=true]');
    // A date or time field takes one Tab per part (day, month, year, hours, minutes).
    const parts = form.querySelectorAll('input[type=date], input[type=datetime-local], input[type=time]').length;
    const links = form.querySelectorAll('a[href]').length;
    forms.push({index: f, stops, required, budget: stops.length + 5 * parts + links + 3, method: (form.getAttribute('method') || 'get').toLowerCase(),
                novalidate: form.noValidate, action: form.getAttribute('action') || ''});
  });
  return forms;
}
"""

FOCUS_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {mark: null, form: -1, visible: false};
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  const form = el.closest('main form');
  const forms = [...document.querySelectorAll('main form')];
  return {mark: el.dataset.crawl || null, form: form ? forms.indexOf(form) : -1, visible: outline || shadow,
          tag: el.tagName, name: el.name || el.id || ''};
}
"""

EMPTY_FORM_JS = """
(f) => {
  const form = document.querySelectorAll('main form')[f];
  for (const el of form.elements) {
    if (el.type === 'hidden' || el.type === 'submit' || el.tagName === 'BUTTON') continue;
    if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
    else if (el.tagName === 'SELECT') el.selectedIndex = -1;
    else el.value = '';
  }
  const submit = [...form.elements].find((el) => el.type === 'submit');
  submit.focus();
}
"""

AFTER_ERROR_JS = """
() => {
  const el = document.activeElement;
  const summary = el && el.matches('.error-summary, .form-errors, [role=alert]');
  const invalid = el && el.getAttribute('aria-invalid') === 'true';
  const first = document.querySelector('main [aria-invalid=true]');
  return {ok: !!(summary || (invalid && el === first)), focused: el ? el.tagName + '#' + el.id : null,
          hasErrors: !!document.querySelector('.error-summary, .form-errors, .errorlist, [aria-invalid=true]')};
}
"""


def _session_cookie(user, live_server) -> list[dict]:
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_server.url}]


def _walk_form(page, form, where, failures, seen_unfocusable):
    """Tab from just before the form's first stop through all its stops and out of it."""
    f = form["index"]
    page.evaluate(
        "(f) => { const el = document.querySelector(`[data-crawl='${f}.0']`); el.focus(); }",
        f,
    )
    # Focus the first stop by keyboard: Shift+Tab to the element before it, then Tab back.
    page.keyboard.press("Shift+Tab")
    reached, presses = [], 0
    while presses < min(MAX_TABS_PER_FORM, form["budget"]):
        page.keyboard.press("Tab")
        presses += 1
        focus = page.evaluate(FOCUS_JS)
        mark = focus["mark"]
        if focus["form"] != f:
            if reached:
                break  # left the form
            continue
        if mark is None or not mark.startswith(f"{f}."):
            continue  # a link or a widget inside the form
        stop = int(mark.split(".")[1])
        if stop not in reached:
            reached.append(stop)
        if not focus["visible"]:
            key = (where.split(" ")[0], focus["name"])
            if key not in seen_unfocusable:
                seen_unfocusable.add(key)
                failures.append(f"{where}: no visible focus on {focus['tag']} {focus['name']!r}")
    else:
        if reached and len(reached) >= len(form["stops"]):
            failures.append(f"{where}: focus stays in form {f} after {presses} presses of Tab (trap?)")
    missing = [form["stops"][i]["name"] for i in range(len(form["stops"])) if i not in reached]
    if missing:
        failures.append(f"{where}: Tab does not reach {missing} in form {f}")
    elif reached != sorted(reached):
        failures.append(f"{where}: Tab order in form {f} is not the visual order: {reached}")


def _check_error_focus(page, url, form, where, failures):
    """Send the form empty with the keyboard; focus must land on the error summary or the first invalid field."""
    page.goto(url)
    page.evaluate(FORMS_JS)
    page.evaluate(EMPTY_FORM_JS, form["index"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    result = page.evaluate(AFTER_ERROR_JS)
    if result["hasErrors"] and not result["ok"]:
        failures.append(f"{where}: after a form error the focus is on {result['focused']}")


def test_every_page_reflows_works_by_keyboard_and_is_in_swedish(world, live_server, browser):  # noqa: F811
    failures: list[str] = []
    visits = 0
    started = time.monotonic()
    loading = 0.0
    # A form is walked once, by the first role that meets it (the same template for every role).
    seen_unfocusable: set = set()
    walked_forms: set = set()
    for role in CRAWL_ROLES:
        context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", viewport=DESKTOP)
        user = world["users"][role]
        if user is not None:
            context.add_cookies(_session_cookie(user, live_server))
        page = context.new_page()
        page.set_default_timeout(15_000)
        error_checks = []
        for key, path in pages_for(world, role):
            where = f"{role} {path} ({key})"
            url = live_server.url + path
            page.set_viewport_size(DESKTOP)
            t0 = time.monotonic()
            response = page.goto(url)
            loading += time.monotonic() - t0
            visits += 1
            if response is None or response.status != 200:
                failures.append(f"{where}: answered {response and response.status}")
                continue
            # Language: lang and the catalogue.
            lang = page.evaluate("document.documentElement.lang")
            if lang != "sv":
                failures.append(f'{where}: <html lang="{lang}">, expected "sv"')
            english = foreign_texts(page.evaluate(TEXTS_JS), "sv")
            if english:
                failures.append(f"{where}: English on a Swedish page: {english}")
            # Keyboard: every form, once per form action and role.
            for form in page.evaluate(FORMS_JS):
                form_key = (key, tuple(s["name"] for s in form["stops"]))
                if form_key in walked_forms:
                    continue
                walked_forms.add(form_key)
                _walk_form(page, form, where, failures, seen_unfocusable)
                if form["required"] and form["method"] == "post" and form["novalidate"]:
                    if any(s["submit"] for s in form["stops"]):
                        error_checks.append((url, form, where))
            # 200 % text.
            page.evaluate("document.documentElement.style.fontSize = '200%'")
            measured = page.evaluate(MEASURE_JS, True)
            if measured["scrollWidth"] > measured["innerWidth"]:
                failures.append(f"{where}: {measured['scrollWidth']} px wide at 200 % text in 1280 px")
            if measured["clipped"]:
                failures.append(f"{where}: text cut off at 200 % text in {measured['clipped'][:5]}")
            page.evaluate("document.documentElement.style.fontSize = ''")
            # Reflow at phone widths.
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                measured = page.evaluate(MEASURE_JS, False)
                if measured["scrollWidth"] > measured["innerWidth"]:
                    failures.append(f"{where}: {measured['scrollWidth']} px wide at {width} px")
        # Forms sent with errors: after the walk, so a form that is accepted changes nothing seen above.
        for url, form, where in error_checks:
            _check_error_focus(page, url, form, where, failures)
            visits += 1
        context.close()
    elapsed = time.monotonic() - started
    print(
        f"\ncrawl: {visits} page visits for {len(CRAWL_ROLES)} roles in {elapsed:.1f} s "
        f"({loading:.1f} s loading pages, {len(walked_forms)} forms walked)"
    )
    assert not failures, f"{len(failures)} problem(s):\n" + "\n".join(failures)
