"""Template inheritance resolved when a template is loaded, not each time it is rendered.

Reader pages extend base.html. For every page Django renders `{% extends %}` afresh: it
looks the parent up, collects its blocks, renders each block in a context of its own and
copies each block's HTML into the parent's; on a cold article page that is a fifth of the
Python work. This loader hands Django a page's source with the parent's frame and the page's
blocks already merged, so the template Django compiles has no `{% extends %}` and no
`{% block %}` left, and renders the same HTML (tests/test_flat_templates.py renders every
reader page both ways).

It merges only what it can merge without changing the meaning: a parent named by a literal
string, no `{{ block.super }}` anywhere in the chain, and every template of the chain from
the project's own templates/ folder (settings.TEMPLATES DIRS). Anything else, the admin's
templates among them, reaches Django as it was written. Line numbers in an error page of a
merged template are those of the merged source.
"""

import re

from django.template import Origin, TemplateDoesNotExist
from django.template.base import DebugLexer, TokenType
from django.template.loaders.base import Loader as BaseLoader

_EXTENDS = re.compile(r"""extends\s+(?:"([^"]+)"|'([^']+)')""")
_BLOCK = re.compile(r"block\s+(\w+)")
_END_BLOCK = re.compile(r"endblock(?:\s+\w+)?")


class Loader(BaseLoader):
    """Wraps other loaders (as Django's cached loader does) and merges what they find."""

    def __init__(self, engine, loaders):
        super().__init__(engine)
        self.loaders = engine.get_template_loaders(loaders)
        self.own_dirs = tuple(str(path).rstrip("/") + "/" for path in engine.dirs)

    def get_template_sources(self, template_name):
        for loader in self.loaders:
            for found in loader.get_template_sources(template_name):
                origin = Origin(found.name, found.template_name, self)
                origin.found = found
                yield origin

    def get_contents(self, origin):
        source = origin.found.loader.get_contents(origin.found)
        if not self._is_own(origin.name) or _parent_name(_tokens(source)) is None:
            return source  # a parent keeps its blocks: a child left unmerged needs them
        merged = self._resolved(source, {origin.name})
        return source if merged is None else _without_blocks(merged)

    def _is_own(self, path: str) -> bool:
        return str(path).startswith(self.own_dirs)

    def _resolved(self, source: str, chain: set) -> str | None:
        """`source` with its parents merged in, block tags kept (a child of it may override
        them); `source` itself when it extends nothing; None when it cannot be merged."""
        tokens = _tokens(source)
        parent_name = _parent_name(tokens)
        if parent_name is None:
            return source
        if "block.super" in source:
            return None
        found = self._own_source(parent_name)
        if found is None or found[0] in chain:
            return None
        parent = self._resolved(found[1], chain | {found[0]})
        if parent is None:
            return None
        blocks = _blocks(source, tokens)
        if blocks is None:
            return None
        merged = _override(parent, blocks)
        return None if merged is None else _loads(source, tokens) + merged

    def _own_source(self, template_name: str) -> tuple[str, str] | None:
        for loader in self.loaders:
            for origin in loader.get_template_sources(template_name):
                try:
                    source = loader.get_contents(origin)
                except TemplateDoesNotExist:
                    continue
                return (origin.name, source) if self._is_own(origin.name) else None
        return None


def _tokens(source: str) -> list:
    """The source's tokens, with their places in it; the tags inside {% comment %} are left
    out (Django skips them too)."""
    kept, depth = [], 0
    for token in DebugLexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split(None, 1)[0] if token.contents else ""
            if name == "comment":
                depth += 1
                continue
            if name == "endcomment" and depth:
                depth -= 1
                continue
        if not depth:
            kept.append(token)
    return kept


def _parent_name(tokens) -> str | None:
    for token in tokens:
        if token.token_type == TokenType.TEXT and not token.contents.strip():
            continue
        if token.token_type == TokenType.COMMENT:
            continue
        match = token.token_type == TokenType.BLOCK and _EXTENDS.fullmatch(token.contents)
        return (match.group(1) or match.group(2)) if match else None
    return None


def _kind(token) -> tuple[str, str] | None:
    """("block", name) or ("end", "") for block tags, else None."""
    if token.token_type != TokenType.BLOCK:
        return None
    if match := _BLOCK.fullmatch(token.contents):
        return ("block", match.group(1))
    if _END_BLOCK.fullmatch(token.contents):
        return ("end", "")
    return None


def _blocks(source: str, tokens) -> dict | None:
    """{name: inner source} of every block of a child template, at any depth; None when its
    block tags do not pair up."""
    found, open_ = {}, []
    for token in tokens:
        kind = _kind(token)
        if kind is None:
            continue
        if kind[0] == "block":
            open_.append((kind[1], token.position[1]))
        elif not open_:
            return None
        else:
            name, start = open_.pop()
            found.setdefault(name, source[start : token.position[0]])
    return None if open_ else found


def _override(parent: str, blocks: dict) -> str | None:
    """The parent's source with each of its blocks that the child defines holding the
    child's content (the block tags stay, for a template further down the chain)."""
    out, position, skipping = [], 0, 0
    for token in _tokens(parent):
        kind = _kind(token)
        if kind is None:
            continue
        start, end = token.position
        if skipping:
            skipping += 1 if kind[0] == "block" else -1
            if not skipping:
                position = start  # the block's own end tag is kept
            continue
        if kind[0] == "block" and kind[1] in blocks:
            out.append(parent[position:end] + blocks[kind[1]])
            skipping = 1
    if skipping:
        return None
    out.append(parent[position:])
    return "".join(out)


def _loads(source: str, tokens) -> str:
    """The child's own {% load %} tags outside its blocks (its blocks' tags need them)."""
    depth, loads = 0, []
    for token in tokens:
        kind = _kind(token)
        if kind:
            depth += 1 if kind[0] == "block" else -1
        elif not depth and token.token_type == TokenType.BLOCK:
            if token.contents.split(None, 1)[0] == "load":
                loads.append(source[token.position[0] : token.position[1]])
    return "".join(loads)


def _without_blocks(source: str) -> str:
    """A merged template: its block tags are no longer needed (nothing extends it)."""
    out, position = [], 0
    for token in _tokens(source):
        if _kind(token):
            out.append(source[position : token.position[0]])
            position = token.position[1]
    out.append(source[position:])
    return "".join(out)
