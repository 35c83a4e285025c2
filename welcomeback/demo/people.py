"""Synthetic people: a mix of English and Spanish names, preferred names and
pronouns sometimes, fictional phone numbers and example email domains.

Every phone number is in the 555-0100..0199 block that North American
numbering reserves for fiction, and every email is at example.org or
example.com (RFC 2606), so nothing here can reach a real person.
"""

import random
import unicodedata
from dataclasses import dataclass

ENGLISH_GIVEN = {
    "f": [
        "Amanda",
        "Ashley",
        "Brittany",
        "Caroline",
        "Danielle",
        "Elizabeth",
        "Emily",
        "Grace",
        "Hannah",
        "Jennifer",
        "Jessica",
        "Katherine",
        "Kayla",
        "Lauren",
        "Margaret",
        "Megan",
        "Nicole",
        "Rachel",
        "Samantha",
        "Sarah",
        "Stephanie",
        "Tiffany",
        "Whitney",
        "Aaliyah",
        "Keisha",
        "Imani",
        "Tamika",
        "Priya",
        "Mei",
        "Deborah",
        "Patricia",
    ],
    "m": [
        "Andrew",
        "Anthony",
        "Benjamin",
        "Brandon",
        "Christopher",
        "Daniel",
        "David",
        "Eric",
        "Gregory",
        "James",
        "Jason",
        "Jonathan",
        "Joseph",
        "Joshua",
        "Kevin",
        "Matthew",
        "Michael",
        "Nathaniel",
        "Patrick",
        "Richard",
        "Robert",
        "Ryan",
        "Thomas",
        "Tyler",
        "William",
        "DeShawn",
        "Jamal",
        "Malik",
        "Terrence",
        "Wei",
        "Arjun",
    ],
}
SPANISH_GIVEN = {
    "f": [
        "Adriana",
        "Alejandra",
        "Ana",
        "Carmen",
        "Claudia",
        "Daniela",
        "Dolores",
        "Elena",
        "Esperanza",
        "Gabriela",
        "Guadalupe",
        "Isabel",
        "Lucía",
        "Marisol",
        "María José",
        "Mariana",
        "Paola",
        "Rosario",
        "Sofía",
        "Valeria",
        "Ximena",
        "Yesenia",
    ],
    "m": [
        "Alejandro",
        "Andrés",
        "Carlos",
        "Diego",
        "Eduardo",
        "Enrique",
        "Fernando",
        "Francisco",
        "Ignacio",
        "Javier",
        "Jesús",
        "Jorge",
        "José",
        "Juan Carlos",
        "Luis",
        "Manuel",
        "Miguel",
        "Pablo",
        "Rafael",
        "Ricardo",
        "Santiago",
        "Víctor",
    ],
}
ENGLISH_FAMILY = [
    "Adams",
    "Baker",
    "Bennett",
    "Brooks",
    "Campbell",
    "Carter",
    "Chen",
    "Collins",
    "Cooper",
    "Davis",
    "Edwards",
    "Evans",
    "Fischer",
    "Foster",
    "Green",
    "Hall",
    "Harris",
    "Hughes",
    "Jackson",
    "Johnson",
    "Kelly",
    "Kim",
    "Lee",
    "Lewis",
    "Martin",
    "Miller",
    "Mitchell",
    "Murphy",
    "Nguyen",
    "O'Brien",
    "Okafor",
    "Parker",
    "Patel",
    "Price",
    "Reed",
    "Roberts",
    "Robinson",
    "Russell",
    "Scott",
    "Shapiro",
    "Smith",
    "Sullivan",
    "Taylor",
    "Thompson",
    "Turner",
    "Walker",
    "Washington",
    "Williams",
    "Wilson",
    "Wright",
    "Young",
]
SPANISH_FAMILY = [
    "Acosta",
    "Aguilar",
    "Castillo",
    "Castro",
    "Cruz",
    "Delgado",
    "Díaz",
    "Flores",
    "García",
    "Gómez",
    "González",
    "Guerrero",
    "Gutiérrez",
    "Hernández",
    "Jiménez",
    "López",
    "Medina",
    "Mendoza",
    "Morales",
    "Muñoz",
    "Núñez",
    "Ortiz",
    "Peña",
    "Pérez",
    "Ramírez",
    "Ramos",
    "Reyes",
    "Rivera",
    "Rodríguez",
    "Romero",
    "Ruiz",
    "Sánchez",
    "Santiago",
    "Torres",
    "Vargas",
    "Vázquez",
]
# Names people often prefer to go by.
SHORT_NAMES = {
    "Alejandro": "Álex",
    "Andrew": "Drew",
    "Benjamin": "Ben",
    "Christopher": "Chris",
    "Daniel": "Danny",
    "Deborah": "Deb",
    "Dolores": "Lola",
    "Elizabeth": "Liz",
    "Enrique": "Quique",
    "Francisco": "Paco",
    "Gregory": "Greg",
    "Guadalupe": "Lupe",
    "Ignacio": "Nacho",
    "James": "Jim",
    "Jennifer": "Jen",
    "Jesús": "Chuy",
    "Jonathan": "Jon",
    "José": "Pepe",
    "Joseph": "Joe",
    "Katherine": "Kate",
    "Margaret": "Maggie",
    "María José": "Majo",
    "Matthew": "Matt",
    "Michael": "Mike",
    "Nathaniel": "Nate",
    "Patricia": "Trish",
    "Richard": "Rick",
    "Robert": "Bobby",
    "Rosario": "Charo",
    "Samantha": "Sam",
    "Thomas": "Tom",
    "William": "Will",
}
# Chosen names, for some people who use they/them.
CHOSEN_NAMES = ["Alex", "Jordan", "River", "Rowan", "Sky", "Quinn", "Sage", "Ari"]
PRONOUNS = {
    ("en", "f"): "she/her",
    ("en", "m"): "he/him",
    ("en", "x"): "they/them",
    ("es", "f"): "ella",
    ("es", "m"): "él",
    ("es", "x"): "elle",
}
EMAIL_DOMAINS = ["example.org", "example.com"]
FICTIONAL_LINES = range(100, 200)  # 555-0100 to 555-0199


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    preferred_name: str
    pronouns: str
    phone: str
    email: str
    language: str
    external_id: str
    voicemail_allowed: bool
    sms_allowed: bool


