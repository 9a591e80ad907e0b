"""Lookups every reader page repeats: the settings row and the category map.

The content room knows nothing of caches. The page cache installs a keeper at start-up
(pagecache/apps.py) that remembers each result under the site's cache generation; without
one (a management command that never loads pagecache, say) the builder simply runs.
"""

from collections.abc import Callable
from typing import Any

Keeper = Callable[[str, Callable[[], Any], int], Any]
_keeper: Keeper | None = None


def install(keeper: Keeper | None) -> None:
    """keeper(name, builder, timeout) returns builder()'s value, possibly remembered."""
    global _keeper
    _keeper = keeper


def remembered(name: str, builder: Callable[[], Any], *, timeout: int = 600):
    """builder()'s value, kept by the installed keeper until the site's data changes."""
    if _keeper is None:
        return builder()
    return _keeper(name, builder, timeout)
