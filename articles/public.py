"""One article, read for a reader page: the row by its public id, with one precompiled
query and its category from the cached map. Reader pages and the comment form's post both
start here."""

import functools

from django.http import Http404

from articles.models import Article, Category, absolute_url

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


def load_article(public_id: str) -> Article:
    """The article for `public_id`, public or not (callers decide who may see it); 404 when
    there is none."""
    found = list(Article.objects.raw(_page_sql(), [public_id]))
    if not found:
        raise Http404("Bài viết không tồn tại.")
    article = found[0]
    category = Category.by_id().get(article.category_id)
    if category is not None:  # else (a category seconds old) it loads as usual
        article.category = category
    return article


def article_context(article, preview: bool = False) -> dict:
    """What the article page's template needs besides what its tags load."""
    return {
        "article": article,
        "preview": preview,
        "canonical": absolute_url(article.get_absolute_url()),
    }
