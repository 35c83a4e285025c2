"""Inbound triage for every channel: keywords, then crisis, then return intent.

- triage(text, language=None) -> Outcome: what a message needs first
  (classify.py has the order and the reasons).
- crisis_reply(language, channel, sender) -> str: the answer with 988 and 911.
- Phrases are data: crisis.<language>.toml and return.<language>.toml, loaded
  and compiled once (phrases.py, matching.py). docs/triage.md explains them.
"""

from .classify import KINDS, Outcome, triage, unquoted
from .phrases import CATEGORIES, LANGUAGES, PhraseFileError, load, load_all
from .replies import crisis_reply

__all__ = [
    "CATEGORIES",
    "KINDS",
    "LANGUAGES",
    "Outcome",
    "PhraseFileError",
    "crisis_reply",
    "load",
    "load_all",
    "triage",
    "unquoted",
]
