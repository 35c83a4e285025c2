"""What a check reports, and small helpers over lists of findings."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
LEVELS = (WARNING, ERROR)  # in rising order; an error outranks a warning


@dataclass(frozen=True)
class Finding:
    """One place in a text that a check would change, and why.

    `start` and `end` are offsets into the checked text (`text == checked[start:end]`).
    """

    start: int
    end: int
    text: str
    rule: str
    category: str
    level: str
    why: str
    suggestion: str
    source: str

    def position(self, checked: str) -> tuple[int, int]:
        """The 1-based (line, column) where this finding starts in `checked`."""
        return line_col(checked, self.start)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`, counting characters."""
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    return line, offset - line_start + 1


def errors(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that stop a message from being sent."""
    return [f for f in findings if f.level == ERROR]


def blocking(findings_by_part: Mapping[str, Iterable[Finding]]) -> dict[str, list[Finding]]:
    """Error findings per message part, leaving out parts that have none.

    An empty result means the message may be sent.
    """
    found = {part: errors(findings) for part, findings in findings_by_part.items()}
    return {part: errs for part, errs in found.items() if errs}


def tidy(findings: Iterable[Finding]) -> list[Finding]:
    """Sort by position and drop a finding that a stronger one already covers.

    "drug user" is both the error rule for "drug user" and the warning rule for
    "user"; staff need to read the more specific one only. A finding is dropped
    when another of the same category spans it and is at least as serious.
    Findings of different categories never hide each other.
    """
    ordered = sorted(findings, key=lambda f: (f.start, -f.end, -_rank(f), f.rule))
    kept: list[Finding] = []
    for finding in ordered:
        if not any(_covers(k, finding) for k in kept):
            kept.append(finding)
    return kept


def _rank(finding: Finding) -> int:
    return LEVELS.index(finding.level)


def _covers(outer: Finding, inner: Finding) -> bool:
    return (
        outer.category == inner.category
        and outer.start <= inner.start
        and inner.end <= outer.end
        and _rank(outer) >= _rank(inner)
    )
