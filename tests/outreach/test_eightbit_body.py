"""The 8bit body prepared once per locale (outreach.delivery.eightbit) against the general path
(mime.eight_bit_body of the rendered text): the same bytes, or None where the general path must decide."""

import random
from dataclasses import replace

import pytest

from outreach.delivery import mime
from outreach.delivery.compose import compose, locale_parts
from outreach.delivery.eightbit import EightBitTemplate
from outreach.rendering import compile_template

BOUNDARIES = ("=_alt_0123456789abcdef01234567", "=_mix_0123456789abcdef01234567")
PIECES = ["<p>", "</p>\n", "Grüße aus Krefeld", " ", "\n", "\n\n", "ä" * 300, "x" * 400, "<a href=\"{{ link }}\">",
          "{{ salutation }}", "{{ first_name }}", "{{ art14_notice }}", "„Zitat“ – 😀"]
VALUES = ["", "Anna", "Sehr geehrte Frau Dr. Müller", "Zeile eins\nZeile zwei", "y" * 600, "ö" * 350,
          "mit\r\nWagenrücklauf", "Ende\n", "\n"]


def general(template_text: str, values: dict) -> bytes | None:
    return mime.eight_bit_body(compile_template(template_text).render(values), boundaries=BOUNDARIES)


@pytest.mark.parametrize("seed", range(300))
def test_the_prepared_body_is_the_general_paths_bytes_or_hands_over(seed):
    chance = random.Random(seed)
    template_text = "".join(chance.choice(PIECES) for _ in range(chance.randint(0, 14)))
    names = ("link", "salutation", "first_name", "art14_notice")
    values = {name: chance.choice(VALUES) for name in names}
    prepared = EightBitTemplate(compile_template(template_text)).render(values)
    expected = general(template_text, values)
    if prepared is None:
        # Handed over: only where a line is too long (the general path says None too) or a CR must be merged.
        assert expected is None or "\r" in template_text + "".join(values.values())
    else:
        assert prepared == expected


@pytest.mark.parametrize(("template_text", "value", "fits"), [
    ("a" * 990 + "{{ first_name }}", "b" * 8, True),          # 998 bytes on the line: the limit itself
    ("a" * 990 + "{{ first_name }}", "b" * 9, False),         # 999
    ("a" * 990 + "{{ first_name }}\nkurz", "b" * 9, False),   # the long line ends inside the literal
    ("{{ first_name }}" + "a" * 10, "x\n" + "b" * 988, True),  # the value's last line continues in the literal
    ("{{ first_name }}" + "a" * 11, "x\n" + "b" * 988, False),
    ("ä" * 499 + "{{ first_name }}", "", True),               # 998 bytes in UTF-8
    ("ä" * 499 + "{{ first_name }}", "ä", False),
])
def test_lines_are_measured_across_literals_and_values_in_bytes(template_text, value, fits):
    prepared = EightBitTemplate(compile_template(template_text)).render({"first_name": value})
    assert (prepared is not None) is fits
    if fits:
        assert prepared == general(template_text, {"first_name": value})


def test_a_message_composed_for_8bit_is_the_same_either_way():
    html = "<html><body>\n<p>{{ salutation }},</p>\n<p>Grüße aus Krefeld.</p>\n{{ art14_notice }}</body></html>\n"
    parts = locale_parts(subject="Einladung", html=html, text="{{ salutation }},\nGrüße.\n{{ art14_notice }}",
                         eight_bit=True)
    values = {"salutation": "Liebe Anna", "art14_notice": "Hinweis nach Art. 14 DSGVO\n\n"}
    arguments = dict(token="t0ken", values=values, html_values=values, to_name="Anna", to_email="anna@example.org",
                     from_name="Pressestelle", from_email="presse@example.org")
    fast = compose(parts=parts, **arguments).message_bytes
    # The same parts with templates that always hand over (a CR in them) take the general path.
    never = EightBitTemplate(compile_template("\r"))
    slow = compose(parts=replace(parts, html_8bit=never, text_8bit=never), **arguments).message_bytes

    def without_date(message: bytes) -> bytes:
        return b"\r\n".join(line for line in message.split(b"\r\n") if not line.startswith(b"Date:"))

    assert b"Content-Transfer-Encoding: 8bit" in fast
    assert without_date(fast) == without_date(slow)
