"""A large, realistic archive for benchmarks: `manage.py make_archive --articles 100000`.

Adds N articles (run it again to add N more) spread over about three years: 800-1,500-word
bodies recombined from the demo paper's sentences, 2-4 figures each from a pool of about 50
Pillow-drawn pictures (so the disk does not fill), 1-2 of 40 bylines, some topics, 0-30
comments, mostly published. Rows go in with bulk_create, 2,000 articles per transaction.

The derived columns come from the functions a normal save uses: the body through
clean_html, body_html = clean_html(enrich_figures(body)), search_text = fold() of title,
sapo and strip_tags(body), search_vector from articles.search_index.update_search_vectors().
Only enrich_figures() is cached (it costs a query): it runs once per pool picture instead of
once per article, and the first batch is checked against the real call.

On PostgreSQL the work is spread over the cores: a spawned process writes the texts (fold()
is most of the Python work), the command builds rows, one thread inserts the previous batch
and another fills the search vectors of the batch before that.
"""

import json
import multiprocessing
import random
import re
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from html import escape
from pathlib import Path

import django
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from articles.images import enrich_figures
from articles.models import (
    Article,
    ArticleByline,
    ArticleView,
    Byline,
    Category,
    Image,
    SiteSettings,
    Topic,
    WebsiteLink,
)
from articles.models.article import new_public_id
from articles.sanitize import clean_html
from articles.search_index import update_search_vectors
from articles.vietnamese import fold, nfc, vn_slugify
from comments.models import Comment
from demo.pictures import draw_picture
from demo.site import CATEGORIES, SITE_SETTINGS, TOPICS, WEBSITE_LINKS
from pagecache import generations

DEMO_DIR = Path(__file__).resolve().parents[3] / "demo"  # the demo paper's texts
PICTURE_SIZE = (1600, 900)
POOL_CREDIT = "KHO ẢNH"  # marks the picture pool, so a second run reuses it
BATCH_SIZE = 2000
YEARS = 3
# RARE_HITS articles of a run (evenly spread) mention a word found nowhere else: the "rare"
# benchmark search, a full page of results whatever the size of the archive.
RARE_HITS = 20
RARE_SENTENCE = "Bảo tàng Alexandre Yersin ở Nha Trang vừa đón thêm nhiều hiện vật quý."
STATUSES = [  # (status, weight): mostly published, a little of every newsroom state
    (Article.Status.PUBLISHED, 950),
    (Article.Status.DRAFT, 15),
    (Article.Status.SUBMITTED, 10),
    (Article.Status.EDITING, 5),
    (Article.Status.RETURNED, 5),
    (Article.Status.PENDING_APPROVAL, 5),
    (Article.Status.UNPUBLISHED, 10),
]
COMMENT_STATUSES = [
    (Comment.Status.APPROVED, 80),
    (Comment.Status.PENDING, 10),
    (Comment.Status.REJECTED, 7),
    (Comment.Status.SPAM, 3),
]
ROLES = ["", "tin", "anh", "tin_anh", "bai_anh", "thuc_hien"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hạnh", "Khoa", "Lan", "Linh", "Nam", "Phúc",
         "Quân", "Tâm", "Trâm", "Vy", "Yến", "Hải", "Sơn", "Thảo", "Tùng"]  # fmt: skip
PEN_FIRST = ["MINH", "THU", "HỮU", "PHƯƠNG", "ĐĂNG", "KHÁNH", "BẢO", "NGỌC", "THANH", "HOÀNG"]
PEN_LAST = ["AN", "HÀ", "TÂM", "VY", "KHOA", "LINH", "NAM", "CHÂU", "PHÚC", "TRÂM"]
READER_LINES = [
    "Bài viết rất thiết thực, cảm ơn tòa soạn.",
    "Mong chính quyền địa phương sớm có giải pháp lâu dài.",
    "Ở xã tôi cũng có tình trạng tương tự, đề nghị báo phản ánh thêm.",
    "Thông tin hữu ích cho bà con trong tỉnh.",
    "Xin hỏi thủ tục đăng ký như thế nào ạ?",
    "Rất mừng khi thấy quê mình ngày càng đổi mới.",
    "Đề nghị kiểm tra lại số liệu trong bài.",
]
REPLY = "Cảm ơn bạn đọc, tòa soạn đã chuyển ý kiến đến cơ quan chức năng."
Tag = Article.topics.through


