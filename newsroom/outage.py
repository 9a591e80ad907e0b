"""The database is unreachable: a short 503 page instead of a 500, for readers and the admin.

Reader pages with a cached copy never get here: PageCacheMiddleware (above this one) serves
the copy marked stale when the page cannot be built. Everything else answers in under a
second (the pool's DB_POOL_TIMEOUT) with Retry-After, and the site is back by itself as
soon as the database is: nothing here keeps state.
"""

import logging
import sys
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
OUTAGE_ERRORS = (OperationalError, InterfaceError)  # not ProgrammingError: that is a bug
_last_logged = [0.0]


def is_outage(error: BaseException | None) -> bool:
    return isinstance(error, OUTAGE_ERRORS)


def outage_response(request, error=None) -> HttpResponse:
    """The 503 page: the admin's says plainly that the database is unreachable."""
    now = time.monotonic()
    if now - _last_logged[0] > 10:  # once per outage burst, not once per request
        _last_logged[0] = now
        logger.error("database unreachable, answering 503: %s", error)
    admin = request.path_info.startswith("/admin/")
    template = loader.get_template("outage/admin.html" if admin else "outage/503.html")
    response = HttpResponse(template.render({}), status=503)  # no request: no context processors
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class DatabaseOutageMiddleware:
    """A view that fails because the database is unreachable answers 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_outage(exception):
            return outage_response(request, exception)
        return None


def server_error(request):
    """handler500: the same 503 when what failed outside a view (a middleware, say) was the
    database; the ordinary 500 page otherwise."""
    error = sys.exc_info()[1]
    if is_outage(error):
        return outage_response(request, error)
    from reader.views import server_error as plain_server_error

    return plain_server_error(request)
