"""Mixed traffic for the portal (issue #8): visitors browsing, members logging in and commenting, and an
organisation admin saving and submitting the formal response. Zero failures expected.

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/locust -f bench/locustfile.py --headless -u 100 -r 20 -t 2m --host http://127.0.0.1:8181

Run against a database filled by `python -m bench.generate` (bench/load.sh --mixed does all of it). The
portal runs with production settings behind an imagined TLS proxy: every request says
`X-Forwarded-Proto: https` and carries a same-origin Referer, as a browser behind the proxy would, and the
client sends the Secure cookies back over the loopback's plain HTTP.

Members comment on open consultations other than the 500-comment one, so that the page the load figures
measure keeps exactly 500 comments.

Members start signed in: `BENCH_MEMBER_SESSIONS` names a file of session keys, one per line
(`python -m bench.accounts member-sessions 100`, which bench/load.sh makes), one per simulated member. A
hundred people logging in through the form from 127.0.0.1 within seconds would meet the portal's per-address
log-in rate limit, which is the brute-force protection doing its job, not a failure under load. The
organisation admin still logs in through the form, with its CSRF token and password.
"""

import os
import random
import re
from http.cookiejar import DefaultCookiePolicy
from itertools import count

from locust import HttpUser, between, task

PASSWORD = "bench-2026"
HOT_SLUG = "stort-samrad-500-kommentarer"
ORG_ADMIN = "bench-orgadmin@example.org"
_sequence = count(1)


def _member_sessions() -> list[str]:
    path = os.environ.get("BENCH_MEMBER_SESSIONS")
    if not path:
        raise SystemExit("BENCH_MEMBER_SESSIONS must name a file of session keys (see the module docstring)")
    with open(path) as file:
        return [line.strip() for line in file if line.strip()]


_member_session_pool = None
_member_session_index = count()

# The portal's cookies are Secure (production settings) and the loopback speaks plain HTTP: let this
# process's cookie jars send them anyway (requests copies cookies into fresh jars, so a per-session
# policy would be lost).
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_RE = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
HIDDEN_RE = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
SLUG_RE = re.compile(r'href="/samraden/([a-z0-9-]+)/"')
ORGANISATION_SELECT_RE = re.compile(r'<select[^>]*name="organisation"[^>]*>.*?<option value="(\d+)"', re.S)
ERRORS_RE = re.compile(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)
TAG_RE = re.compile(r"<[^>]+>")


def form_errors(html: str) -> str:
    """The form's error messages as text, for a failure report."""
    return " | ".join(" ".join(TAG_RE.sub(" ", found).split()) for found in ERRORS_RE.findall(html))[:300]


def hidden_fields(form_html: str) -> dict:
    fields = dict(HIDDEN_RE.findall(form_html))
    token = CSRF_RE.search(form_html)
    if token:
        fields["csrfmiddlewaretoken"] = token.group(1)
    return fields


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 4)

    def on_start(self):
        self.client.headers.update({"X-Forwarded-Proto": "https", "Referer": self._origin() + "/"})

    def _origin(self) -> str:
        return "https://" + self.host.split("://", 1)[-1].rstrip("/")

    def browse(self):
        path = random.choice(
            ["/", "/samraden/", "/samraden/?status=ended", "/moten/", "/organisationer/", "/en/samraden/"]
        )
        self.client.get(path, name=path)

    def open_slugs(self) -> list[str]:
        page = self.client.get("/samraden/", name="/samraden/").text
        return [slug for slug in dict.fromkeys(SLUG_RE.findall(page)) if slug != HOT_SLUG]

    def log_in(self, email: str) -> bool:
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        token = CSRF_RE.search(page.text).group(1)
        response = self.client.post(
            "/accounts/login/",
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self._origin() + "/accounts/login/"},
            name="/accounts/login/ [POST]",
        )
        return "notifications-link" in response.text


