# One image for the web nodes and for migrations (docker-compose.yml runs both from it).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY newsroom ./newsroom
COPY articles ./articles
COPY comments ./comments
COPY reader ./reader
COPY pagecache ./pagecache
COPY demo ./demo
COPY bench ./bench
RUN pip install --no-cache-dir .
COPY . .
# collectstatic needs settings that import: a throwaway key and cache for this step only.
RUN SECRET_KEY=build-only REDIS_URL=redis://build-only:6379/0 python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 newsroom && mkdir -p /app/media && chown newsroom /app/media
USER newsroom
EXPOSE 8000
# Safe without a proxy in front: gevent workers read every request in a greenlet of its own,
# so clients that send a body slowly hold greenlets, not the threads everyone waits for
# (README "Production"). docker-compose.yml runs the web nodes behind nginx instead.
CMD ["gunicorn", "newsroom.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-class", "gevent", "--worker-connections", "200", "--timeout", "30", "--graceful-timeout", "30", "--keep-alive", "5", "--access-logfile", "-"]
