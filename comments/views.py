"""The reader's comment form, posted from an article page."""

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles.http import client_ip, is_same_origin
from articles.public import article_context, load_article
from comments import actions
from comments.flood import FLOOD_MESSAGE, Flooded
from comments.forms import CommentForm
from comments.notify import unsubscribe
from comments.outage import keeps_text_when_down
from comments.rules import rule
from comments.tokens import browser_token, unsubscribe_email


@csrf_exempt  # cached pages carry no CSRF cookie: Origin + a signed form token instead
@require_POST
@keeps_text_when_down  # the database is down: a 503 page with the reader's text kept
def post_comment(request, public_id):
    """Phản hồi: store the comment (rules in comments/rules.py), then redirect to the
    article's thank-you anchor; on an error, the article page again with the text kept."""
    article = load_article(public_id)
    if not article.is_public:
        raise Http404("Bài viết không tồn tại.")
    form = CommentForm(article, request.POST, same_origin=is_same_origin(request))
    if not form.is_valid():
        return _comment_page(request, article, form, status=form.refusal_status)
    submission = form.submission(client_ip(request), request.META.get("HTTP_USER_AGENT", ""))
    try:
        actions.submit_comment(article, submission)
    except Flooded:
        form.add_error(None, FLOOD_MESSAGE)
        return _comment_page(request, article, form, status=429)
    return redirect(actions.thanks_url(article))


def _comment_page(request, article, form, status):
    """The article page with the reader's bound form, never cached (it holds their text)."""
    context = {**article_context(article), "comment_form": form}
    response = render(request, "articles/article.html", context, status=status)
    add_never_cache_headers(response)
    if status == 429:
        response["Retry-After"] = str(rule("FLOOD_LIMITS")[0][0])
    return response


@never_cache
@require_GET
def browser_token_view(request):
    """A fresh signed browser id for site.js to keep (tokens.browser_token). No cookie:
    reader pages stay cacheable and this answer is never stored."""
    return JsonResponse({"token": browser_token()})


@csrf_exempt  # mail clients' one-click (RFC 8058) POST carries no cookie; the token is signed
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token):
    """The reply e-mail's unsubscribe link: a page with one button (link checkers that
    follow GETs unsubscribe nobody), and the POST that does it."""
    email = unsubscribe_email(token)
    if not email:
        raise Http404("Liên kết không hợp lệ.")
    done = request.method == "POST"
    if done:
        unsubscribe(email)
    return render(request, "comments/unsubscribe.html", {"email": email, "done": done})
