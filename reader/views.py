"""Reader pages. Views stay thin: queries live on the models, widget data in
reader/widgets.py, search in reader/search.py."""

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from articles.http import is_bot, is_same_origin
from articles.models import Article, Byline, Category, Topic, absolute_url
from articles.public import article_context, load_article
from articles.workflow import can_view
from pagecache.fragments import fragment
from reader import popularity, view_tokens
from reader import search as site_search
from reader.cards import cards

PER_PAGE = 20


def paginate(request, queryset, per_page: int = PER_PAGE, *, count_key: str = ""):
    """A page of `queryset`; a missing, non-numeric or out-of-range page is a 404. With a
    `count_key`, the total is counted once per content generation (a long list costs more
    to count than to show a page of)."""
    paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    if count_key:
        paginator.count = fragment("count", queryset.count, extra=count_key)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except InvalidPage as exc:
        raise Http404("Trang không tồn tại.") from exc


def can_preview(user, article) -> bool:
    return user.is_authenticated and user.is_staff and can_view(user, article)


@require_safe
def home(request):
    featured = list(Article.objects.published().filter(is_featured=True).for_listing()[:5])
    return render(
        request, "articles/home.html", {"featured": featured, "canonical": absolute_url("/")}
    )


@require_safe
def category_detail(request, category, child=None):
    found, _moved = Category.by_slug_or_redirect(child or category)
    if found is None:
        raise Http404("Chuyên mục không tồn tại.")
    if request.path != found.get_absolute_url():  # renamed, moved, or under a wrong parent
        return redirect(found.get_absolute_url() + _query(request), permanent=True)
    top = found.parent or found
    tabs = list(top.children.all())
    ids = Article.objects.published().in_category(found).values_list("pk", flat=True)
    page = paginate(request, ids, count_key=f"category:{found.pk}")
    context = {
        "category": found,
        "page": page,
        "cards": cards(page.object_list, lead_first=page.number == 1),
        "tabs": tabs,
        "canonical": _canonical(request),
    }
    return render(request, "articles/category.html", context)


def _canonical(request) -> str:
    """The page's public URL: its path plus the page number when past the first."""
    page = request.GET.get("page")
    return absolute_url(request.path + (f"?page={page}" if page and page != "1" else ""))


def _query(request) -> str:
    return f"?{request.GET.urlencode()}" if request.GET else ""


def refuse_hidden(request, article):
    """None when the reader may see the article (or staff may preview it). A taken-down
    article answers 410 with its own page; anything else not yet public is a 404."""
    if article.is_public or can_preview(request.user, article):
        return None
    if article.status == Article.Status.UNPUBLISHED:
        return render(request, "articles/gone.html", {"article": article}, status=410)
    raise Http404("Bài viết không tồn tại.")


@require_safe
def article_detail(request, category, month, slug_id, child=None):
    article = load_article(slug_id[-7:])
    preview = not article.is_public
    if refused := refuse_hidden(request, article):
        return refused
    canonical = article.get_absolute_url()
    if request.path != canonical:
        return redirect(canonical + _query(request), permanent=True)
    response = render(request, "articles/article.html", article_context(article, preview))
    if preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def print_article(request, public_id):
    article = load_article(public_id)
    if refused := refuse_hidden(request, article):
        return refused
    article.load_relations()
    response = render(
        request,
        "articles/print.html",
        {"article": article, "canonical": absolute_url(article.get_absolute_url())},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def _listing(request, model, slug, template):
    obj, moved = model.by_slug_or_redirect(slug)
    if obj is None:
        raise Http404("Không tìm thấy trang.")
    if moved:
        return redirect(obj.get_absolute_url() + _query(request), permanent=True)
    # No duplicates without distinct(): an article has a byline or a topic at most once.
    ids = Article.objects.published().filter(**{_FILTERS[model]: obj}).values_list("pk", flat=True)
    page = paginate(request, ids, count_key=f"{model.__name__}:{obj.pk}")
    context = {
        "object": obj,
        "page": page,
        "cards": cards(page.object_list, level=2, show_category=True),
        "canonical": _canonical(request),
    }
    return render(request, template, context)


_FILTERS = {Byline: "bylines", Topic: "topics"}


@require_safe
def byline_detail(request, slug):
    return _listing(request, Byline, slug, "articles/byline.html")


@require_safe
def topic_detail(request, slug):
    return _listing(request, Topic, slug, "articles/topic.html")


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /tim-kiem/",
        "Disallow: /print/",
        "Disallow: /api/",
        f"Sitemap: {absolute_url('/sitemap.xml')}",
        f"Sitemap: {absolute_url('/sitemap-news.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@csrf_exempt  # a beacon from cached pages: no cookie; Origin and a view token are checked
@require_POST
def count_view(request):
    """Đọc nhiều beacon. Sets no cookie; ignores staff, bots, other origins, beacons without
    the page's token, and repeats (reader/view_tokens.py). Always 204: nothing to learn."""
    if not is_same_origin(request) or is_bot(request):
        return HttpResponse(status=204)
    if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_staff:
        return HttpResponse(status=204)
    try:
        article_id = int(request.POST.get("id", ""))
    except ValueError:
        return HttpResponse(status=204)
    token = request.POST.get("token", "")
    if article_id > 0 and view_tokens.is_valid(token, article_id):
        if view_tokens.admit(request, article_id):
            popularity.record_view(article_id)
    return HttpResponse(status=204)


def page_not_found(request, exception):
    template = loader.get_template("404.html")
    return HttpResponseNotFound(template.render({}, request))


def server_error(request):
    # No context processors, no database: the 500 page must render when the database is down.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({}))


@require_safe
def search(request):
    """/tim-kiem/?q=: tone-insensitive search; the work is in reader/search.py."""
    params = site_search.SearchParams.from_querydict(request.GET)
    results = site_search.results_for(params)
    page = paginate(request, results.ids, site_search.PER_PAGE)
    results_html = site_search.page_html(page, params)
    context = {"params": params, "results": results, "page": page, "results_html": results_html}
    response = render(request, "articles/search.html", context)
    response["X-Robots-Tag"] = "noindex, follow"
    return response
