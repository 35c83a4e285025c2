"""Show how triage reads a message, so staff can test phrases.

    manage.py triage [--language en|es] [--reply sms|email] TEXT...
    manage.py triage [--language en|es] [--each-line] -

Prints the outcome's kind as the first word — crisis, opt-out, opt-in, help,
return or other — then what decided it:

    crisis suicidal-thoughts "don't want to be here anymore" rule=wish-to-die reply=en
    return "come back" rule=come-back reply=en
    other reply=en

TEXT words are joined with spaces; "-" reads the text from standard input
(with --each-line, every line is its own message, one result per line).
--reply also prints the crisis reply the sender would get. Always exits 0.
Nothing is stored or sent, and nothing is logged.
"""

import sys

from django.core.management.base import BaseCommand

from welcomeback.returns.triage import LANGUAGES, Outcome, crisis_reply, triage


class Command(BaseCommand):
    help = "Show how inbound triage reads a text: crisis, opt-out, opt-in, help, return or other."

    def add_arguments(self, parser):
        parser.add_argument("text", nargs="+", metavar="TEXT", help='The message; "-" is stdin.')
        parser.add_argument(
            "--language",
            choices=LANGUAGES,
            default=None,
            help="The language to answer in (both languages' phrases are always read).",
        )
        parser.add_argument(
            "--each-line",
            action="store_true",
            help='With "-": read every line of standard input as its own message.',
        )
        parser.add_argument(
            "--reply",
            choices=("sms", "email"),
            default=None,
            help="Also print the crisis reply for this channel when the outcome is crisis.",
        )

    def handle(self, *args, text, language, each_line, reply, **options):
        for message in self.messages(text, each_line):
            outcome = triage(message, language)
            self.stdout.write(describe(outcome))
            if reply and outcome.is_crisis:
                self.stdout.write(crisis_reply(outcome.language, reply, ""))

    def messages(self, words: list[str], each_line: bool) -> list[str]:
        if words != ["-"]:
            return [" ".join(words)]
        given = sys.stdin.read()
        if each_line:
            return [line for line in given.splitlines() if line.strip()]
        return [given]


def describe(outcome: Outcome) -> str:
    """One line: the kind first, then category, the matched words and the rule."""
    parts = [outcome.kind]
    if outcome.category:
        parts.append(outcome.category)
    if outcome.matched:
        shown = " ".join(outcome.matched.split())
        parts.append(f'"{shown}"')
    if outcome.rule:
        parts.append(f"rule={outcome.rule}")
    if len(outcome.categories) > 1:
        parts.append("also=" + ",".join(outcome.categories[1:]))
    if outcome.reads_like_opt_out:
        parts.append("reads-like-opt-out")
    parts.append(f"reply={outcome.language}")
    return " ".join(parts)
