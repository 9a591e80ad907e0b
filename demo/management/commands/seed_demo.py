"""Fill the database with a demo newspaper: categories, topics, bylines, 40+ original
articles with pictures, comments in every state, links, legal placeholders and one staff
account per newsroom role. Safe to run again: it adds only what is missing."""

import json
import secrets
from datetime import timedelta
from html import escape
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles import roles
from articles.models import (
    Article,
    ArticleByline,
    ArticleTransition,
    ArticleView,
    Byline,
    Category,
    Image,
    SiteSettings,
    Topic,
    WebsiteLink,
)
from articles.royalties import demo as royalties_demo
from articles.vietnamese import vn_slugify
from comments.models import Comment, ModerationWord
from demo.pictures import draw_picture
from demo.site import (
    CATEGORIES,
    MODERATION_WORDS,
    SITE_SETTINGS,
    TOPICS,
    WEBSITE_LINKS,
)

DEMO_DIR = Path(__file__).resolve().parents[2]

STAFF = [
    ("phongvien", "Phóng viên", "Minh", "An", roles.REPORTER),
    ("bientapvien", "Biên tập viên", "Thu", "Hà", roles.EDITOR),
    ("thuky", "Thư ký tòa soạn", "Hữu", "Tâm", roles.SECRETARY),
    ("photongbientap", "Phó Tổng biên tập", "Phương", "Vy", roles.DEPUTY_CHIEF),
    ("tongbientap", "Tổng biên tập", "Đăng", "Khoa", roles.CHIEF),
    ("kiemduyet", "Kiểm duyệt viên", "Khánh", "Linh", roles.MODERATOR),
    ("ketoan", "Kế toán", "Thanh", "Hương", roles.ACCOUNTANT),
]
# Articles that stay in the newsroom instead of going live (title index in load order).
WORKFLOW_STATES = {
    0: Article.Status.SUBMITTED,
    1: Article.Status.PENDING_APPROVAL,
    2: Article.Status.DRAFT,
    24: Article.Status.SUBMITTED,  # in Xã hội: waits for the demo Biên tập viên
    40: Article.Status.RETURNED,
}
# Published for tomorrow morning: the desk's Hẹn giờ box has something to show.
SCHEDULED = {23}
# The moves that brought each demo state about, as (from, to, username, note), so the
# desk, the history and the reporter's "Lý do trả lại" have something to show.
WORKFLOW_HISTORY = {
    Article.Status.SUBMITTED: [("draft", "submitted", "phongvien", "")],
    Article.Status.PENDING_APPROVAL: [
        ("draft", "submitted", "phongvien", ""),
        ("submitted", "editing", "thuky", ""),
        ("editing", "pending_approval", "thuky", "Đã biên tập, đề nghị duyệt đăng."),
    ],
    Article.Status.RETURNED: [
        ("draft", "submitted", "phongvien", ""),
        ("submitted", "editing", "bientapvien", ""),
        (
            "editing", "returned", "bientapvien",
            "Bài cần thêm ý kiến của người lao động và số liệu tuyển dụng cụ thể.",
        ),
    ],
    "scheduled": [
        ("draft", "submitted", "phongvien", ""),
        ("submitted", "pending_approval", "thuky", ""),
        ("pending_approval", "published", "tongbientap", "Hẹn giờ đăng sáng mai."),
    ],
}  # fmt: skip


PICTURE_SIZE = (1600, 900)