class Command(BaseCommand):
    help = "Tạo kho bài lưu trữ lớn để đo hiệu năng (bulk insert, ảnh dùng chung)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000, help="số bài thêm vào")
        parser.add_argument("--pictures", type=int, default=50, help="số ảnh trong kho ảnh")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        count, size = options["articles"], options["batch_size"]
        if count < 1 or size < 1 or options["pictures"] < 4:
            raise CommandError("--articles and --batch-size >= 1, --pictures >= 4.")
        started = time.perf_counter()
        with transaction.atomic():
            categories, topics, bylines = taxonomy()
        pool = picture_pool(options["pictures"])
        timings = {"pictures": time.perf_counter() - started}
        first = Article.objects.count()
        seed = options["seed"] + first
        figures = [Figure.of(image) for image in pool]
        maker = RowMaker(random.Random(seed), figures, categories, topics, bylines)
        batches = [(first + start, min(size, count - start)) for start in range(0, count, size)]
        parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
        rare_every = max(1, count // RARE_HITS)
        texts = TextSource(seed, figures, batches, parallel, rare_every)
        writer = BatchWriter(timings, parallel)
        with given_timestamps(*stamped_fields()):
            try:
                for _ in batches:
                    mark = time.perf_counter()
                    batch_texts = texts.next()
                    mark = lap(timings, "waiting for texts", mark)
                    batch = maker.build(batch_texts)
                    lap(timings, "building rows", mark)
                    done = writer.write(batch)
                    elapsed = time.perf_counter() - started
                    self.stdout.write(f"  {done:>7} bài  {elapsed:6.1f} s")
                writer.finish()
            finally:
                texts.close()
                writer.close()
        mark = time.perf_counter()
        views = recent_views(maker.rng, maker.now)
        generations.bump(generations.SITE, generations.CONTENT)
        analyze()
        timings["views, bump, analyze"] = time.perf_counter() - mark
        total = time.perf_counter() - started
        self.stdout.write(
            f"make_archive: {count} bài, {writer.comments} phản hồi, {views} dòng lượt đọc"
            f" trong {total:.1f} s ({count / total:,.0f} bài/s)."
        )
        for name, seconds in timings.items():
            self.stdout.write(f"  {name:<26} {seconds:7.1f} s")
        if maker.enrich_fallbacks:
            self.stdout.write(f"  enrich_figures() called directly {maker.enrich_fallbacks}×")


# -- what every article refers to -----------------------------------------------------------


def taxonomy():
    """The demo paper's sections (with their sub-sections), topics, links and settings, and
    40 bylines. Reused when they exist (on top of seed_demo or a previous run)."""
    if not SiteSettings.objects.filter(pk=1).exists():
        SiteSettings.objects.create(pk=1, **SITE_SETTINGS)
    categories = []
    for position, (name, slug, children) in enumerate(CATEGORIES):
        top, _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
        categories.append((top, 3))  # sections get more copy than their sub-sections
        for child_position, child_name in enumerate(children):
            child, _ = Category.objects.get_or_create(
                slug=vn_slugify(child_name),
                defaults={"name": child_name, "parent": top, "position": child_position},
            )
            categories.append((child, 1))
    topics = []
    for position, (name, on_home, description) in enumerate(TOPICS):
        topic, _ = Topic.objects.get_or_create(
            name=name,
            defaults={"show_on_home": on_home, "position": position, "description": description},
        )
        topics.append(topic)
    for position, (title, url) in enumerate(WEBSITE_LINKS):
        WebsiteLink.objects.get_or_create(url=url, defaults={"title": title, "position": position})
    names = [f"{first} {last}" for first in PEN_FIRST for last in PEN_LAST]
    bylines = [
        Byline.objects.filter(name=name).first() or Byline.objects.create(name=name)
        for name in random.Random(40).sample(names, 40)
    ]
    return categories, topics, bylines


def picture_pool(size: int) -> list[Image]:
    """About 50 library pictures with their renditions, made through Image.save()."""
    pool = list(Image.objects.filter(credit=POOL_CREDIT).order_by("pk")[:size])
    captions = Corpus.load().captions
    for n in range(len(pool), size):
        caption = captions[n % len(captions)]
        image = Image(alt=caption[:300], caption=caption, credit=POOL_CREDIT)
        data = draw_picture(1000 + n, PICTURE_SIZE)
        image.file.save(f"archive-{n}.jpg", ContentFile(data), save=False)
        image.save()
        pool.append(image)
    return pool


@dataclass
class Figure:
    """A pool picture as the editor writes it into a body (cleaned), and the same markup
    after enrich_figures(): srcset, sizes, width, height, lazy loading."""

    image: Image | None
    markup: str
    enriched: str

    @classmethod
    def of(cls, image: Image) -> "Figure":
        raw = (
            f'<figure><img src="{image.url_for(960)}" data-file="{image.pk}"'
            f' alt="{escape(image.alt)}"><figcaption>{escape(image.caption)}'
            f" (Ảnh: {escape(image.credit)})</figcaption></figure>"
        )
        markup = clean_html(raw)
        return cls(image, markup, enrich_figures(markup))


# -- texts: pure functions of a seed, so they can be written in another process -------------


@dataclass
class Corpus:
    """Sentences (with word counts), headings, quotes, titles and captions of the demo
    articles, to be recombined."""

    sentences: list
    headings: list
    quotes: list
    titles: list
    captions: list

    @classmethod
    def load(cls) -> "Corpus":
        entries = []
        for path in sorted(DEMO_DIR.glob("articles_*.json")):
            entries.extend(json.loads(path.read_text(encoding="utf-8")))
        blocks = [b for e in entries for b in e["body"]]
        paragraphs = [b["p"] for b in blocks if "p" in b]
        sentences = [s for p in paragraphs for s in re.split(r"(?<=[.!?])\s+", p)]
        return cls(
            sentences=[(s, len(s.split())) for s in sentences if len(s.split()) >= 5],
            headings=[b["h2"] for b in blocks if "h2" in b],
            quotes=[b["quote"] for b in blocks if "quote" in b],
            titles=[e["title"] for e in entries],
            captions=[b["figure"]["caption"] for b in blocks if "figure" in b],
        )


@dataclass
class Text:
    title: str
    sapo: str
    body: str
    body_html: str  # "" when the pool cache could not answer: computed by the caller
    search_text: str
    figures: list  # indexes into the pool
    rare: bool


_corpus: Corpus | None = None
_figures: list[Figure] = []


def write_texts(seed: int, first: int, count: int, figures: list, rare_every: int) -> list[Text]:
    """The texts of articles first..first+count-1; the same for the same seed."""
    global _corpus, _figures
    if _corpus is None:
        _corpus = Corpus.load()
    _figures = figures
    rng = random.Random(f"{seed}:{first}")
    return [write_text(rng, first + n, rare_every) for n in range(count)]


def write_text(rng, index: int, rare_every: int) -> Text:
    corpus = _corpus
    picked = rng.sample(range(len(_figures)), rng.randint(2, 4))
    rare = index % rare_every == 0
    # 800-1,500 words in all: the last paragraph may run up to ~170 words past the target
    blocks, target = [], rng.randint(800, 1330)
    words = sum(len(strip_tags(_figures[n].markup).split()) for n in picked)
    while words < target:
        sentences = [rng.choice(corpus.sentences) for _ in range(rng.randint(2, 5))]
        text = " ".join(s for s, _ in sentences)
        if rare and not blocks:
            text = f"{RARE_SENTENCE} {text}"
        blocks.append(f"<p>{escape(text, quote=False)}</p>")
        words += len(text.split())
        extra = ""
        if len(blocks) % 5 == 3 and rng.random() < 0.6:
            extra = rng.choice(corpus.headings)
            blocks.append(f"<h2>{escape(extra)}</h2>")
        elif len(blocks) % 7 == 5 and rng.random() < 0.3:
            extra = rng.choice(corpus.quotes)
            blocks.append(f"<blockquote><p>{escape(extra)}</p></blockquote>")
        words += len(extra.split())
    step = max(1, len(blocks) // (len(picked) + 1))
    for n, figure in enumerate(picked, start=1):
        blocks.insert(min(len(blocks), n * step + n - 1), _figures[figure].markup)
    body = clean_html("\n".join(blocks))
    if rng.random() < 0.3:
        title = rng.choice(corpus.titles)
    else:
        words_of = rng.choice(corpus.sentences)[0].split()[: rng.randint(8, 16)]
        title = " ".join(words_of).rstrip(".,;:!?")
        title = title[:1].upper() + title[1:200]
    title = nfc(title)
    sapo = nfc(" ".join(rng.choice(corpus.sentences)[0] for _ in range(rng.randint(1, 2))))
    return Text(
        title=title,
        sapo=sapo,
        body=body,
        body_html=enriched_html(body, [_figures[n] for n in picked]),
        search_text=fold(" ".join([title, sapo, strip_tags(body)])),  # as in Article.save()
        figures=picked,
        rare=rare,
    )


def enriched_html(body: str, figures: list[Figure]) -> str:
    """clean_html(enrich_figures(body)) with enrich_figures() answered from the pool; ""
    when a figure's markup did not survive cleaning verbatim (the caller asks the real one)."""
    for figure in figures:
        if figure.markup not in body:
            return ""
        body = body.replace(figure.markup, figure.enriched)
    return clean_html(body)


class TextSource:
    """Texts batch by batch, from a spawned process a batch or two ahead of their use, or
    in this process (tests, SQLite). Spawned, not forked, so that the child holds none of
    this process's database connections; it runs django.setup() before its first task."""

    AHEAD = 2

    def __init__(self, seed: int, figures: list, batches: list, parallel: bool, rare_every: int):
        self.figures = [Figure(None, f.markup, f.enriched) for f in figures]  # picklable
        self.seed, self.pending, self.queued = seed, deque(batches), deque()
        self.rare_every = rare_every
        self.pool = None
        if parallel:
            context = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(1, context, initializer=django.setup)
        self._fill()

    def _fill(self) -> None:
        while self.pool is not None and self.pending and len(self.queued) < self.AHEAD:
            first, count = self.pending.popleft()
            task = self.pool.submit(
                write_texts, self.seed, first, count, self.figures, self.rare_every
            )
            self.queued.append(task)

    def next(self) -> list[Text]:
        if self.pool is None:
            return write_texts(self.seed, *self.pending.popleft(), self.figures, self.rare_every)
        task = self.queued.popleft()
        self._fill()
        return task.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


# -- rows -------------------------------------------------------------------------------------


@dataclass
class Batch:
    articles: list
    links: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    replies: list = field(default_factory=list)
    check: bool = False


class RowMaker:
    """Turns texts into unsaved rows. Relations point at unsaved articles: bulk_create fills
    in their ids once the articles have them."""

    def __init__(self, rng, figures, categories, topics, bylines):
        self.rng, self.figures, self.topics, self.bylines = rng, figures, topics, bylines
        self.categories = [c for c, _ in categories]
        self.category_weights = [w for _, w in categories]
        self.now = timezone.now()
        self.public_ids = set(Article.objects.values_list("public_id", flat=True))
        self.enrich_fallbacks = 0
        self.checked = False
        # Drawn once per comment, prepared once: a million comments make this count.
        self.comment_statuses = [s for s, weight in COMMENT_STATUSES for _ in range(weight)]
        people = rng.sample([(f, m, g) for f in FAMILY for m in MIDDLE for g in GIVEN], 500)
        self.readers = [
            (f"{f} {m} {g}", f"{vn_slugify(g)}.{vn_slugify(f)}{n}@example.vn")
            for n, (f, m, g) in enumerate(people)
        ]
        self.reader_texts = [
            " ".join(rng.sample(READER_LINES, rng.randint(1, 3))) for _ in "x" * 60
        ]

    def build(self, texts: list[Text]) -> Batch:
        batch = Batch([self.article(text) for text in texts])
        for article in batch.articles:
            self.relations(batch, article)
            if article.status == Article.Status.PUBLISHED:
                self.comments(batch, article)
        if not self.checked:
            self.checked = batch.check = True
        return batch

    def public_id(self) -> str:
        """Random 7-hex like new_public_id(); redrawn on a clash (about 19 in 100,000)."""
        while (candidate := new_public_id()) in self.public_ids:
            pass
        self.public_ids.add(candidate)
        return candidate

    def article(self, text: Text) -> Article:
        rng = self.rng
        status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
        if text.rare:
            status = Article.Status.PUBLISHED  # the rare search must find it
        moment = self.now - timedelta(seconds=rng.uniform(300, YEARS * 365 * 86400))
        went_out = status in (Article.Status.PUBLISHED, Article.Status.UNPUBLISHED)
        body_html = text.body_html
        if not body_html:
            self.enrich_fallbacks += 1
            body_html = clean_html(enrich_figures(text.body))
        return Article(
            title=text.title,
            slug=vn_slugify(text.title, max_length=120) or "bai-viet",  # as _fill_slug()
            public_id=self.public_id(),
            sapo=text.sapo,
            body=text.body,
            body_html=body_html,
            search_text=text.search_text,
            category=rng.choices(self.categories, self.category_weights)[0],
            cover=self.figures[text.figures[0]].image,
            source="Theo TTXVN" if rng.random() < 0.1 else "",
            status=status,
            published_at=moment if went_out else None,
            first_published_at=moment if went_out else None,
            is_featured=went_out and rng.random() < 0.01,
            created_at=moment - timedelta(hours=3),
            updated_at=min(self.now, moment + timedelta(minutes=rng.randint(0, 600))),
        )

    def relations(self, batch: Batch, article: Article) -> None:
        rng = self.rng
        count = 1 if rng.random() < 0.8 else 2
        for position, byline in enumerate(rng.sample(self.bylines, count)):
            role = rng.choice(ROLES)
            batch.links.append(
                ArticleByline(article=article, byline=byline, role=role, position=position)
            )
        if rng.random() < 0.3:
            for topic in rng.sample(self.topics, rng.randint(1, 2)):
                batch.tags.append(Tag(article=article, topic=topic))

    def comments(self, batch: Batch, article: Article) -> None:
        rng = self.rng
        for n in range(rng.randint(0, 30)):
            status = rng.choice(self.comment_statuses)
            name, email = rng.choice(self.readers)
            at = min(self.now, article.published_at + timedelta(minutes=20 + 37 * n))
            approved = status == Comment.Status.APPROVED
            comment = Comment(
                article=article,
                name=name,
                email=email,
                content=rng.choice(self.reader_texts),
                status=status,
                hold_reason="" if approved else Comment.HoldReason.MODERATION,
                created_at=at,
                moderated_at=None if status == Comment.Status.PENDING else at + timedelta(hours=1),
                ip_address=f"192.0.2.{rng.randint(1, 254)}",
                user_agent="Mozilla/5.0 (archive)",
            )
            batch.comments.append(comment)
            if approved and rng.random() < 0.05:
                reply = Comment(
                    article=article,
                    parent=comment,
                    name="Tòa soạn",
                    email="toasoan@example.vn",
                    content=REPLY,
                    status=Comment.Status.APPROVED,
                    is_newsroom_reply=True,
                    created_at=at + timedelta(hours=2),
                )
                batch.replies.append(reply)


class BatchWriter:
    """Writes batches: the rows in one transaction, then the search vectors in another.
    In parallel mode each step has its own thread and database connection, so PostgreSQL
    works on two batches at once while the next is built; at most one batch waits per
    step, so memory stays flat. Inline (tests, SQLite) both steps run here, in order."""

    def __init__(self, timings: dict, parallel: bool):
        self.timings = timings
        self.steps = []
        if parallel:
            self.steps = [ThreadPoolExecutor(max_workers=1) for _ in range(2)]
        self.rows = self.vectors = None  # the step's future in flight
        self.written = 0
        self.comments = 0

    def write(self, batch: Batch) -> int:
        """Write (or queue) a batch; returns the number of articles written so far."""
        if not self.steps:
            self._write_vectors(self._write_rows(batch))
        else:
            self._pass_on()
            self.rows = self.steps[0].submit(self._write_rows, batch)
        return self.written

    def finish(self) -> None:
        """Wait for the last batches; their errors are raised here."""
        if self.steps:
            self._pass_on()
            self._wait(self.vectors)

    def close(self) -> None:
        """Stop the threads (after their current batch), each closing its connection."""
        for step in self.steps:
            step.submit(connections.close_all)
            step.shutdown(cancel_futures=False)

    def _pass_on(self) -> None:
        """The batch whose rows are in goes on to the vectors step."""
        if self.rows is not None:
            ids = self._wait(self.rows)
            self._wait(self.vectors)
            self.rows, self.vectors = None, self.steps[1].submit(self._write_vectors, ids)

    def _wait(self, future):
        if future is None:
            return None
        mark = time.perf_counter()
        result = future.result()  # the step's exception, if any, is raised here
        lap(self.timings, "waiting for the database", mark)
        return result

    def _write_rows(self, batch: Batch) -> list[int]:
        with transaction.atomic():
            mark = time.perf_counter()
            Article.objects.bulk_create(batch.articles, defer_vectors=True)  # _write_vectors
            mark = lap(self.timings, "insert articles", mark)
            ArticleByline.objects.bulk_create(batch.links, batch_size=5000)
            Tag.objects.bulk_create(batch.tags, batch_size=5000)
            Comment.objects.bulk_create(batch.comments, batch_size=5000)
            Comment.objects.bulk_create(batch.replies, batch_size=5000)
            lap(self.timings, "bylines, topics, comments", mark)
        if batch.check:  # the pool cache must agree with the real enrich_figures()
            sample = batch.articles[0]
            if sample.body_html != clean_html(enrich_figures(sample.body)):
                raise CommandError("body_html differs from clean_html(enrich_figures(body)).")
        self.written += len(batch.articles)
        self.comments += len(batch.comments) + len(batch.replies)
        return [a.pk for a in batch.articles]

    def _write_vectors(self, ids: list[int]) -> None:
        mark = time.perf_counter()
        with transaction.atomic():
            update_search_vectors(Article.objects.filter(pk__in=ids))
        lap(self.timings, "search vectors", mark)


# -- after the rows ---------------------------------------------------------------------------


def recent_views(rng, now) -> int:
    """Đọc nhiều needs view counts: the last week's articles get some, per day."""
    today = timezone.localdate()
    recent = Article.objects.published().filter(published_at__gte=now - timedelta(days=7))
    rows = [
        ArticleView(article_id=pk, day=today - timedelta(days=back), views=views)
        for pk in recent.values_list("pk", flat=True)
        for back in range(7)
        if (views := rng.randint(0, 500))
    ]
    ArticleView.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def analyze() -> None:
    """Fresh planner statistics (and, outside a transaction, a visibility map for
    index-only scans): after a bulk load the planner guesses until autovacuum runs."""
    if connection.vendor != "postgresql":
        return
    verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    tables = [m._meta.db_table for m in (Article, ArticleByline, Comment, ArticleView, Tag)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{verb} {connection.ops.quote_name(table)}")


def stamped_fields() -> list:
    """The timestamps an archive sets itself (see given_timestamps)."""
    return [
        Article._meta.get_field("created_at"),
        Article._meta.get_field("updated_at"),
        Comment._meta.get_field("created_at"),
    ]


@contextmanager
def given_timestamps(*fields):
    """bulk_create stamps auto_now/auto_now_add fields with the current time; an archive
    needs the times it was given. Switched off for the insert, always switched back."""
    saved = [(stamp, stamp.auto_now, stamp.auto_now_add) for stamp in fields]
    for stamp in fields:
        stamp.auto_now = stamp.auto_now_add = False
    try:
        yield
    finally:
        for stamp, auto_now, auto_now_add in saved:
            stamp.auto_now, stamp.auto_now_add = auto_now, auto_now_add


def lap(timings: dict, name: str, mark: float) -> float:
    now = time.perf_counter()
    timings[name] = timings.get(name, 0.0) + now - mark
    return now
