"""The instrument form and its partial: every item in English and Spanish, skips, kind errors,
and the page at 390 px in a real Chromium with axe."""

from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

from tests.browser import PHONE, axe_violations, launch, screenshot
from welcomeback.returns.instruments import all_instruments, get
from welcomeback.returns.instruments.forms import InstrumentForm

CODES = [instrument.code for instrument in all_instruments()]
STATIC = Path(__file__).resolve().parent.parent / "welcomeback"


def render(form, **context) -> str:
    return render_to_string("returns/instrument_form.html", {"form": form, **context})


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_item_and_answer_renders_in_the_active_language(code, language):
    with translation.override(language):
        html = render(InstrumentForm(code))
        instrument = get(code)
        assert escape(instrument.stem_en if language == "en" else instrument.stem_es) in html
        for item in instrument.items:
            assert escape(item.text_en if language == "en" else item.text_es) in html
            for _value, label_en, label_es in item.options:
                assert escape(label_en if language == "en" else label_es) in html
    # One fieldset and legend per item, each with its own radio group.
    assert html.count("<fieldset") == html.count("<legend>") == len(instrument.items)


def test_each_item_is_a_radio_group_with_a_label_per_answer_and_a_skip():
    html = render(InstrumentForm("phq9"))
    assert html.count('type="radio"') == 9 * 5  # four answers and "skip"
    assert html.count('name="phq9-q9"') == 5
    assert '<label for="id_phq9-q9_0">Not at all</label>' in html
    assert "Skip this question" in html
    assert "<script" not in html and "style=" not in html
    assert "checked" not in html  # nothing is chosen for the person, not even "skip"


def test_a_chosen_skip_stays_chosen_on_redisplay():
    form = InstrumentForm("phq9", data={"phq9-q1": "", "phq9-q2": "7"})
    assert not form.is_valid()
    html = render(form)
    assert 'value="" id="id_phq9-q1_4" checked' in html
    assert 'id="id_phq9-q3_4" checked' not in html


def test_skip_logic_is_explained_beside_the_follow_up_questions():
    html = render(InstrumentForm("cssrs"))
    assert "Only if you answered “Yes” to question 2." in html
    assert "Only if you answered “Yes” to question 6." in html


def test_a_partly_skipped_submission_is_accepted():
    form = InstrumentForm("phq9", data={"phq9-q1": "2", "phq9-q2": "", "phq9-q9": "1"})
    assert form.is_valid(), form.errors
    answers = form.answers()
    assert answers["q1"] == 2 and answers["q2"] is None and answers["q3"] is None
    result = form.result()
    assert result.answered == 2 and result.skipped == 7 and result.total is None
    assert result.flags[0].code == "phq9_item9"


def test_an_empty_submission_is_accepted_as_all_skipped():
    form = InstrumentForm("gad7", data={})
    assert form.is_valid()
    assert form.result().answered == 0


def test_a_complete_submission_scores():
    data = {f"gad7-q{n}": "3" for n in range(1, 8)}
    form = InstrumentForm("gad7", data=data)
    assert form.is_valid()
    assert (form.result().total, form.result().band) == (21, "severe")


def test_auditc_form_result_takes_the_sex_for_the_cut_off():
    form = InstrumentForm("auditc", data={"auditc-q1": "1", "auditc-q2": "1", "auditc-q3": "1"})
    assert form.is_valid()
    assert form.result(sex="male").band == "negative"
    assert form.result(sex="female").band == "positive"


def test_an_out_of_range_answer_is_refused_kindly_and_shown_beside_the_question():
    form = InstrumentForm("phq9", data={"phq9-q1": "7", "phq9-q2": "1"})
    assert not form.is_valid()
    message = "Choose one of the answers shown, or skip this question."
    assert form.errors == {"q1": [message]}
    html = render(form)
    assert message in html and 'id="id_phq9-q1_error"' in html
    assert 'aria-describedby=" id_phq9-q1_error"' in html
    # What the person chose elsewhere is kept.
    assert 'value="1" id="id_phq9-q2_1" checked' in html


def test_bam_item_14_offers_only_no_0_and_yes_4():
    form = InstrumentForm("bam", data={"bam-q14": "1"})
    assert not form.is_valid() and "q14" in form.errors
    assert InstrumentForm("bam", data={"bam-q14": "4"}).is_valid()


def test_two_instruments_share_a_page_without_clashing():
    data = {"phq9-q1": "1", "gad7-q1": "2"}
    assert InstrumentForm("phq9", data=data).is_valid()
    assert InstrumentForm("gad7", data=data).answers()["q1"] == 2


def test_show_source_adds_version_source_terms_and_translation_note():
    html = render(InstrumentForm("dast10"), show_source=True)
    assert escape(get("dast10").version) in html and "camcops" in html
    assert "not a validated version" in html
    assert "not a validated version" not in render(InstrumentForm("phq9"), show_source=True)


@pytest.mark.browser
def test_the_form_works_at_390_px_with_large_targets_and_no_axe_violations():
    from playwright.sync_api import sync_playwright

    pages = {}
    for language in ("en", "es"):
        with translation.override(language):
            body = "".join(render(InstrumentForm(code)) for code in ("cssrs", "phq9", "bam"))
        pages[language] = (
            f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Questions</title>"
            '<link rel="stylesheet" href="/static/wb/staff.css"></head>'
            f'<body><main id="main" class="wrap"><h1>Questions</h1><form method="post">{body}'
            '<button class="button" type="submit">Save</button></form></main></body></html>'
        )

    def serve(route):
        path = route.request.url.split("://", 1)[1].split("/", 1)[1]
        if path.startswith("static/"):
            app = "returns" if path.startswith("static/returns/") else "."
            file = STATIC / app / "static" / path.removeprefix("static/")
            route.fulfill(body=file.read_text(), content_type="text/css")
        else:
            route.fulfill(body=pages[path.split("/")[-1]], content_type="text/html")

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport=PHONE)
        page.route("http://instruments.test/**", serve)
        for language in ("en", "es"):
            page.goto(f"http://instruments.test/page/{language}")
            assert axe_violations(page) == []
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"page is {width}px wide"
            heights = page.eval_on_selector_all(
                ".instrument-option", "rows => rows.map(r => r.getBoundingClientRect().height)"
            )
            assert heights and min(heights) >= 44
            screenshot(page, f"instruments-{language}-390")
        # Tapping anywhere on an answer's row chooses it.
        page.goto("http://instruments.test/page/en")
        row = page.locator(".instrument-option", has=page.locator("#id_phq9-q1_2"))
        row.scroll_into_view_if_needed()
        box = row.bounding_box()
        page.mouse.click(box["x"] + box["width"] - 8, box["y"] + 6)
        assert page.locator("#id_phq9-q1_2").is_checked()
        browser.close()
