"""The Django side of the benchmark, run by bench.py in the benchmark's environment.

    python bench/probe.py targets          JSON: the URLs to load and what is behind them
    python bench/probe.py explain URL...   EXPLAIN ANALYZE of the SQL each page issues
    python bench/probe.py crawl FILE       the archive's article paths, shuffled, one a line
    python bench/probe.py profile N        cProfile of N cold article pages (widgets warm)
    python bench/probe.py publish N        the first page after each of N publishes, against
                                           a cold page with nothing published before it

`explain` renders each page twice with the Django test client and the benchmark's cookie
(so the page cache is bypassed, as in the "uncached" rows); the queries of the second
rendering (widgets warm in the cache, as under load) are captured and explained.
"""

import json
import math
import os
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, F, Q  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles.models import Article, Category  # noqa: E402
from comments.models import Comment  # noqa: E402
from reader import search  # noqa: E402

RARE, COMMON = "Yersin", "tỉnh"
CATEGORY_PAGE = 50
PER_PAGE = 20  # reader.views.PER_PAGE
COOKIE = "bench"  # any sessionid value bypasses the page cache


def showcase_article() -> Article:
    """The breaking-news article: the newest public one with the full anatomy (cover, two
    bylines, topics, fifteen or more approved comments), else simply the newest."""
    newest = list(Article.objects.published().values_list("pk", flat=True)[:2000])
    full = (
        Article.objects.filter(pk__in=newest, cover__isnull=False)
        .annotate(
            approved=Count("comments", filter=Q(comments__status=Comment.Status.APPROVED)),
            authors=Count("byline_links", distinct=True),
            tags=Count("topics", distinct=True),
        )
        .filter(approved__gte=15, authors__gte=2, tags__gte=1)
        .order_by("-published_at", "-pk")
        .first()
    )
    return full or Article.objects.published().first()


