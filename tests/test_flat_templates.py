"""Reader pages' inheritance merged at load (newsroom/flat_templates.py): the same HTML as
Django's own {% extends %}, and templates it cannot merge reach Django as written."""

import copy
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.template import Context, TemplateDoesNotExist, engines
from django.template.engine import Engine
from django.test import Client, override_settings

from articles.models import Article
from pagecache.generations import memory
from tests.factories import make_article
from tests.test_html_valid import reader_pages

FLAT = "newsroom.flat_templates.Loader"
FILES = ["django.template.loaders.filesystem.Loader"]
LIBRARIES = {"static": "django.templatetags.static"}


def plain_templates() -> list:
    """settings.TEMPLATES with Django's own loaders in place of the merging one."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["loaders"] = [
        (
            "django.template.loaders.cached.Loader",
            [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        )
    ]
    return templates


# What differs between two renderings of one page: signed tokens carrying the time.
_TOKENS = re.compile(r'(data-count-view|name="token" value|csrfmiddlewaretoken" value)="[^"]*"')


def page(client, url) -> tuple[int, str]:
    cache.clear()
    memory.clear()
    response = client.get(url)
    return response.status_code, _TOKENS.sub(r'\1="…"', response.content.decode())


@pytest.mark.django_db
def test_every_reader_page_is_the_same_html_as_with_djangos_own_inheritance():
    pages = reader_pages()
    gone = make_article(title="Bài đã gỡ", status=Article.Status.UNPUBLISHED)
    pages["gone"] = gone.get_absolute_url()
    client = Client()
    client.cookies["sessionid"] = "khach"  # past the page cache: every page is rendered
    merged = {name: page(client, url) for name, url in pages.items()}
    assert "{% block" not in engines["django"].engine.get_template("articles/article.html").source
    with override_settings(TEMPLATES=plain_templates()):
        assert "{% extends" in engines["django"].engine.get_template("articles/article.html").source
        inherited = {name: page(client, url) for name, url in pages.items()}
    for name in pages:
        assert merged[name] == inherited[name], name
    assert merged["gone"][0] == 410 and merged["not-found"][0] == 404


@pytest.fixture
def folder(tmp_path):
    """Templates of the project's own (in its DIRS) and of an app's, and two engines that
    find them: one merging, one with Django's loaders alone."""

    def write(files: dict, outside: dict | None = None) -> tuple[Engine, Engine]:
        own, other = tmp_path / "own", tmp_path / "app"
        for root, found in ((own, files), (other, outside or {})):
            root.mkdir(exist_ok=True)
            for name, text in found.items():
                (root / name).write_text(text)
        loaders = [*FILES, ("django.template.loaders.filesystem.Loader", [str(other)])]
        return tuple(
            Engine(dirs=[str(own)], loaders=found, libraries=LIBRARIES)
            for found in ([(FLAT, loaders)], loaders)
        )

    return write


def both_ways(engines_: tuple[Engine, Engine], name: str, **context) -> tuple[str, str]:
    return tuple(engine.get_template(name).render(Context(context)) for engine in engines_)


class TestMerging:
    def test_nested_blocks_and_three_generations_render_as_inherited(self, folder):
        pair = folder(
            {
                "base.html": "<h>{% block head %}H{% block extra %}e{% endblock %}{% endblock %}</h>"
                "<m>{% block main %}M{% endblock main %}</m>",
                "mid.html": '{% extends "base.html" %}{% block extra %}E{{ x }}{% endblock %}'
                "{% block main %}[{% block inner %}i{% endblock %}]{% endblock %}",
                "page.html": "{% extends 'mid.html' %}ignored{% block inner %}I{{ x }}{% endblock %}",
            }
        )
        merged, inherited = both_ways(pair, "page.html", x=1)
        assert merged == inherited == "<h>HE1</h><m>[I1]</m>"
        assert "{%" not in pair[0].get_template("page.html").source.replace("{{", "")

    def test_block_super_is_left_to_django(self, folder):
        pair = folder(
            {
                "base.html": "{% block a %}A{% endblock %}",
                "page.html": '{% extends "base.html" %}{% block a %}{{ block.super }}+{% endblock %}',
            }
        )
        assert "{% extends" in pair[0].get_template("page.html").source
        assert both_ways(pair, "page.html") == ("A+", "A+")

    def test_tags_inside_a_comment_are_not_blocks(self, folder):
        pair = folder(
            {
                "base.html": "{% block a %}A{% endblock %}"
                "{% comment %}{% block b %}{% endcomment %}",
                "page.html": '{% extends "base.html" %}{% block a %}B{% endblock %}',
            }
        )
        assert both_ways(pair, "page.html") == ("B", "B")

    def test_the_childs_libraries_are_loaded_for_its_blocks(self, folder):
        pair = folder(
            {
                "base.html": "{% block a %}{% endblock %}",
                "page.html": '{% extends "base.html" %}{% load static %}'
                "{% block a %}{% get_static_prefix %}{% endblock %}",
            }
        )
        assert pair[0].get_template("page.html").render(Context({})).startswith("/")

    def test_a_parent_from_outside_the_projects_folder_is_not_merged(self, folder):
        pair = folder(
            {"page.html": '{% extends "theirs.html" %}{% block a %}B{% endblock %}'},
            outside={"theirs.html": "<{% block a %}A{% endblock %}>"},
        )
        assert "{% extends" in pair[0].get_template("page.html").source
        assert both_ways(pair, "page.html") == ("<B>", "<B>")

    def test_a_parent_is_kept_whole_for_children_it_cannot_merge(self, folder):
        pair = folder({"base.html": "<{% block a %}A{% endblock %}>"})
        assert pair[0].get_template("base.html").source == "<{% block a %}A{% endblock %}>"

    def test_an_unknown_parent_is_djangos_error(self, folder):
        pair = folder({"page.html": '{% extends "missing.html" %}'})
        with pytest.raises(TemplateDoesNotExist):
            pair[0].get_template("page.html").render(Context({}))
