"""The newsroom's groups and their permissions, kept in sync by one function.

Permissions do not exist yet inside a data migration, so sync_groups() runs after every
migrate (post_migrate, see apps.py) and from seed_demo. The who-may-move-what rules of the
workflow live in articles/workflow.py; these permissions only open the admin's doors."""

from django.contrib.auth.models import Group, Permission

REPORTER = "Phóng viên"
EDITOR = "Biên tập viên"
SECRETARY = "Thư ký tòa soạn"
DEPUTY_CHIEF = "Phó Tổng biên tập"
CHIEF = "Tổng biên tập"
MODERATOR = "Kiểm duyệt viên bình luận"
ACCOUNTANT = "Kế toán"

# The apps whose permissions the groups hold (codenames are unique across them).
APPS = ("articles", "comments")

# Reporters write: their own articles (the object rules of articles/workflow.py narrow
# change/delete to their drafts), pen names for contributors, and the photo library.
_WRITE = [
    "add_article", "change_article", "view_article", "delete_article",
    "add_articlebyline", "change_articlebyline", "delete_articlebyline", "view_articlebyline",
    "add_image", "change_image", "view_image",
    "view_category", "view_topic", "view_byline", "add_byline",
]  # fmt: skip
# The desk also keeps topics and pen names tidy.
_DESK = [*_WRITE, "add_topic", "change_topic", "change_byline"]
# view_article lets a moderator open the live article a comment belongs to (read-only).
_MODERATE = ["view_comment", "change_comment", "moderate_comment", "view_article"]
_WORDS = ["add_moderationword", "change_moderationword", "delete_moderationword",
          "view_moderationword"]  # fmt: skip
_CHIEF = [
    *_DESK, *_MODERATE, *_WORDS, "publish_article", "unpublish_article",
    "add_category", "change_category", "add_websitelink", "change_websitelink",
    "delete_websitelink", "view_websitelink", "view_sitesettings", "change_sitesettings",
]  # fmt: skip

# Nhuận bút (articles/royalties). Everyone who writes sees their own approved lines.
_ROYALTY_OWN = ["view_myroyalty"]
# The references (base salary, genres, allowances, tax rules) are read by the royalty desk
# and changed by a superuser only.
_ROYALTY_REFS = ["view_basesalary", "view_royaltygenre", "view_royaltyallowance", "view_taxrule"]
_ROYALTY_SHEET = ["view_royaltyperiod", "view_royaltygrade", "view_royaltylog", "view_contributor"]
# The Thư ký tòa soạn grades; the sheet is exported without personal data.
_ROYALTY_GRADE = [*_ROYALTY_REFS, *_ROYALTY_SHEET, "add_royaltyperiod", "change_royaltygrade",
                  "grade_royalty", "export_royalty"]  # fmt: skip
# The Tổng biên tập approves, reopens and may approve over the fund with a reason. A Phó
# Tổng biên tập sees the sheet; the right to approve is delegated to a named deputy by
# giving that user approve_royalty (and reopen_royalty) in the user admin.
CHIEF_ONLY = frozenset({"approve_royalty", "reopen_royalty", "override_royalty_budget"})
_ROYALTY_DEPUTY = [*_ROYALTY_REFS, *_ROYALTY_SHEET, "export_royalty"]
_ROYALTY_CHIEF = [*_ROYALTY_DEPUTY, *sorted(CHIEF_ONLY)]
# Kế toán: contributors and their payment data, the fund, payment and full exports.
_ACCOUNTANT = [*_ROYALTY_REFS, *_ROYALTY_SHEET, "add_contributor", "change_contributor",
               "view_contributor_private", "add_bylineowner", "change_bylineowner",
               "delete_bylineowner", "view_bylineowner", "view_byline", "set_royalty_fund",
               "pay_royalty", "export_royalty", "change_royaltyperiod"]  # fmt: skip

GROUPS: dict[str, list[str]] = {
    REPORTER: [*_WRITE, *_ROYALTY_OWN],
    EDITOR: [*_DESK, *_ROYALTY_OWN],
    # Publishing by the secretariat is a SiteSettings switch, not a permission: the chiefs
    # turn it on and off without touching groups (see workflow.may_publish).
    SECRETARY: [
        *_DESK,
        "add_category",
        "change_category",
        "add_websitelink",
        "change_websitelink",
        "view_websitelink",
        "view_sitesettings",
        *_ROYALTY_GRADE,
        *_ROYALTY_OWN,
    ],  # fmt: skip
    DEPUTY_CHIEF: [*_CHIEF, *_ROYALTY_DEPUTY, *_ROYALTY_OWN],
    CHIEF: [*_CHIEF, *_ROYALTY_CHIEF, *_ROYALTY_OWN],
    MODERATOR: [*_MODERATE, "view_moderationword", "add_moderationword", "change_moderationword"],
    ACCOUNTANT: _ACCOUNTANT,
}


def sync_groups(**_kwargs) -> None:
    """Create the newsroom's groups and give each exactly its permissions."""
    wanted = {code for codes in GROUPS.values() for code in codes}
    perms = {
        p.codename: p
        for p in Permission.objects.filter(content_type__app_label__in=APPS, codename__in=wanted)
    }
    if not perms:
        return  # first migrate of an empty database: permissions come in a later signal
    for name, codes in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([perms[c] for c in codes if c in perms])


def in_group(user, *names: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_newsroom_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._newsroom_groups = cached
    return bool(cached & set(names))
