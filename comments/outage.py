"""A comment sent while the database is unreachable: the reader keeps their text.

The comment cannot be stored, and the article page cannot be built either, so the reader
gets a small self-contained page with a Vietnamese message and the form filled in with
what they wrote (and the form token of the page they wrote it on), ready to send again:
a 503 with Retry-After, never a 500 page with the text gone. With Redis down instead,
nothing special is needed: the cache layer carries on without it and the comment is stored.
"""

import functools
import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

from comments.text import clean_text

logger = logging.getLogger(__name__)

UNSENT_MESSAGE = (
    "Hệ thống đang tạm thời gián đoạn nên phản hồi của bạn chưa được lưu. Nội dung bạn viết "
    "vẫn còn dưới đây: vui lòng bấm Gửi lại sau ít phút."
)
RETRY_AFTER_SECONDS = 30


def keeps_text_when_down(view):
    """Wrap post_comment: a database outage answers the unsent-comment page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError) as error:
            logger.error("comment not stored, database unreachable: %s", error)
            return unsent_response(request)

    return wrapper


def unsent_response(request) -> HttpResponse:
    post = request.POST
    kept = {
        "name": clean_text(post.get("name", "")),
        "email": clean_text(post.get("email", "")),
        "content": clean_text(post.get("content", ""), multiline=True),
        "token": post.get("token", "")[:200],
        "shown_at": post.get("shown_at", "")[:16],
        "browser": post.get("browser", "")[:200],
        "notify": bool(post.get("notify")),
    }
    context = {"kept": kept, "message": UNSENT_MESSAGE, "action": request.path}
    html = loader.get_template("comments/unsent.html").render(context)  # no context processors
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
