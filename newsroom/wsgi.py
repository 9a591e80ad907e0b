import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
django_application = get_wsgi_application()

# Reader pages this process holds in memory go out before Django is entered; see
# pagecache/front.py (imported after setup, as it reads the settings).
from pagecache.front import PageCacheFront  # noqa: E402

application = PageCacheFront(django_application)
