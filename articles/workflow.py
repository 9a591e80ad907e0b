"""The editorial workflow: who may see, edit and move an article."""


def can_view(user, article) -> bool:
    """Staff who may change articles may preview them."""
    return user.has_perm("articles.change_article")