def biggest_section() -> tuple[Category, int]:
    """The top-level category whose page (its own and its children's articles) is longest."""
    counts = (
        Article.objects.published()
        .annotate(top=Coalesce(F("category__parent_id"), F("category_id")))
        .values("top")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    top = counts[0]
    return Category.objects.get(pk=top["top"]), top["n"]


def search_total(query: str) -> int:
    params = QueryDict(mutable=True)
    params["q"] = query
    return search.run(search.SearchParams.from_querydict(params)).total


def targets() -> dict:
    article = showcase_article()
    section, published = biggest_section()
    pages = max(1, math.ceil(published / PER_PAGE))
    page = min(CATEGORY_PAGE, pages)
    search_url = reverse("reader:search")

    def searching(query):
        return {"q": query, "url": f"{search_url}?{urlencode({'q': query})}",
                "total": search_total(query)}  # fmt: skip

    return {
        "articles": Article.objects.count(),
        "published": Article.objects.published().count(),
        "comments": Comment.objects.count(),
        "article": {
            "url": article.get_absolute_url(),
            "title": article.title,
            "figures": article.body.count("<figure"),
            "approved_comments": Comment.objects.approved().filter(article=article).count(),
            "bylines": article.byline_links.count(),
            "topics": article.topics.count(),
            "words": len(article.search_text.split()),
        },
        "home": reverse("reader:home"),
        "category": {
            "url": section.get_absolute_url(),
            "published": published,
            "pages": pages,
            "page": page,
        },
        "search": {"rare": searching(RARE), "common": searching(COMMON)},
        "rss": reverse("reader:rss_home"),
    }


def explain(urls: list[str]) -> None:
    client = Client()
    client.cookies["sessionid"] = COOKIE
    for url in urls:
        client.get(url)  # widgets and settings into the cache, as under load
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        rows = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(line for (line,) in cursor.fetchall())
            took = float(plan.rsplit("Execution Time: ", 1)[1].split()[0])
            rows.append((took, sql, plan))
        total = sum(took for took, _, _ in rows)
        print(f"### {url}\n")
        print(f"HTTP {status}; {len(captured)} queries, {total:.2f} ms of execution in all.\n")
        print("| ms | query |\n|---:|---|")
        for took, sql, _ in rows:
            short = " ".join(sql.split())[:140].replace("|", "\\|")
            print(f"| {took:.2f} | `{short}` |")
        print()
        for took, sql, plan in sorted(rows, key=lambda row: row[0], reverse=True)[:3]:
            print(f"```\n-- {took:.2f} ms\n{sql}\n\n{plan}\n```\n")


def archive_paths(limit: int | None = None, seed: int = 19) -> list[str]:
    """Published articles' paths in a fixed shuffled order, the showcase article left out
    (the other scenarios warm it): the long tail a crawler or an old social link asks for."""
    showcase = showcase_article().pk
    categories = Category.by_id()
    rows = (
        Article.objects.published()
        .exclude(pk=showcase)
        .lean()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(rows)
    random.Random(seed).shuffle(ids)
    ids = ids[:limit] if limit else ids
    articles = Article.objects.lean().in_bulk(ids)
    paths = []
    for pk in ids:
        article = articles[pk]
        article.category = categories[article.category_id]
        paths.append(article.get_absolute_url())
    return paths


def crawl(path: str) -> None:
    paths = archive_paths()
    Path(path).write_text("\n".join(paths) + "\n")
    print(json.dumps({"paths": len(paths), "file": path}))


def profile(count: int) -> None:
    """Render `count` archive articles never seen before (their own parts cold, site-wide
    widgets warm) with the benchmark's cookie, under cProfile; print where the time goes."""
    import cProfile
    import pstats
    import time

    client = Client()
    client.cookies["sessionid"] = COOKIE
    paths = archive_paths(2 * count + 1, seed=int(time.time()))
    client.get(paths.pop())  # the widgets and settings into the cache
    timed, paths = paths[:count], paths[count:]
    started = time.process_time()
    with CaptureQueriesContext(connection) as captured:
        for path in timed:
            assert client.get(path).status_code == 200, path
    spent = (time.process_time() - started) * 1000 / count
    print(f"{count} cold articles: {spent:.2f} ms of this process's CPU per page (no profiler),"
          f" {len(captured) / count:.1f} queries per page\n")  # fmt: skip
    profiler = cProfile.Profile()
    profiler.enable()
    for path in paths:
        assert client.get(path).status_code == 200, path
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def publish(count: int) -> None:
    """CPU time of a cold archive article page right after a publish (which moves the
    content generation: every site-wide widget is built again) against a cold article page
    with the widgets warm. The publish itself (saving, rendering the new article's stored
    HTML) is the editor's request and is not counted. The published articles are deleted."""
    import time

    from django.utils import timezone

    from articles.models import ArticleByline

    client = Client()
    client.cookies["sessionid"] = COOKIE
    paths = archive_paths(2 * count + 1, seed=int(time.time()))
    client.get(paths.pop())
    template = Article.objects.published().order_by("-published_at").first()
    made, cold, after = [], [], []
    try:
        for index in range(count):
            started = time.process_time()
            assert client.get(paths[2 * index]).status_code == 200
            cold.append(time.process_time() - started)
            article = Article.objects.create(
                title=f"Bài đo hiệu năng số {index}", sapo=template.sapo, body=template.body,
                category=template.category, cover=template.cover, status=Article.Status.DRAFT,
            )  # fmt: skip
            made.append(article.pk)
            for link in template.byline_links.all():
                ArticleByline.objects.create(article=article, byline=link.byline, role=link.role)
            article.status, article.published_at = Article.Status.PUBLISHED, timezone.now()
            article.save()  # published: the content generation moves after the commit
            started = time.process_time()
            assert client.get(paths[2 * index + 1]).status_code == 200
            after.append(time.process_time() - started)
    finally:
        Article.objects.filter(pk__in=made).delete()
    cold_ms, after_ms = (1000 * sum(x) / len(x) for x in (cold, after))
    print(json.dumps({"publishes": count, "cold_ms": round(cold_ms, 2),
                      "after_publish_ms": round(after_ms, 2),
                      "ratio": round(after_ms / cold_ms, 2)}))  # fmt: skip


if __name__ == "__main__":
    if sys.argv[1:2] == ["targets"]:
        print(json.dumps(targets(), ensure_ascii=False))
    elif sys.argv[1:2] == ["explain"]:
        explain(sys.argv[2:])
    elif sys.argv[1:2] == ["crawl"]:
        crawl(sys.argv[2])
    elif sys.argv[1:2] == ["profile"]:
        profile(int(sys.argv[2]))
    elif sys.argv[1:2] == ["publish"]:
        publish(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