class PhoneBook:
    """Hands out distinct fictional numbers in a site's area codes."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def number(self, area_codes: list[str]) -> str:
        # A very large demo runs out of distinct numbers; then people share
        # one, as households do.
        for _attempt in range(50):
            line = self.rng.choice(FICTIONAL_LINES)
            number = f"+1{self.rng.choice(area_codes)}555{line:04d}"
            if number not in self.used:
                break
        self.used.add(number)
        return number


def make_person(
    rng: random.Random, language: str, area_codes: list[str], phones: PhoneBook, index: int
) -> Person:
    spanish_name = language == "es" or rng.random() < 0.2
    gender = rng.choice("fm")
    first = rng.choice((SPANISH_GIVEN if spanish_name else ENGLISH_GIVEN)[gender])
    last = family_name(rng, spanish_name)
    identity = "x" if rng.random() < 0.06 else gender
    preferred = preferred_name(rng, first, identity)
    pronouns = PRONOUNS[(language, identity)] if identity == "x" or rng.random() < 0.3 else ""
    has_email = rng.random() < 0.7
    return Person(
        first_name=first,
        last_name=last,
        preferred_name=preferred,
        pronouns=pronouns,
        phone=phones.number(area_codes) if rng.random() < 0.95 or not has_email else "",
        email=email_for(rng, preferred or first, last, index) if has_email else "",
        language=language,
        external_id=f"MRN-{100000 + index * 37 + rng.randrange(37):06d}",
        voicemail_allowed=rng.random() < 0.4,
        sms_allowed=rng.random() < 0.9,
    )


def family_name(rng: random.Random, spanish: bool) -> str:
    if not spanish:
        return rng.choice(ENGLISH_FAMILY)
    if rng.random() < 0.3:  # both family names, as many Spanish speakers use
        first, second = rng.sample(SPANISH_FAMILY, 2)
        return f"{first} {second}"
    return rng.choice(SPANISH_FAMILY)


def preferred_name(rng: random.Random, first: str, identity: str) -> str:
    if identity == "x" and rng.random() < 0.5:
        return rng.choice(CHOSEN_NAMES)
    if first in SHORT_NAMES and rng.random() < 0.4:
        return SHORT_NAMES[first]
    return ""


def email_for(rng: random.Random, first: str, last: str, index: int) -> str:
    local = f"{ascii_slug(first)}.{ascii_slug(last.split()[0])}{index % 97}"
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())
