"""The grading screen in a browser: amounts and totals follow the typing, a coefficient above
the house cap is flagged and left out of the total, Enter moves down a row, Ctrl+S saves."""

import datetime

from playwright.sync_api import expect

from articles import roles
from articles.models import ArticleByline
from articles.models.royalties import RoyaltyGrade
from articles.royalties import reference, sheet
from tests.e2e.helpers import JsErrors, open_as
from tests.e2e.seed import user
from tests.royalty_factories import at, make_month_article, make_owned_byline


def test_grading_by_keyboard_with_live_totals(new_context, server, transactional_db, shot):
    reference.load_current()  # flushed by the transactional tests before this one
    thuky = user("thuky", roles.SECRETARY, "Tâm", "Hữu")
    alone, first, second = make_owned_byline(), make_owned_byline(), make_owned_byline()
    tin = ArticleByline.Role.TIN
    make_month_article(at(2026, 11, 4), [(alone, tin)], title="Tin một người viết")
    make_month_article(at(2026, 11, 6), [(first, tin), (second, tin)], title="Tin hai người")
    period = sheet.open_period(datetime.date(2026, 11, 1), thuky)
    period.budget = 2_000_000
    period.save()

    js = JsErrors()
    page = open_as(new_context, server, "thuky", js)
    page.goto(f"{server}/admin/articles/royaltyperiod/{period.pk}/cham/")
    # 2 × 253,000 for the single author, the same split 50/50 between two
    expect(page.locator("[data-total]")).to_have_text("1.012.000")
    expect(page.locator("[data-remaining]")).to_have_text("988.000")

    coefficients = page.locator("[data-coefficient]")
    coefficients.nth(0).fill("5")
    expect(page.locator("[data-amount]").nth(0)).to_have_text("1.265.000")
    expect(page.locator("[data-total]")).to_have_text("1.771.000")
    coefficients.nth(0).press("Enter")
    expect(coefficients.nth(1)).to_be_focused()

    page.keyboard.press("Control+a")
    page.keyboard.type("9")  # tin: house cap 5
    expect(coefficients.nth(1)).to_have_class("royalty-over-cap")
    expect(page.locator("[data-total]")).to_have_text("1.518.000")  # the row counts 0
    page.keyboard.press("Control+a")
    page.keyboard.type("4")
    expect(page.locator("[data-amount]").nth(1)).to_have_text("506.000")
    expect(page.locator("[data-total]")).to_have_text("2.024.000")
    expect(page.locator("[data-remaining]")).to_have_text("−24.000")
    shot(page, "typed")

    with page.expect_navigation():
        page.keyboard.press("Control+s")
    expect(page.locator(".messagelist .success")).to_contain_text("Đã lưu 3 dòng")
    expect(page.locator("[data-total]")).to_have_text("2.024.000")
    shot(page, "saved")
    assert sorted(RoyaltyGrade.objects.values_list("amount", flat=True)) == [
        253_000, 506_000, 1_265_000
    ]  # fmt: skip
    assert not RoyaltyGrade.objects.filter(graded_by=None).exists()
    assert js.errors == []
