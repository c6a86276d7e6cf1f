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

pytestmark = [pytest.mark.long(45), pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (320, 375)
DESKTOP = {"width": 1280, "height": 900}
MAX_TABS_PER_FORM = 120

# Width and boxes that clip their text; with `big`, at 200 % text (reset before it returns).
MEASURE_JS = """
(big) => {
  const doc = document.documentElement;
  if (big) doc.style.fontSize = '200%';
  const out = {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, clipped: []};
  if (big) {
    for (const el of document.body.querySelectorAll('*')) {
      if (el.clientWidth <= 2 || el.clientHeight <= 2) continue;
      const s = getComputedStyle(el);
      const clips = (v) => v === 'hidden' || v === 'clip';
      if (!clips(s.overflowX) && !clips(s.overflowY)) continue;
      if (!el.textContent.trim()) continue;
      if (el.scrollWidth > el.clientWidth + 2 || el.scrollHeight > el.clientHeight + 2) {
        const cls = el.className ? '.' + String(el.className).split(' ')[0] : '';
        out.clipped.push(el.tagName.toLowerCase() + cls);
      }
    }
    doc.style.fontSize = '';
  }
  return out;
}
"""

# One call per page: its lang, its texts (for the catalogue check) and its forms. Each form's tab stops
# (visible, enabled fields, a radio group counting once, and the buttons) are marked data-crawl="f.i",
# and a focusin listener logs where focus goes and whether it is visible, for the keyboard walks.
PAGE_JS = """
() => {
  const doc = document.documentElement;
  const other = (el) => {
    const l = el.closest('[lang]');
    return l && !l.lang.startsWith(doc.lang);
  };
  const texts = new Set([document.title]);
  // CODE holds identifiers (a data dictionary's column names), names rather than language.
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'CODE']);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    const text = node.textContent.trim();
    if (text && parent && !skip.has(parent.tagName) && !other(parent)) texts.add(text);
  }
  const attributed = '[placeholder], [aria-label], [title], img[alt], input[type=submit][value]';
  for (const el of document.querySelectorAll(attributed)) {
    if (other(el)) continue;
    for (const a of ['placeholder', 'aria-label', 'title', 'alt']) {
      if (el.hasAttribute(a)) texts.add(el.getAttribute(a));
    }
    if (el.type === 'submit' && el.value) texts.add(el.value);
  }
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) &&
    getComputedStyle(el).visibility !== 'hidden';
  const all = [...document.querySelectorAll('main form')];
  const forms = [];
  all.forEach((form, f) => {
    if (!visible(form) || form.closest('[hidden], [inert], [aria-hidden=true]')) return;
    const stops = [], radios = new Set();
    for (const el of form.elements) {
      if (el.type === 'hidden' || el.disabled) continue;
      if (['FIELDSET', 'OBJECT', 'OUTPUT'].includes(el.tagName)) continue;
      if (!visible(el) || el.closest('[aria-hidden=true]')) continue;
      if (el.type === 'radio') {
        if (radios.has(el.name)) continue;
        radios.add(el.name);
        form.querySelectorAll('input[type=radio]').forEach((r) => {
          if (r.name === el.name) r.dataset.crawl = f + '.' + stops.length;
        });
      } else {
        el.dataset.crawl = f + '.' + stops.length;
      }
      const button = el.tagName === 'BUTTON' && !['button', 'reset'].includes(el.type);
      stops.push({name: el.name || el.id || el.tagName, submit: el.type === 'submit' || button});
    }
    if (!stops.length) return;
    // A date or time field takes one Tab per part (day, month, year, hours, minutes, the picker).
    const dates = form.querySelectorAll('input[type=date], input[type=datetime-local], input[type=time]');
    const links = form.querySelectorAll('a[href], [tabindex="0"]').length;
    forms.push({
      index: f, stops, budget: stops.length + 7 * dates.length + links + 3,
      required: !!form.querySelector('[required], [aria-required=true]'),
      method: (form.getAttribute('method') || 'get').toLowerCase(), novalidate: form.noValidate,
    });
  });
  window.__focusLog = [];
  document.addEventListener('focusin', (event) => {
    const el = event.target, s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const form = el.closest('main form');
    window.__focusLog.push({
      mark: el.dataset.crawl || null, form: form ? all.indexOf(form) : -1, tag: el.tagName,
      visible: outline || (s.boxShadow && s.boxShadow !== 'none'), name: el.name || el.id || '',
    });
  });
  return {lang: doc.lang, texts: [...texts], forms};
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
  [...form.elements].find((el) => el.type === 'submit').focus();
}
"""

AFTER_ERROR_JS = """
() => {
  const el = document.activeElement;
  const summary = el && el.matches('.error-summary, .form-errors, [role=alert]');
  const first = document.querySelector('main [aria-invalid=true]');
  const errors = '.error-summary, .form-errors, .errorlist, [aria-invalid=true]';
  return {ok: !!(summary || (first && el === first)), focused: el ? el.tagName + '#' + el.id : null,
          hasErrors: !!document.querySelector(errors)};
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
    page.evaluate("(f) => document.querySelector(`[data-crawl='${f}.0']`).focus()", f)
    page.keyboard.press("Shift+Tab")  # to the element before the form; the walk starts there
    page.evaluate("window.__focusLog = []")
    presses = min(MAX_TABS_PER_FORM, form["budget"])
    for _ in range(presses):
        page.keyboard.press("Tab")
    reached, left = [], False
    for focus in page.evaluate("window.__focusLog"):
        if focus["form"] != f:
            if reached:
                left = True
                break
            continue
        if not focus["visible"]:
            key = (where.split(" ")[1], focus["name"])
            if key not in seen_unfocusable:
                seen_unfocusable.add(key)
                failures.append(f"{where}: no visible focus on {focus['tag']} {focus['name']!r}")
        if focus["mark"] and focus["mark"].startswith(f"{f}."):
            stop = int(focus["mark"].split(".")[1])
            if stop not in reached:
                reached.append(stop)
    missing = [s["name"] for i, s in enumerate(form["stops"]) if i not in reached]
    if missing:
        failures.append(f"{where}: Tab does not reach {missing} in form {f}")
    elif not left:
        failures.append(f"{where}: focus stays in form {f} after {presses} presses of Tab (trap?)")
    elif reached != sorted(reached):
        failures.append(f"{where}: Tab order in form {f} is not the order of its fields: {reached}")


def _check_error_focus(page, url, form, where, failures):
    """Send the form empty with the keyboard; focus must land on the error summary or first invalid field."""
    page.goto(url)
    page.evaluate(PAGE_JS)
    page.evaluate(EMPTY_FORM_JS, form["index"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    result = page.evaluate(AFTER_ERROR_JS)
    if result["hasErrors"] and not result["ok"]:
        failures.append(f"{where}: after a form error the focus is on {result['focused']}")


def _long_content(objects):
    """Long places and links, as real ones are: the phone-width defects of issue 19 showed with them."""
    meeting = objects["members_meeting"]
    meeting.place = (
        "Stadshuset, Hantverkargatan 1, sal 3 (Rådhussalen), ingång från Stadshusgårdens norra portik"
    )
    meeting.online_link = (
        "https://meet.example.org/referensgruppen-mot-rasism/mote-barn-och-unga?pwd=8f3k2jq9"
    )
    meeting.save(update_fields=["place", "online_link"])


def test_every_page_reflows_works_by_keyboard_and_is_in_swedish(world, live_server, browser):  # noqa: F811
    _long_content(world["objects"])
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
            found = page.evaluate(PAGE_JS)
            # Language: lang and the catalogue.
            if found["lang"] != "sv":
                failures.append(f'{where}: <html lang="{found["lang"]}">, expected "sv"')
            if english := foreign_texts(found["texts"], "sv"):
                failures.append(f"{where}: English on a Swedish page: {english}")
            # Keyboard: every form, once (by the first role that meets it).
            for form in found["forms"]:
                form_key = (key, tuple(s["name"] for s in form["stops"]))
                if form_key in walked_forms:
                    continue
                walked_forms.add(form_key)
                _walk_form(page, form, where, failures, seen_unfocusable)
                can_fail = form["required"] and form["method"] == "post" and form["novalidate"]
                if can_fail and any(s["submit"] for s in form["stops"]):
                    error_checks.append((url, form, where))
            # 200 % text.
            measured = page.evaluate(MEASURE_JS, True)
            if measured["scrollWidth"] > measured["innerWidth"]:
                failures.append(f"{where}: {measured['scrollWidth']} px wide at 200 % text in 1280 px")
            if measured["clipped"]:
                failures.append(f"{where}: text cut off at 200 % text in {measured['clipped'][:5]}")
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
