"""Vietnamese only: every admin page a role can reach, in every state (lists, empty lists,
add and change forms with an error, popups, history, delete confirmations, refusals, the
desk, the comment queue, the picker), shows no English string from Django's catalogues
(admin, auth, core) nor the usual leftovers of our own code."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from articles import roles, workflow
from articles.models import Article, AuditEntry, SiteSettings
from tests.factories import (
    make_byline,
    make_category,
    make_comment,
    make_desk_article,
    make_image,
    make_link,
    make_topic,
    make_user,
    make_word,
)

S = Article.Status
DJANGO = Path(django.__file__).parent
CATALOGUES = [
    DJANGO / "contrib/admin/locale/en/LC_MESSAGES/django.po",
    DJANGO / "contrib/auth/locale/en/LC_MESSAGES/django.po",
    DJANGO / "contrib/contenttypes/locale/en/LC_MESSAGES/django.po",
    DJANGO / "conf/locale/en/LC_MESSAGES/django.po",
]
# What our own code could leak: Python values and untranslated buttons.
OWN = ["None", "True", "False", "Save", "Cancel", "Delete", "Edit", "Search", "Submit", "Error"]
# Words both languages write alike, and names of things (not UI text in English).
ALLOWED = {
    "URL",
    "Email",
    "IPv4",
    "IPv6",
    "JSON",
    "UUID",
    "ID",
    "Tòa soạn",
    "e-mail",
    "email",
    "sapo",
    "Sapo",
    "Fax",
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\w*\}|<[^>]+>|&\w+;")


def _msgids(path: Path):
    text = path.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        for name in ("msgid", "msgid_plural"):
            found = re.search(rf'^{name} ((?:".*"\n?)+)', block + "\n", re.M)
            if found:
                yield "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', found.group(1))).replace(
                    '\\"', '"'
                )


def english_fragments() -> set[str]:
    """The literal parts of every msgid (placeholders and tags cut out), kept when they
    are words: two or more, or one of four letters or more."""
    fragments = set(OWN)
    for path in CATALOGUES:
        for msgid in _msgids(path):
            for part in PLACEHOLDER.split(msgid):
                part = part.strip(" .,:;!?…()“”\"'-–—/\\n")
                words = re.findall(r"[A-Za-z’']+", part)
                if not words or not re.fullmatch(r"[A-Za-z0-9’'.,:;!?() /&-]+", part):
                    continue
                if len(words) >= 2 or len(words[0]) >= 4:
                    fragments.add(part)
    return (fragments | field_labels_left_in_english()) - ALLOWED


def field_labels_left_in_english() -> set[str]:
    """Model fields with no verbose_name get their Python name as a label ("created at")."""
    from django.apps import apps

    labels = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            label = str(getattr(field, "verbose_name", ""))
            if not field.auto_created and label == field.name.replace("_", " ") and label.isascii():
                labels |= {label, label.capitalize()}
    return labels


FRAGMENTS = sorted(english_fragments(), key=len, reverse=True)
PATTERN = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, FRAGMENTS)) + r")(?![\w-])")


class VisibleText(HTMLParser):
    """Text a person reads: text nodes (not scripts, styles, typed content) and the
    attributes that are spoken or shown (title, placeholder, aria-label, button values)."""

    SKIP = {"script", "style", "textarea", "template", "svg"}
    SPOKEN = ("title", "placeholder", "aria-label")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        values = dict(attrs)
        self.parts += [values[name] for name in self.SPOKEN if values.get(name)]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(" ".join(data.split()))


def english_in(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    found = set()
    for part in parser.parts:
        found |= {m.group(1) for m in PATTERN.finditer(part)}
    return found


# -- the newsroom to walk ------------------------------------------------------------------

ROLES = [
    roles.REPORTER,
    roles.EDITOR,
    roles.SECRETARY,
    roles.DEPUTY_CHIEF,
    roles.CHIEF,
    roles.MODERATOR,
    roles.ACCOUNTANT,
    "superuser",
]


@pytest.fixture
def newsroom(db):
    category = make_category(name="Xã hội")
    people = {}
    for n, role in enumerate(ROLES):
        if role == "superuser":
            people[role] = make_user(
                "quantri", first_name="Trị", last_name="Quản", is_staff=True, is_superuser=True
            )
        else:
            people[role] = make_user(f"nguoi{n}", group=role, first_name=f"Người {n}")
    category.editors.add(people[roles.EDITOR])
    reporter = people[roles.REPORTER]
    image = make_image()
    byline = make_byline(name="MINH AN", user=reporter)
    topic = make_topic(name="Chuyển đổi số")
    for status in S.values:
        make_desk_article(
            status, created_by=reporter, category=category, title=f"Bài {S(status).label}",
            cover=image, bylines=[byline], topics=[topic],
        )  # fmt: skip
    live = Article.objects.get(status=S.PUBLISHED)
    article = make_desk_article(S.SUBMITTED, created_by=reporter, category=category)
    workflow.transition(article, S.EDITING, people[roles.EDITOR])
    workflow.transition(article, S.RETURNED, people[roles.EDITOR], "Thiếu nguồn tin")
    make_comment(live, status="pending")
    make_comment(live, status="approved")
    make_link(title="Cổng thông tin tỉnh")
    make_word("lừa đảo")
    SiteSettings.load()
    AuditEntry.objects.create(action=AuditEntry.Action.LOGIN, user=reporter, at=timezone.now())
    return people


def admin_urls() -> list[tuple[str, str, dict | None]]:
    """(method, url, data) for every page of every registered model, in every state."""
    urls = [
        ("GET", reverse("admin:index"), None),
        ("GET", reverse("admin:index") + "?viec=tra-lai", None),
        ("GET", reverse("admin:index") + "?viec=da-go", None),
        ("GET", reverse("admin:password_change"), None),
        ("POST", reverse("admin:password_change"), {"old_password": "sai"}),
        ("GET", reverse("admin:articles_image_picker") + "?CKEditorFuncNum=1", None),
        ("GET", reverse("admin:articles_image_picker") + "?CKEditorFuncNum=1&q=khongco", None),
        ("POST", reverse("admin:articles_image_picker") + "?CKEditorFuncNum=1", {}),
    ]
    for model in admin.site._registry:
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        urls += [
            ("GET", reverse(f"{name}_changelist"), None),
            ("GET", reverse(f"{name}_changelist") + "?q=khong-co-gi-ca", None),
            ("GET", reverse(f"{name}_add"), None),
            ("GET", reverse(f"{name}_add") + "?_popup=1", None),
            ("POST", reverse(f"{name}_add"), {}),
        ]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls += [
                ("GET", reverse(f"{name}_change", args=[first.pk]), None),
                ("POST", reverse(f"{name}_change", args=[first.pk]), {}),
                ("GET", reverse(f"{name}_history", args=[first.pk]), None),
                ("GET", reverse(f"{name}_delete", args=[first.pk]), None),
            ]
    for article in Article.objects.order_by("pk"):
        urls.append(("GET", reverse("admin:articles_article_change", args=[article.pk]), None))
    return urls


def walk(client) -> dict[str, set[str]]:
    leftovers = {}
    for method, url, data in admin_urls():
        if method == "GET":
            response = client.get(url, follow=True)
        else:
            response = client.post(url, data, follow=True)
        assert response.status_code < 500, url
        if "html" not in response.get("Content-Type", ""):
            continue
        found = english_in(response.content.decode())
        if found:
            leftovers[f"{method} {url} ({response.status_code})"] = found
    return leftovers


@pytest.mark.parametrize(
    "role", ROLES, ids=["pv", "btv", "tkts", "ptbt", "tbt", "kd", "kt", "admin"]
)
def test_every_admin_page_a_role_can_reach_is_in_vietnamese(client, newsroom, role):
    client.force_login(newsroom[role])
    leftovers = walk(client)
    assert not leftovers, "\n".join(f"{url}: {sorted(words)}" for url, words in leftovers.items())


def test_the_login_page_and_a_failed_login_are_in_vietnamese(client, db):
    for response in (
        client.get(reverse("admin:login")),
        client.post(reverse("admin:login"), {"username": "ai", "password": "sai"}),
    ):
        assert english_in(response.content.decode()) == set()


def test_the_detector_finds_what_django_leaves_in_english():
    assert english_in("<p>Please correct the error below.</p>") == {
        "Please correct the error below"
    }
    assert english_in('<a title="Show counts">x</a><span>12 entries</span>') == {
        "Show counts",
        "entries",
    }
    assert english_in("<p>Vui lòng sửa lỗi ghi bên dưới.</p><script>var Go;</script>") == set()


def test_the_admins_javascript_catalogue_is_complete(client, newsroom):
    """Calendars, time pickers and filter boxes are drawn by JavaScript from this catalogue."""
    client.force_login(newsroom["superuser"])
    catalogue = client.get(reverse("admin:jsi18n")).content.decode()
    for word in ("Hôm nay", "Hủy", "Thứ hai", "Chọn tất cả %s"):
        assert json.dumps(word)[1:-1] in catalogue  # the catalogue escapes non-ASCII
