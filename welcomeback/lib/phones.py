"""Phone numbers in any common US format, to E.164."""

import phonenumbers


def to_e164(raw: str, region: str = "US") -> str:
    """'(212) 555-0142' → '+12125550142'; '' when it isn't a valid number."""
    if not raw or not raw.strip():
        return ""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
