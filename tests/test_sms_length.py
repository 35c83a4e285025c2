"""SMS segment counting follows the GSM 03.38 alphabet exactly."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from welcomeback.outreach.checks import is_gsm7, sms_length_finding, sms_segments
from welcomeback.outreach.checks.sms import GSM7_BASIC, GSM7_EXTENSION


def test_the_basic_table_has_127_characters_and_the_extension_10():
    # 128 codes, one of them (0x1B) the escape to the extension table.
    assert len(GSM7_BASIC) == 127
    assert len(GSM7_EXTENSION) == 10
    assert not GSM7_BASIC & GSM7_EXTENSION


def test_plain_english_is_gsm7():
    assert is_gsm7("We missed you at group. Reply STOP to opt out, HELP for help.")
    assert is_gsm7("")


@pytest.mark.parametrize("ch", list("éñüÑÜìòùàèÉÄÖäöÅåØøÆæßÇ¿¡£¥§¤@_"))
def test_letters_in_the_gsm7_table_are_gsm7(ch):
    assert is_gsm7(ch)


@pytest.mark.parametrize("ch", list("áíóúÁÍÓÚçâêôãõ"))
def test_spanish_a_i_o_u_with_accents_and_other_letters_are_not_gsm7(ch):
    assert not is_gsm7(ch)


@pytest.mark.parametrize("ch", ["\u2019", "\u2018", "\u201c", "\u201d", "\u2014", "\u2026", "😀"])
def test_curly_quotes_dashes_ellipses_and_emoji_are_not_gsm7(ch):
    assert not is_gsm7(f"See you soon{ch}")


@pytest.mark.parametrize("ch", sorted(GSM7_EXTENSION))
def test_extension_characters_are_gsm7(ch):
    assert is_gsm7(ch)


# ---------------------------------------------------------------- GSM-7 boundaries


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_holds_160_in_one_segment_and_153_per_part(length, segments):
    assert sms_segments("a" * length) == segments


def test_an_empty_text_needs_no_segment():
    assert sms_segments("") == 0


def test_extension_characters_count_as_two():
    assert sms_segments("€" * 80) == 1  # 160 septets
    assert sms_segments("€" * 80 + "a") == 2  # 161 septets
    assert sms_segments("a" * 159 + "[") == 2  # 161 septets
    assert sms_segments("{}" * 76 + "a") == 2  # 305 septets


def test_an_escape_pair_is_never_split_across_two_segments():
    # 152 + 2 + 152 = 306 septets would fit two parts of 153 only by splitting "€".
    assert sms_segments("a" * 152 + "€" + "a" * 152) == 3
    assert sms_segments("a" * 151 + "€" + "a" * 153) == 2


# ---------------------------------------------------------------- UCS-2 boundaries


@pytest.mark.parametrize(
    ("length", "segments"),
    [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_ucs2_holds_70_in_one_segment_and_67_per_part(length, segments):
    assert sms_segments("á" * length) == segments


def test_one_character_outside_gsm7_makes_the_whole_text_ucs2():
    assert sms_segments("a" * 70) == 1
    assert sms_segments("a" * 69 + "’") == 1
    assert sms_segments("a" * 70 + "’") == 2
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 159 + "á") == 3


def test_an_emoji_beyond_the_basic_plane_counts_as_two_and_is_never_split():
    assert sms_segments("😀" * 35) == 1  # 70 UTF-16 units
    assert sms_segments("😀" * 35 + "a") == 2
    assert sms_segments("a" * 66 + "😀" + "a" * 66) == 3  # 134 units, but the pair moves on


# ---------------------------------------------------------------- the finding


def test_one_segment_needs_no_finding():
    assert sms_length_finding("a" * 160) is None
    assert sms_length_finding("Nos vemos el miércoles, ¿sí?") is None
    assert sms_length_finding("") is None


def test_a_long_plain_text_gets_a_warning_that_says_how_many_segments():
    text = "We missed you. " * 11  # 165 characters
    finding = sms_length_finding(text)
    assert (finding.rule, finding.category, finding.level) == ("sms-segments", "length", "warning")
    assert "needs 2 SMS segments" in finding.why
    assert finding.start == 160 and finding.end == len(text)
    assert finding.text == text[160:]
    assert "GSM 03.38" in finding.source


def test_a_curly_quote_that_forces_ucs2_is_named_and_pointed_at():
    text = "We’re thinking of you and hope the week is going gently. Reply any time."
    finding = sms_length_finding(text)
    assert "needs 2 SMS segments" in finding.why and "’" in finding.why
    assert "70 characters" in finding.why
    assert "straight quotes" in finding.suggestion
    assert (finding.start, finding.text) == (2, "’")


def test_the_spanish_finding_explains_which_accents_cost_more():
    text = (
        "Te extrañamos. Cuando quieras, aquí estamos; también por teléfono o en línea, sin prisa."
    )
    finding = sms_length_finding(text, language="es")
    assert "2 segmentos" in finding.why
    assert "á, í, ó, ú" in finding.why
    assert finding.text == "í"


@given(st.text(max_size=400))
def test_segments_match_the_simple_formula_when_no_pair_straddles(text):
    segments = sms_segments(text)
    if not text:
        assert segments == 0
        return
    if is_gsm7(text):
        units = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
        single, part = 160, 153
    else:
        units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
        single, part = 70, 67
    if units <= single:
        assert segments == 1
    else:
        # Packing never uses fewer parts than the ideal, and loses at most one
        # unit per part to a pair that moves on.
        assert math.ceil(units / part) <= segments <= math.ceil(units / (part - 1))


@given(st.text(max_size=300), st.characters())
def test_adding_a_character_never_needs_fewer_segments(text, ch):
    assert sms_segments(text + ch) >= sms_segments(text)
