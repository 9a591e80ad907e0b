from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "pagecache"
    label = "pagecache"
    verbose_name = "Bộ nhớ đệm trang"

    def ready(self):
        from articles import lookups
        from pagecache import fragments, invalidation

        invalidation.connect()
        lookups.install(fragments.site_lookup)