def demo_password(username: str) -> str:
    return f"demo-{username}-2026"


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (chạy lại nhiều lần không nhân đôi dữ liệu)."

    def handle(self, *args, **options):
        with transaction.atomic():
            roles.sync_groups()
            SiteSettings.objects.update_or_create(pk=1, defaults=SITE_SETTINGS)
            categories = self.categories()
            topics = self.topics()
            for position, (title, url) in enumerate(WEBSITE_LINKS):
                WebsiteLink.objects.get_or_create(
                    url=url, defaults={"title": title, "position": position}
                )
            for word, action in MODERATION_WORDS:
                ModerationWord.objects.get_or_create(word=word, action=action)
            users = self.staff()
            created = self.articles(categories, topics, users)
            royalties_demo.seed(users)
        self.stdout.write(
            f"Dữ liệu mẫu: {Article.objects.count()} bài ({created} bài mới), "
            f"{Category.objects.count()} chuyên mục, {Comment.objects.count()} phản hồi."
        )

    def categories(self) -> dict[str, Category]:
        found = {}
        for position, (name, slug, children) in enumerate(CATEGORIES):
            top, _ = Category.objects.get_or_create(
                slug=slug, defaults={"name": name, "position": position}
            )
            found[slug] = top
            for child_position, child_name in enumerate(children):
                child_slug = vn_slugify(child_name)
                child, _ = Category.objects.get_or_create(
                    slug=child_slug,
                    defaults={"name": child_name, "parent": top, "position": child_position},
                )
                found[child_slug] = child
        return found

    def topics(self) -> dict[str, Topic]:
        found = {}
        for position, (name, on_home, description) in enumerate(TOPICS):
            topic, _ = Topic.objects.get_or_create(
                name=name,
                defaults={
                    "show_on_home": on_home,
                    "position": position,
                    "description": description,
                },
            )
            found[name] = topic
        return found

    def staff(self) -> dict[str, object]:
        User = get_user_model()
        users = {}
        show = settings.DEBUG
        lines = []
        admin, made = User.objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        if made:
            password = demo_password("admin") if show else secrets.token_urlsafe(16)
            admin.set_password(password)
            admin.save()
        lines.append(("admin", "Quản trị", demo_password("admin")))
        for username, label, first, last, group in STAFF:
            user, made = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "is_staff": True},
            )
            if made:
                user.set_password(demo_password(username) if show else secrets.token_urlsafe(16))
                user.save()
                user.groups.add(Group.objects.get(name=group))
            users[username] = user
            lines.append((username, label, demo_password(username)))
        if show:
            self.stdout.write("Tài khoản mẫu (chỉ hiện khi DEBUG bật):")
            for username, label, password in lines:
                self.stdout.write(f"  {label:<20} {username:<16} {password}")
        return users

    def articles(self, categories, topics, users) -> int:
        entries = []
        for path in sorted(DEMO_DIR.glob("articles_*.json")):
            entries.extend(json.loads(path.read_text(encoding="utf-8")))
        now = timezone.now()
        created = 0
        editor_user = users.get("bientapvien")
        categories["bien-dao"].editors.add(editor_user)
        for category_slug in ("xa-hoi", "y-te", "lao-dong-viec-lam", "moi-truong", "giao-thong"):
            categories[category_slug].editors.add(editor_user)
        for index, entry in enumerate(entries):
            if Article.objects.filter(title=entry["title"]).exists():
                continue
            created += 1
            self.article(index, entry, now, categories, topics, users)
        return created

    def article(self, index, entry, now, categories, topics, users):
        figure = next(block["figure"] for block in entry["body"] if "figure" in block)
        picture = Image(
            alt=figure["caption"][:300], caption=figure["caption"], credit=figure["credit"]
        )
        picture.file.save(
            f"demo-{index}.jpg", ContentFile(draw_picture(index, PICTURE_SIZE)), save=False
        )
        picture.uploaded_by = users["phongvien"]
        picture.save()
        status = WORKFLOW_STATES.get(index, Article.Status.PUBLISHED)
        published_at = now - timedelta(days=entry["days_ago"])
        release = published_at
        if index in SCHEDULED:
            tomorrow = timezone.localtime(now) + timedelta(days=1)
            release = tomorrow.replace(hour=7, minute=30, second=0, microsecond=0)
        article = Article(
            title=entry["title"],
            sapo=entry["sapo"],
            body=render_body(entry["body"], picture),
            category=categories[entry["category"]],
            cover=picture,
            source=entry.get("source", ""),
            status=status,
            published_at=release if status == Article.Status.PUBLISHED else None,
            is_featured=entry.get("featured", False),
            created_by=users["phongvien"],
        )
        article.save()
        Article.objects.filter(pk=article.pk).update(created_at=published_at - timedelta(hours=3))
        article.topics.set([topics[name] for name in entry.get("topics", []) if name in topics])
        history = WORKFLOW_HISTORY.get("scheduled" if index in SCHEDULED else status, [])
        for step, (from_status, to_status, username, note) in enumerate(history):
            ArticleTransition.objects.create(
                article=article, from_status=from_status, to_status=to_status,
                user=users[username], note=note, at=now - timedelta(hours=len(history) - step),
            )  # fmt: skip
        for position, (name, role) in enumerate(entry.get("bylines", [])):
            byline = Byline.objects.filter(name=name).first() or Byline.objects.create(
                name=name, user=users["phongvien"] if position == 0 and index % 3 == 0 else None
            )
            ArticleByline.objects.get_or_create(
                article=article, byline=byline, defaults={"role": role or "", "position": position}
            )
        for offset, data in enumerate(entry.get("comments", [])):
            comment = Comment.objects.create(
                article=article,
                name=data["name"],
                email=data["email"],
                content=data["content"],
                status=data["status"],
                hold_reason="" if data["status"] == "approved" else Comment.HoldReason.MODERATION,
                ip_address=f"192.0.2.{(index * 7 + offset) % 250 + 1}",
                user_agent="Mozilla/5.0 (demo)",
            )
            Comment.objects.filter(pk=comment.pk).update(
                created_at=published_at + timedelta(hours=2 + offset)
            )
        if status == Article.Status.PUBLISHED:
            today = timezone.localdate()
            for day_back in range(min(7, int(entry["days_ago"]) + 1)):
                ArticleView.objects.get_or_create(
                    article=article,
                    day=today - timedelta(days=day_back),
                    defaults={"views": (index * 37) % 400 + 10 * (7 - day_back)},
                )


def render_body(blocks, picture) -> str:
    """Demo JSON blocks to the HTML the editor makes: p, h2, blockquote, figure."""
    parts = []
    for block in blocks:
        if "p" in block:
            parts.append(f"<p>{escape(block['p'])}</p>")
        elif "h2" in block:
            parts.append(f"<h2>{escape(block['h2'])}</h2>")
        elif "quote" in block:
            parts.append(f"<blockquote><p>{escape(block['quote'])}</p></blockquote>")
        elif "figure" in block:
            caption = escape(block["figure"]["caption"])
            credit = escape(block["figure"]["credit"])
            src = picture.url_for(960)
            parts.append(
                f'<figure><img src="{src}" data-file="{picture.pk}" alt="{escape(picture.alt)}">'
                f"<figcaption>{caption} (Ảnh: {credit})</figcaption></figure>"
            )
    return "\n".join(parts)
