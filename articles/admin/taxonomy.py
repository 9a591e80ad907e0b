"""Categories, topics and pen names. Slugs are made on the server from the name (đ → d),
never by the admin's prepopulate script, which turns đ into "dj"."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count

from articles.admin.history import readable_deleted_objects
from articles.admin.widgets import ImageChooserWidget
from articles.models import Byline, Category, Topic


class ChildCategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    fields = ["name", "slug", "position", "show_in_menu"]
    extra = 0
    show_change_link = True
    verbose_name = "chuyên mục con"
    verbose_name_plural = "Chuyên mục con"


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug", "position", "show_in_menu", "editor_names"]
    list_editable = ["position", "show_in_menu"]
    list_filter = ["show_in_menu", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "parent", "position", "show_in_menu", "description", "editors"]
    filter_horizontal = ["editors"]
    inlines = [ChildCategoryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("editors")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "editors":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.filter(parent=None)  # two levels only
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="biên tập viên phụ trách")
    def editor_names(self, category):
        return ", ".join(u.get_full_name() or u.username for u in category.editors.all()) or "—"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    get_deleted_objects = readable_deleted_objects
    list_display = ["name", "slug", "show_on_home", "position", "article_count"]
    list_editable = ["show_on_home", "position"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "description", "show_on_home", "position"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_articles=Count("articles"))
            .order_by("position", "name")
        )

    @admin.display(description="số bài", ordering="n_articles")
    def article_count(self, topic):
        return topic.n_articles


@admin.register(Byline)
class BylineAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user", "article_count"]
    list_select_related = ["user"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "user", "bio", "photo"]
    # The photo uses the library chooser instead of the related-object popups.
    raw_id_fields = ["photo"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_articles=Count("article_links"))
            .order_by("name")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "photo":
            kwargs["widget"] = ImageChooserWidget()
        if db_field.name == "user":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="số bài", ordering="n_articles")
    def article_count(self, byline):
        return byline.n_articles
