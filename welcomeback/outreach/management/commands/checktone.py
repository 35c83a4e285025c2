"""Check outreach text files for tone (and, with --discreet, privacy).

    manage.py checktone [--language en|es] [--channel sms|email|voicemail|letter]
                        [--part body|subject|preview|sender|envelope] [--discreet]
                        [--revealing NAME ...] FILE...

Prints one line per finding, `FILE:LINE:COL RULE LEVEL: "TEXT" why (suggestion)`,
like a compiler, so editors can jump to it. Exits 1 when any finding is an
error (a tone error; a privacy error only with --discreet), 0 otherwise:
warnings are printed but never fail. FILE "-" reads standard input.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from welcomeback.outreach.checks import CHANNELS, LANGUAGES, check_message, errors

PARTS = ("body", "subject", "preview", "sender", "envelope")


class Command(BaseCommand):
    help = "Check outreach text files with the tone check (and the privacy check with --discreet)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help='Text files; "-" is stdin.')
        parser.add_argument("--language", choices=LANGUAGES, default="en")
        parser.add_argument("--channel", choices=CHANNELS, default="sms")
        parser.add_argument(
            "--part",
            choices=PARTS,
            default="body",
            help="Which part of the message each file is (default: body).",
        )
        parser.add_argument(
            "--discreet",
            action="store_true",
            help="Also run the privacy check, as for a client in discreet mode.",
        )
        parser.add_argument(
            "--revealing",
            action="append",
            default=[],
            metavar="NAME",
            help="A program name that reveals care (repeatable).",
        )

    def handle(self, *args, files, language, channel, part, discreet, revealing, **options):
        error_count = 0
        for name in files:
            text = self.read(name)
            findings = check_message(
                {part: text},
                language=language,
                channel=channel,
                discreet=discreet,
                revealing=revealing,
            )[part]
            for finding in findings:
                self.stdout.write(format_finding(name, text, finding))
            error_count += len(errors(findings))
        if error_count:
            # Django's CommandError carries the exit status (run_from_argv calls
            # sys.exit(returncode)); under call_command it is raised as usual.
            noun = "thing" if error_count == 1 else "things"
            raise CommandError(
                f"Found {error_count} {noun} to change before sending.", returncode=1
            )

    def read(self, name: str) -> str:
        if name == "-":
            return sys.stdin.read()
        try:
            # utf-8-sig: a byte-order mark from a Windows editor is not part of the text.
            return Path(name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Can't read {name}: {exc}", returncode=2) from exc


def format_finding(name: str, text: str, finding) -> str:
    line, col = finding.position(text)
    shown = finding.text.replace("\n", " ")
    return (
        f'{name}:{line}:{col} {finding.rule} {finding.level}: "{shown}" {finding.why} '
        f"({finding.suggestion})"
    )
