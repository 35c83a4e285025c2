import pytest

from welcomeback.lib.phones import to_e164


@pytest.mark.parametrize(
    "raw", ["(212) 555-0142", "212 555 0142", "212.555.0142", "+1 212-555-0142", "2125550142"]
)
def test_any_common_format_becomes_e164(raw):
    assert to_e164(raw) == "+12125550142"


@pytest.mark.parametrize("raw", ["", "   ", "12", "not a number", "555-0142"])
def test_anything_else_is_empty(raw):
    assert to_e164(raw) == ""
