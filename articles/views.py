"""Reader pages. Views stay thin: queries live on the models, widgets in template tags."""

import functools

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from articles import moderation, popularity
from articles import search as site_search
from articles.cache import fragment
from articles.cards import cards
from articles.forms import CommentForm
from articles.http import client_ip, is_bot, is_same_origin
from articles.models import Article, Byline, Category, Topic, absolute_url

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
    from articles.workflow import can_view

    return user.is_authenticated and user.is_staff and can_view(user, article)


@require_GET
def home(request):
    featured = list(Article.objects.published().filter(is_featured=True).for_listing()[:5])
    return render(
        request, "articles/home.html", {"featured": featured, "canonical": absolute_url("/")}
    )


@require_GET
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


# What an article page reads of the row when its parts come from the cache (the URL, the
# visibility, the title and description); article.load_relations() reads the rest when a
# part is rendered. The category comes from Category.by_id(), not a join.
PAGE_FIELDS = (
    "title", "slug", "public_id", "sapo", "status", "published_at", "first_published_at",
    "created_at", "category",
)  # fmt: skip


@functools.cache
def _page_sql() -> str:
    """The SQL of load_article(), compiled by the ORM once per process: for this one query,
    run on every uncached article page, compiling costs more than running it."""
    query = Article.objects.only(*PAGE_FIELDS).filter(public_id="").order_by().query
    return query.sql_with_params()[0]


def load_article(public_id: str):
    found = list(Article.objects.raw(_page_sql(), [public_id]))
    if not found:
        raise Http404("Bài viết không tồn tại.")
    article = found[0]
    category = Category.by_id().get(article.category_id)
    if category is not None:  # else (a category seconds old) it loads as usual
        article.category = category
    return article


def refuse_hidden(request, article):
    """None when the reader may see the article (or staff may preview it). A taken-down
    article answers 410 with its own page; anything else not yet public is a 404."""
    if article.is_public or can_preview(request.user, article):
        return None
    if article.status == Article.Status.UNPUBLISHED:
        return render(request, "articles/gone.html", {"article": article}, status=410)
    raise Http404("Bài viết không tồn tại.")


def article_context(article, preview: bool = False) -> dict:
    return {
        "article": article,
        "preview": preview,
        "canonical": absolute_url(article.get_absolute_url()),
    }


@require_GET
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


@require_GET
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


@require_GET
def byline_detail(request, slug):
    return _listing(request, Byline, slug, "articles/byline.html")


@require_GET
def topic_detail(request, slug):
    return _listing(request, Topic, slug, "articles/topic.html")


@require_GET
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


@csrf_exempt  # a beacon from cached pages: no cookie, no token; Origin is checked instead
@require_POST
def count_view(request):
    """Đọc nhiều beacon. Sets no cookie; ignores staff, bots and other origins."""
    if not is_same_origin(request) or is_bot(request):
        return HttpResponse(status=204)
    if request.COOKIES.get("sessionid") and request.user.is_staff:
        return HttpResponse(status=204)
    try:
        article_id = int(request.POST.get("id", ""))
    except ValueError:
        return HttpResponse(status=204)
    if article_id > 0:
        popularity.record_view(article_id)
    return HttpResponse(status=204)


def page_not_found(request, exception):
    template = loader.get_template("404.html")
    return HttpResponseNotFound(template.render({}, request))


def server_error(request):
    # No context processors, no database: the 500 page must render when the database is down.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({}))


@require_GET
def search(request):
    """/tim-kiem/?q=: tone-insensitive search; the work is in articles/search.py."""
    params = site_search.SearchParams.from_querydict(request.GET)
    results = site_search.run(params)
    page = paginate(request, results.ids, site_search.PER_PAGE)
    articles = site_search.load_page(page, params)
    context = {"params": params, "results": results, "page": page, "articles": articles}
    response = render(request, "articles/search.html", context)
    response["X-Robots-Tag"] = "noindex, follow"
    return response


@csrf_exempt  # cached pages carry no CSRF cookie: Origin + a signed form token instead
@require_POST
def post_comment(request, public_id):
    """Phản hồi: store the comment (rules in articles/moderation.py), then redirect to the
    article's thank-you anchor; on an error, the article page again with the text kept."""
    article = load_article(public_id)
    if not article.is_public:
        raise Http404("Bài viết không tồn tại.")
    form = CommentForm(article, request.POST, same_origin=is_same_origin(request))
    if not form.is_valid():
        return _comment_page(request, article, form, status=form.refusal_status)
    submission = form.submission(client_ip(request), request.META.get("HTTP_USER_AGENT", ""))
    try:
        moderation.submit_comment(article, submission)
    except moderation.Flooded:
        form.add_error(None, moderation.FLOOD_MESSAGE)
        return _comment_page(request, article, form, status=429)
    return redirect(moderation.thanks_url(article))


def _comment_page(request, article, form, status):
    """The article page with the reader's bound form, never cached (it holds their text)."""
    context = {**article_context(article), "comment_form": form}
    response = render(request, "articles/article.html", context, status=status)
    add_never_cache_headers(response)
    if status == 429:
        response["Retry-After"] = str(moderation.rule("FLOOD_LIMITS")[0][0])
    return response
