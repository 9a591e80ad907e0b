"""The signed form token of the comment form.

Article pages are served from a shared cache, so the comment form cannot carry Django's
per-visitor CSRF token (every reader would get the first visitor's token, or the page
could not be cached at all). post_comment is therefore csrf_exempt and relies on:
  1. Origin (or Referer) naming our own site: browsers set it and a cross-site form
     cannot forge it, which is what CSRF protection needs;
  2. this token: the article's id and the time the page was rendered, signed with
     SECRET_KEY. It is the same for every reader of a cached page, so it is not a secret
     and proves nothing about the visitor; it proves the post came from a form we rendered
     for this article, and when. That feeds the "too fast" and "older than a day" rules.
A comment carries no authority (it only ever lands in the moderation queue), so a forged
cross-site post would achieve nothing a reader could not do by hand anyway.
Page caches must live well under MAX_FORM_AGE, or every reader's post would look stale.
"""

import secrets

from django.core import signing

_FORM_SALT = "articles.comment-form"  # unchanged since the move: tokens in cached pages stay valid


def form_token(article) -> str:
    return signing.TimestampSigner(salt=_FORM_SALT).sign(str(article.pk))


def token_time(token, article) -> float | None:
    """When the form for `article` was rendered (epoch seconds), or None for a token that
    is missing, forged, or made for another article."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    signer = signing.TimestampSigner(salt=_FORM_SALT)
    try:
        value = signer.unsign(token)
    except signing.BadSignature:
        return None
    if value != str(article.pk):
        return None
    return float(signing.b62_decode(token.rsplit(signer.sep, 2)[-2]))


# -- the browser token -------------------------------------------------------------------
# Flood control counts posts per reader, not per IP (many readers share a carrier's
# address). A reader is their email and their browser: site.js asks browser_token_view
# (never cached, no cookie) once for a random id signed with SECRET_KEY, keeps it in
# localStorage and sends it with the form. Cached pages stay the same for everyone.

_BROWSER_SALT = "comments.browser"
BROWSER_TOKEN_AGE = 365 * 24 * 3600


def browser_token() -> str:
    return signing.TimestampSigner(salt=_BROWSER_SALT).sign(secrets.token_hex(16))


def browser_id(token) -> str:
    """The browser's id from its token, or "" for a missing, forged or expired one."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return ""
    try:
        return signing.TimestampSigner(salt=_BROWSER_SALT).unsign(token, max_age=BROWSER_TOKEN_AGE)
    except signing.BadSignature:
        return ""


# -- the reader's unsubscribe link -----------------------------------------------------------

_UNSUBSCRIBE_SALT = "comments.unsubscribe"


def unsubscribe_token(email: str) -> str:
    return signing.dumps(email, salt=_UNSUBSCRIBE_SALT)


def unsubscribe_email(token) -> str:
    if not isinstance(token, str) or not token or len(token) > 400:
        return ""
    try:
        email = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return ""
    return email if isinstance(email, str) else ""
