"""A campaign whose stored definition no longer parses: the console says what is wrong, field by
field, and saving a valid definition in the editor puts it back on carts."""
from __future__ import annotations

import html
import re

import pytest

from shop.web.extensions import db
from tests.support.consolekit import sample_cart
from tests.support.definitionkit import OLD_EFFECT_PROBLEM, store_unreadable


@pytest.fixture
def unreadable(console_app, engine):
    store_unreadable(db.engine, "auto5")
    return engine


def page_text(response) -> str:
    """The words a marketer reads (tags dropped, whitespace collapsed); data-campaign marks kept."""
    markup = re.sub(r"<(?!tr data-campaign)[^>]+>", " ", response.get_data(as_text=True))
    return html.unescape(" ".join(markup.split())).replace(" :", ":")


def test_the_list_flags_it_with_the_problem_and_lists_the_others_as_usual(marketer, unreadable):
    page = page_text(marketer.get("/console/campaigns"))

    row = page[page.index('data-campaign="auto5"'):page.index('data-campaign="sorry"')]
    assert f"definition can't be read: {OLD_EFFECT_PROBLEM}" in row
    assert "definition can't be read" not in page[page.index('data-campaign="happy10"'):page.index('data-campaign="auto5"')]


def test_its_page_says_it_applies_to_no_cart_and_links_to_the_editor(marketer, unreadable):
    response = marketer.get("/console/campaigns/auto5")
    page = page_text(response)

    assert response.status_code == 200
    assert f"Not applied to any cart: definition can't be read: {OLD_EFFECT_PROBLEM}" in page
    assert 'href="/console/campaigns/auto5/edit"' in response.get_data(as_text=True)
    assert "auto5" not in [o.campaign_id for o in unreadable.validate(None, sample_cart()).applied]


def test_saving_a_valid_definition_in_the_editor_puts_it_back_on_carts(marketer, unreadable):
    text = ("id: auto5\nname: Five off fifty\nkind: promotion\n"
            "effect: {type: amount_off_order, amount: 500}\n")

    saved = marketer.post("/console/campaigns/auto5/edit", data={"definition": text})

    assert saved.status_code == 302
    assert "definition can't be read" not in page_text(marketer.get("/console/campaigns/auto5"))
    assert "auto5" in [o.campaign_id for o in unreadable.validate(None, sample_cart()).applied]
