from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "reader"
    verbose_name = "Trang bạn đọc"

    def ready(self):
        # Các tin khác is stored with the article's own HTML (articles/parts.py).
        from pagecache.invalidation import content_moved
        from reader import neighbours
        from reader.templatetags.reader import rebuild_every_page_widgets

        neighbours.connect()
        # The widgets on every page, built by the change that moved them, not by a reader.
        content_moved.connect(rebuild_every_page_widgets, dispatch_uid="reader.rebuild")
