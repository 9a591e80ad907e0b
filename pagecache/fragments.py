"""Parts of pages kept as they were built (widget HTML, listing cards, the settings row),
under keys that carry the generations they depend on: this process's memory first, then the
shared cache, then the builder."""

from django.core.cache import cache

from pagecache.generations import CONTENT, SITE, key_for, memory

_MISSING = object()
LOCAL_SECONDS = 60  # the longest a value stays in this process's memory tier


def _keep_here(key: str, value, timeout: int) -> None:
    memory.put(key, value, min(timeout, LOCAL_SECONDS))


def fragment(name: str, builder, *, scopes=(SITE, CONTENT), extra: str = "", timeout=600):
    """Cached result of builder() (a widget's data), keyed by generations: this process's
    memory first, then the shared cache, then the database. (fragments() for one value: a
    reader page asks for a score of these, so it takes the short way.)"""
    key = f"{key_for(f'frag:{name}', *scopes)}{extra}"
    value = memory.get(key, _MISSING)
    if value is _MISSING:
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            value = builder()
            cache.set(key, value, timeout)
        _keep_here(key, value, timeout)
    return value


def fragments(name: str, extras, build, *, scopes=(SITE, CONTENT), timeout=600) -> dict:
    """fragment() for many values of one kind at once (say, one per article of a list),
    with one shared-cache round trip for all of them. `build(missing)` gets the extras found
    in no cache and returns {extra: value} for each."""
    base = key_for(f"frag:{name}", *scopes)
    keys = {extra: f"{base}{extra}" for extra in extras}
    values = {}
    for extra, key in keys.items():
        value = memory.get(key, _MISSING)
        if value is not _MISSING:
            values[extra] = value
    if len(values) < len(keys):
        shared = cache.get_many([key for extra, key in keys.items() if extra not in values])
        for extra, key in keys.items():
            if key in shared:
                values[extra] = shared[key]
                _keep_here(key, shared[key], timeout)
        missing = [extra for extra in keys if extra not in values]
        if missing:
            built = build(missing)
            cache.set_many({keys[extra]: built[extra] for extra in missing}, timeout)
            for extra in missing:
                _keep_here(keys[extra], built[extra], timeout)
            values.update(built)
    return values


def local_fragment(name: str, builder, *, scopes=(SITE,), extra: str, seconds: float = 60):
    """builder(), kept in this process's memory only: for HTML cheaper to build than a round
    trip to the shared cache, under an `extra` that names whatever besides the scopes it
    shows (the drawn comment form needs none). The first reader on each process builds it."""
    key = f"{key_for(f'local:{name}', *scopes)}{extra}"
    value = memory.get(key, _MISSING)
    if value is _MISSING:
        value = builder()
        memory.put(key, value, seconds)
    return value


def site_lookup(name: str, builder, timeout: int):
    """The keeper of articles.lookups: a value kept until the site's data changes."""
    return fragment(name, builder, scopes=(SITE,), timeout=timeout)
