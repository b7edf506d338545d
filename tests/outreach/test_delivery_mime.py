"""The hand-written MIME writer against the stdlib's reading of it: what a mail client sees must be what we meant."""

import re
from email import message_from_bytes
from email.parser import BytesParser
from email.policy import default

import pytest

from outreach.delivery import mime
from outreach.delivery.compose import _compose_with_stdlib, compose, locale_parts
from outreach.delivery.headers import mail_domain, unsubscribe_url
from outreach.tracking.tokens import mailto_signature

NAMES = ["Erika Mustermann", "Jürgen Groß-Öztürk", 'Dr. "Doc" O\'Brien, Jr.', "Zoë 李", ""]
TEXTS = [
    "Guten Tag {{ salutation }},\n\nkurz und ASCII.",
    "Sehr geehrte Frau Müller,\r\nZeile mit Leerzeichen am Ende   \n. Punkt am Zeilenanfang\nFrom here\n"
    + "ä" * 300 + "\n" + "x" * 500 + "\n=3D is not an escape\n\ttab\n",
    "",
]
HTMLS = ['<p style="color:red">Hallo {{ first_name }}, <a href="https://example.org/a?b=1&amp;c=2">Link</a></p>',
         "<div>" + "Größe " * 4000 + "</div>\n<pre>  eingerückt  </pre>"]


def parse(raw: bytes):
    return BytesParser(policy=default).parsebytes(raw)


def bodies(message) -> dict[str, str]:
    found = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            found[part.get_content_subtype()] = part.get_content().replace("\r\n", "\n")
    return found


def unwrapped(html: str) -> str:
    """Undo mime.wrap_html: inside tags it only ever turns a space into a line break, or puts one
    before the closing ">"."""
    return re.sub(r"\n(/?>)", r"\1", html).replace("\n", " ")


def envelope(*, name: str, text: str, html: str, attachments=(), reply_to: str = "reply+tok@mail.example.org",
             subject: str = "Neuigkeiten für {{ first_name }}", eight_bit: bool = False):
    parts = locale_parts(subject=subject, html=html, text=text, attachments=attachments, eight_bit=eight_bit)
    values = {"salutation": "Hallo", "first_name": name, "last_name": "", "full_name": name,
              "email": "erika@example.org", "unsubscribe_url": "https://dialogdesk.example.org/o/u/t/s/"}
    return parts, compose(parts=parts, token="tok123", values=values, html_values=values, to_name=name,
                          to_email="erika@example.org", from_name="Pressestelle Dialog", from_email="presse@example.org",
                          reply_to=reply_to)


@pytest.mark.parametrize("eight_bit", [False, True], ids=["quoted-printable", "8bit"])
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("html", HTMLS)
def test_headers_and_bodies_read_back_as_written(name, text, html, eight_bit):
    _parts, sent = envelope(name=name, text=text, html=html, eight_bit=eight_bit)
    raw = sent.message_bytes
    assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF in the message"
    head, _sep, body = raw.partition(b"\r\n\r\n")
    assert max(len(line) for line in body.split(b"\r\n")) <= (998 if eight_bit else 78)
    assert max(len(line) for line in head.split(b"\r\n")) <= 998
    assert head.isascii()
    if not eight_bit:
        assert raw.isascii()

    message = parse(raw)
    assert message["Subject"] == f"Neuigkeiten für {name}"
    assert message["To"].addresses[0].display_name == name
    assert message["To"].addresses[0].addr_spec == "erika@example.org"
    assert message["From"].addresses[0].display_name == "Pressestelle Dialog"
    assert message["Reply-To"].addresses[0].addr_spec == "reply+tok@mail.example.org"
    assert message["Message-ID"] == sent.message_id
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"] == (
        f"<{unsubscribe_url('tok123')}>, <mailto:unsubscribe+0-{mailto_signature(0, 'tok123')}@{mail_domain()}>")
    assert message.get_content_type() == "multipart/alternative"
    expected_text = text.replace("\r\n", "\n").replace("{{ salutation }}", "Hallo")
    expected_html = html.replace("{{ first_name }}", name)
    found = bodies(message)
    assert found["plain"].rstrip("\n") == expected_text.rstrip("\n")
    if eight_bit:
        assert unwrapped(found["html"].rstrip("\n")) == unwrapped(expected_html.rstrip("\n"))
    else:
        assert found["html"].rstrip("\n") == expected_html.rstrip("\n")
    assert not message.defects and all(not part.defects for part in message.walk())
    encodings = [part["Content-Transfer-Encoding"] for part in message.walk() if part.get_content_maintype() == "text"]
    if not eight_bit:
        assert set(encodings) == {"quoted-printable"}
    elif "<pre>" not in html:
        assert "quoted-printable" not in encodings  # wrapped once per locale: nothing encoded per recipient


WRAPPABLE = ('<table role="presentation" width="100%"><tr><td style="padding: 12px 24px; color: #222;">'
             + '<p>Die Industrie in Nordrhein-Westfalen steht vor großen Veränderungen, {{ first_name }}. '
             + '<a href="https://www.example.org/aktuelles/beitrag?a=1&amp;b=zwei%20worte" title="Weiter lesen">'
             + 'Weiterlesen</a></p>' * 1 + "</td></tr></table>") * 60


