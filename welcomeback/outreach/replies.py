"""What happens when a person writes in: keywords first, then the rest.

Filled in by the consent and keyword work; the inbound webhooks call
``handle_inbound`` after storing and matching the message.
"""


def handle_inbound(inbound) -> None:
    """Classify and act on a stored, matched InboundMessage."""
