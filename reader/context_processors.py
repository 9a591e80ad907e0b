def site(request):
    """SiteSettings on every page (masthead, footer, head). Cached: see SiteSettings.load()."""
    from articles.models import SiteSettings

    return {"site": SiteSettings.load()}
