import html
import re

from django import template
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import urlize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from organisations.attribution import attribution

from .. import selectors

register = template.Library()


@register.simple_tag
def open_consultations(limit: int = 5):
    """For the home page slot: open consultations, closing first on top."""
    return selectors.open_consultations(limit)


@register.filter
def signed(comment) -> str:
    """ "Name, Organisation" for a comment."""
    return attribution(comment.author, comment.organisation)


# Words that Django's `urlize` may turn into a link: a scheme, "www.", an e-mail address or a bare domain
# under one of the top-level domains it knows. Text without any of them comes out of `urlize` escaped and
# otherwise unchanged, so the (slow, word by word) `urlize` runs only on text that may hold a link.
_MAY_LINK = re.compile(r"https?://|www\.|@|\.(?:com|edu|gov|int|mil|net|org)", re.IGNORECASE)


_PARAGRAPH_BREAK = re.compile(r"\n{2,}")


@register.filter(is_safe=True, needs_autoescape=True)
def comment_html(text, autoescape=True):
    """A comment's plain text as HTML: escaped, links made clickable, paragraphs and line breaks kept.
    The same output as `text|urlize|linebreaks`, several times faster on text without links."""
    text = str(text or "")
    if _MAY_LINK.search(text):
        text = str(urlize(text, nofollow=True, autoescape=autoescape))
    elif autoescape:
        text = html.escape(text, quote=True)
    # What `linebreaks` does, without its lazy-string wrappers.
    paragraphs = _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").replace("\r", "\n"))
    return mark_safe("\n\n".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))


_TEXTS: dict[str, dict] = {}


def _texts(context) -> dict:
    """The translated words of the comment markup, escaped, looked up once per language and process (a
    `gettext` call per comment and word added up to a tenth of the render time with 500 comments)."""
    language = get_language() or ""
    texts = _TEXTS.get(language)
    if texts is None:
        texts = {
            "deleted": _("The author deleted this comment."),
            "hidden": _("A moderator hid this comment because it broke the rules of the consultation."),
            "reason": _("Reason"),
            "on_version": _("on version %(number)s"),
            "edited": _("edited"),
            "edit": _("Edit"),
            "delete": _("Delete"),
            "your_comment": _("your comment"),
            "report": _("Report"),
            "hide": _("Hide"),
            "the_comment_by": _("the comment by %(name)s"),
            "show_again": _("Show again"),
            "reply": _("Reply"),
            "replies": _("Replies"),
            "reply_to": _("to %(name)s"),
            "months": {n: _e(name) for n, name in MONTHS.items()},
        }
        texts = {k: v if isinstance(v, dict) else _e(v) if "%(" not in v else v for k, v in texts.items()}
        _TEXTS[language] = texts
    return texts


def _e(value) -> str:
    return html.escape(str(value), quote=True)