class Visitor(PortalUser):
    """Anonymous browsing, the 500-comment consultation among it."""

    weight = 6

    @task(4)
    def pages(self):
        self.browse()

    @task(2)
    def big_consultation(self):
        self.client.get(f"/samraden/{HOT_SLUG}/", name="/samraden/[500 comments]/")

    @task(1)
    def other_consultation(self):
        slugs = self.open_slugs()
        if slugs:
            self.client.get(f"/samraden/{random.choice(slugs)}/", name="/samraden/[slug]/")


class Member(PortalUser):
    """Logs in as one of the generated people, reads, checks the inbox and comments."""

    weight = 3

    def on_start(self):
        global _member_session_pool
        super().on_start()
        if _member_session_pool is None:
            _member_session_pool = _member_sessions()
        key = _member_session_pool[next(_member_session_index) % len(_member_session_pool)]
        self.client.cookies.set("sessionid", key)
        self.logged_in = "notifications-link" in self.client.get("/", name="/ [signed in]").text

    @task(3)
    def pages(self):
        self.browse()

    @task(2)
    def inbox(self):
        if self.logged_in:
            self.client.get("/notiser/", name="/notiser/")

    @task(2)
    def big_consultation(self):
        self.client.get(f"/samraden/{HOT_SLUG}/", name="/samraden/[500 comments]/")

    @task(2)
    def comment(self):
        if not self.logged_in:
            return
        slugs = self.open_slugs()
        if not slugs:
            return
        slug = random.choice(slugs)
        page = self.client.get(f"/samraden/{slug}/", name="/samraden/[slug]/").text
        forms = [form for form in FORM_RE.findall(page) if 'class="comment-form"' in form]
        if not forms:
            return  # this person's organisation is not in the consultation's audience
        form = random.choice(forms)
        data = hidden_fields(form)
        if "organisation" not in data:  # a member of several organisations chooses whom to speak for
            data["organisation"] = ORGANISATION_SELECT_RE.search(form).group(1)
        data["text"] = f"Belastningstest {next(_sequence)}: vi saknar ett barnperspektiv i avsnittet."
        with self.client.post(
            f"/samraden/{slug}/kommentera/",
            data,
            headers={"Referer": f"{self._origin()}/samraden/{slug}/"},
            name="/samraden/[slug]/kommentera/ [POST]",
            catch_response=True,
        ) as response:
            # Published: redirected to the consultation page. Refused: the form again, with its errors.
            if response.status_code != 200 or not response.history:
                response.failure(f"{response.status_code}: {form_errors(response.text) or 'not published'}")


class OrganisationAdmin(PortalUser):
    """The bench organisation's admin drafts and submits its response to the 500-comment consultation.
    One simulated person: two people saving the same draft at once get a conflict, by design."""

    fixed_count = 1

    def on_start(self):
        super().on_start()
        self.logged_in = self.log_in(ORG_ADMIN)

    @task
    def save_and_submit(self):
        if not self.logged_in:
            return
        path = f"/samraden/{HOT_SLUG}/remissvar/"
        page = self.client.get(path, name="/samraden/[slug]/remissvar/").text
        forms = [form for form in FORM_RE.findall(page) if 'class="response-form"' in form]
        if not forms:
            return
        data = hidden_fields(forms[0])
        number = next(_sequence)
        data["text"] = f"Remissvar, utkast {number}. Vi stöder förslaget med tillägg om tillgänglighet."
        for name in re.findall(r'<textarea[^>]*name="(answer_\d+)"', forms[0]):
            data[name] = f"Svar {number} på frågan."
        data["then"] = "submit"
        organisation = data.get("organisation", "")
        response = self.client.post(
            f"{path}?organisation={organisation}",
            data,
            headers={"Referer": self._origin() + path},
            name="/samraden/[slug]/remissvar/ [POST]",
        )
        submit_forms = [form for form in FORM_RE.findall(response.text) if 'name="confirm"' in form]
        if not submit_forms:
            return
        data = hidden_fields(submit_forms[0])
        data["confirm"] = "on"
        self.client.post(
            f"{path}skicka/?organisation={organisation}",
            data,
            headers={"Referer": response.url.replace("http://", "https://", 1)},
            name="/samraden/[slug]/remissvar/skicka/ [POST]",
        )
