"""Reading a reply: keywords first (FCC 24-24, CTIA), then wording that
sounds like "stop" even without the keyword.

Keywords match the whole message after normalising it: trimmed, case-
folded, accents and punctuation removed, spaces collapsed.
"""

import re
import unicodedata

from welcomeback.outreach.models import InboundKind

# FCC 24-24 (47 CFR 64.1200(a)(10)) names stop, quit, end, revoke, opt out,
# cancel and unsubscribe; CTIA adds STOPALL; Spanish from the issue.
OPT_OUT_WORDS = {
    "stop",
    "stopall",
    "stop all",
    "unsubscribe",
    "cancel",
    "end",
    "quit",
    "revoke",
    "optout",
    "opt out",
    "parar",
    "alto",
    "no mas",
    "basta",
}
OPT_IN_WORDS = {"start", "unstop", "yes", "comenzar", "reanudar"}
HELP_WORDS = {"help", "info", "ayuda"}

# Replies that a reasonable person would read as "stop" (FCC 24-24:
# revocation in any reasonable manner, any language). Tuned for recall: a
# false alarm only pauses automated texts until a person looks.
OPT_OUT_PHRASES = [
    r"\bstop (texting|messaging|sending|contacting|calling)\b",
    r"\b(don'?t|do not|dont) (text|message|contact|call|email|write)( me)?\b",
    r"\bleave me alone\b",
    r"\b(no more|stop the) (texts|messages|msgs|emails|calls)\b",
    r"\b(remove|take) me off\b",
    r"\bunsubscribe me\b",
    r"\bopt me out\b",
    r"\bnot interested\b",
    r"\bwrong number\b",
    r"\bno mas (mensajes|textos|correos|llamadas)\b",
    r"\b(dejen|deja|dejame|dejenme) de (escribir|mandar|enviar|llamar)",
    r"\bdejame en paz\b",
    r"\bdejenme en paz\b",
    r"\bno me (escriban|escribas|manden|mandes|llamen|llames|envien|contacten)\b",
    r"\bya no (me )?(escriban|manden|envien|quiero (mensajes|recibir))",
    r"\bno quiero (mas )?(mensajes|recibir)",
    r"\bborrame\b|\bsaquenme de\b",
    r"\bnumero equivocado\b",
]
_PHRASES = re.compile("|".join(OPT_OUT_PHRASES))


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = re.sub(r"[^\w\s']", " ", plain)
    return re.sub(r"\s+", " ", plain).strip()


def classify(text: str) -> str:
    words = normalise(text)
    bare = words.replace("'", "")
    if bare in OPT_OUT_WORDS:
        return InboundKind.OPT_OUT
    if bare in OPT_IN_WORDS:
        return InboundKind.OPT_IN
    if bare in HELP_WORDS:
        return InboundKind.HELP
    if _PHRASES.search(words) or _PHRASES.search(bare):
        return InboundKind.OPT_OUT_LIKE
    return InboundKind.REPLY