@register.simple_tag(takes_context=True)
def comment_article(context, comment):
    """One comment as an `<article>`: author, time, version, text, outcome mark and the viewer's actions.

    Built in Python rather than with an included template because the consultation page shows every
    comment (500 and more): an `{% include %}` with a dozen tags per comment took over a second, this takes
    a few milliseconds. It expects what `selectors.prepare_comments_for_display` sets (`signed`,
    `actions` with their URLs) and `mark` from `selectors.build_threads`; it runs no query. Every value
    is escaped with `_e` (the standard library's `html.escape`, as Django's `escape` does).
    """
    t = _texts(context)
    reply = " comment--reply" if comment.parent_id else ""
    parts = [f'<article class="comment{reply}" id="{_e(comment.anchor)}">\n']
    if comment.deleted_at:
        parts.append(f'<p class="comment__notice">{t["deleted"]}</p>\n')
    elif comment.hidden_at:
        parts.append(f'<p class="comment__notice">{t["hidden"]}</p>\n')
        if context.get("is_coordinator"):
            parts.append(f'<p class="comment__notice">{t["reason"]}: {_e(comment.hidden_reason)}</p>\n')
    else:
        created = timezone.localtime(comment.created)
        edited = f' · <span class="comment__edited">{t["edited"]}</span>' if comment.edited_at else ""
        on_version = _e(t["on_version"] % {"number": comment.version})
        parts.append(
            f'<p class="comment__author"><strong>{_e(comment.signed)}</strong></p>\n'
            f'<p class="comment__meta"><time datetime="{created.isoformat(timespec="minutes")}">'
            f"{created.day} {t['months'][created.month]} {created.year} {created:%H:%M}</time>"
            f" · {on_version}{edited}</p>\n"
            f'<div class="comment__text">{comment_html(comment.text)}</div>\n'
        )
        mark = getattr(comment, "mark", None)
        if mark:
            rationale = f" {_e(mark.rationale)}" if mark.rationale else ""
            parts.append(
                f'<p class="comment__mark"><span class="badge badge--mark-{_e(mark.mark)}">'
                f"{_e(mark.get_mark_display())}</span>{rationale}</p>\n"
            )
    actions = getattr(comment, "actions", None)
    if actions:
        parts.append('<ul class="comment__actions">')
        if "edit" in actions:
            parts.append(_action(actions["edit"], t["edit"], t["your_comment"]))
        if "delete" in actions:
            parts.append(_action(actions["delete"], t["delete"], t["your_comment"]))
        if "report" in actions or "hide" in actions:
            by = _e(t["the_comment_by"] % {"name": comment.signed})
            if "report" in actions:
                parts.append(_action(actions["report"], t["report"], by))
            if "hide" in actions:
                parts.append(_action(actions["hide"], t["hide"], by))
        if "restore" in actions:
            token = _e(get_token(context["request"]))
            parts.append(
                f'<li><form method="post" action="{_e(actions["restore"])}" class="inline-form">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
                f'<button type="submit" class="link-button">{t["show_again"]}</button></form></li>'
            )
        parts.append("</ul>\n")
    parts.append("</article>")
    return mark_safe("".join(parts))


def _action(url: str, label: str, hidden: str) -> str:
    return f'<li><a href="{_e(url)}">{label}<span class="visually-hidden"> {hidden}</span></a></li>'


@register.simple_tag(takes_context=True)
def comment_threads(context, threads):
    """The list of threads: each top-level comment, its replies, and for those who may comment a "Reply"
    link to this page with `?svar=<id>`, which opens the one reply form under that thread
    (consultations/includes/reply_form.html) without JavaScript; its text box has `autofocus`, so the
    browser scrolls to it and puts the cursor there (no `#fragment` in the link: with one, browsers skip
    autofocus). One Python loop, not template tags per
    thread: see `comment_article`."""
    t = _texts(context)
    can_comment = context.get("can_comment")
    reply_to = context.get("reply_to")
    parts = ['<ol class="thread-list">\n']
    for comment, replies in threads:
        parts.append('<li class="thread">\n')
        parts.append(comment_article(context, comment))
        if replies:
            parts.append(f'\n<ol class="reply-list" aria-label="{t["replies"]}">\n')
            for reply in replies:
                parts.append(f"<li>{comment_article(context, reply)}</li>\n")
            parts.append("</ol>\n")
        if can_comment and comment.deleted_at is None and comment.hidden_at is None:
            if reply_to is not None and reply_to.pk == comment.pk:
                with context.push(comment=comment):
                    parts.append(context.template.engine.get_template(REPLY_FORM).render(context))
            else:
                parts.append(_reply_link(t, comment))
        parts.append("</li>\n")
    parts.append("</ol>")
    return mark_safe("".join(parts))


REPLY_FORM = "consultations/includes/reply_form.html"


def _reply_link(t: dict, comment) -> str:
    name = comment.signed
    return (
        f'\n<p class="reply-link"><a href="?svar={comment.pk}">{t["reply"]}'
        f'<span class="visually-hidden"> {_e(t["reply_to"] % {"name": name})}</span></a></p>\n'
    )


@register.filter
def localtime_iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""