def test_8bit_html_is_wrapped_once_per_locale_where_a_break_shows_the_same():
    parts, sent = envelope(name="Jürgen", text="Text", html=WRAPPABLE, eight_bit=True)
    assert len(WRAPPABLE.encode()) > 18_000 and "\n" not in WRAPPABLE
    message = parse(sent.message_bytes)
    html_part = message.get_body(("html",))
    assert html_part["Content-Transfer-Encoding"] == "8bit"
    found = html_part.get_content().replace("\r\n", "\n")
    assert unwrapped(found) == WRAPPABLE.replace("{{ first_name }}", "Jürgen")
    assert max(len(line.encode()) for line in found.split("\n")) <= mime.WRAP_AT + len("Jürgen")
    # Attribute values (the link, its title) are never broken.
    assert found.count('href="https://www.example.org/aktuelles/beitrag?a=1&amp;b=zwei%20worte"') == 60
    assert found.count('title="Weiter lesen"') == 60


def test_8bit_never_breaks_text_and_falls_back_per_part():
    pre = "<pre>" + "eingerückt  " * 200 + "</pre>"
    wrapped = mime.wrap_html(pre)
    assert unwrapped(wrapped) == pre and "eingerückt  " * 200 in wrapped
    styled = '<div style="white-space: pre-wrap">' + "Zeile " * 400 + "</div>"
    assert "Zeile " * 400 in mime.wrap_html(styled)
    parts, sent = envelope(name="Anna", text="kurz", html=styled, eight_bit=True)
    message = parse(sent.message_bytes)
    assert message.get_body(("html",))["Content-Transfer-Encoding"] == "quoted-printable"
    assert message.get_body(("plain",))["Content-Transfer-Encoding"] == "7bit"
    assert unwrapped(bodies(message)["html"].rstrip("\n")) == styled


def test_a_long_merge_value_sends_that_part_quoted_printable():
    parts = locale_parts(subject="s", html="<p>{{ first_name }}</p>", text="{{ first_name }}", eight_bit=True)
    long_name = "Ä" * 600  # 1,200 bytes on one line
    values = {"first_name": long_name}
    sent = compose(parts=parts, token="tok5", values=values, html_values=values, to_name="A", to_email="a@example.org",
                   from_name="P", from_email="presse@example.org")
    message = parse(sent.message_bytes)
    assert {p["Content-Transfer-Encoding"] for p in message.walk() if p.get_content_maintype() == "text"} == {
        "quoted-printable"}
    assert bodies(message)["plain"].rstrip("\n") == long_name


def test_attachments_are_carried_byte_for_byte_and_the_same_as_the_stdlib_writes_them():
    pdf = bytes(range(256)) * 40
    parts, sent = envelope(name="Jürgen", text="Text", html="<p>HTML</p>",
                           attachments=[("Pressemitteilung Über.pdf", pdf, "application/pdf"),
                                        ("notes.txt", b"plain\nnotes\n", "text/plain")])
    ours = parse(sent.message_bytes)
    theirs = parse(_compose_with_stdlib(parts=parts, subject="s", text="Text", html="<p>HTML</p>", to_name="Jürgen",
                                        to_email="erika@example.org", from_name="P", from_email="presse@example.org",
                                        reply_to="", token="tok123"))
    assert ours.get_content_type() == theirs.get_content_type() == "multipart/mixed"
    ours_files = [(p.get_filename(), p.get_content_type(), p.get_payload(decode=True)) for p in ours.iter_attachments()]
    theirs_files = [(p.get_filename(), p.get_content_type(), p.get_payload(decode=True))
                    for p in theirs.iter_attachments()]
    assert ours_files == theirs_files
    assert ours_files[0] == ("Pressemitteilung Über.pdf", "application/pdf", pdf)
    assert [p.get_content_type() for p in ours.walk()] == [p.get_content_type() for p in theirs.walk()]


def test_a_line_break_in_a_merge_value_cannot_add_a_header():
    _parts, sent = envelope(name="Eve\r\nBcc: victim@example.net", text="t", html="h")
    message = message_from_bytes(sent.message_bytes, policy=default)
    assert message["Bcc"] is None
    assert message["To"].addresses[0].display_name == "Eve Bcc: victim@example.net"
    assert message["Subject"] == "Neuigkeiten für Eve Bcc: victim@example.net"


def test_an_address_that_needs_smtputf8_takes_the_stdlib_path():
    parts = locale_parts(subject="s", html="<p>h</p>", text="t")
    sent = compose(parts=parts, token="tok9", values={}, html_values={}, to_name="Ü", to_email="jürgen@example.org",
                   from_name="P", from_email="presse@example.org")
    assert parse(sent.message_bytes)["To"].addresses[0].addr_spec == "jürgen@example.org"
    with pytest.raises(ValueError):
        mime.address_header("To", "", "jürgen@example.org")


def test_the_boundary_cannot_occur_in_a_body_that_contains_it():
    boundary = mime.new_boundary("alt")
    raw = mime.build_message(head=[mime.header_line("Subject", "x")], text=f"--{boundary}\n", html=f"--{boundary}--",
                             boundaries=(boundary, mime.new_boundary("mix")))
    message = parse(raw)
    assert bodies(message) == {"plain": f"--{boundary}\n", "html": f"--{boundary}--"}


@pytest.mark.parametrize("subject", ["x" * 120, "Kurz", "word " * 40, "Überlang " * 30])
def test_long_subjects_fold_without_changing_the_value(subject):
    raw = mime.build_message(head=[mime.header_line("Subject", subject)], text="t", html="h",
                             boundaries=(mime.new_boundary("alt"), mime.new_boundary("mix")))
    assert parse(raw)["Subject"].strip() == subject.strip()
