from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Development only (settings: BENCH_TOOLS, on with DEBUG): the archive generator."""

    name = "bench"
    verbose_name = "Đo hiệu năng"
