"""Stripping the quoted history from replies and deciding hard or soft: pure functions, no database."""

import pytest

from outreach.inbound.bounces import severity
from outreach.inbound.parse import parse
from outreach.inbound.replies import cut_history, html_to_text, reply_text


def plain(body: str) -> bytes:
    return ("From: a@example.org\nTo: b@example.org\nSubject: Re: x\nContent-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: 8bit\n\n" + body).encode()


def test_english_quote_header_and_quotes():
    body = "Thanks, I'll be there.\n\nOn Tue, Jan 14, 2025 at 10:00 AM Press <press@example.org> wrote:\n> Dear all\n"
    assert reply_text(parse(plain(body))) == "Thanks, I'll be there."


def test_german_quote_header_wrapped_over_two_lines():
    body = ("Gern, bis dann.\n\nAm Di., 14. Jan. 2025 um 10:00 Uhr schrieb Presse B\u00fcndnis <\n"
            "presse@example.org>:\n\n> Sehr geehrte Frau M\u00fcller,\n")
    assert reply_text(parse(plain(body))) == "Gern, bis dann."


def test_outlook_original_message_separator():
    body = ("Bitte nehmen Sie mich aus dem Verteiler.\n\nGr\u00fc\u00dfe\nM. Weber\n\n"
            "-----Urspr\u00fcngliche Nachricht-----\nVon: Presse <presse@example.org>\nGesendet: Dienstag\n"
            "An: Weber\nBetreff: Einladung\n\nSehr geehrte Damen und Herren,\n")
    assert reply_text(parse(plain(body))) == "Bitte nehmen Sie mich aus dem Verteiler.\n\nGr\u00fc\u00dfe\nM. Weber"


def test_outlook_header_block_without_separator():
    text = "Passt.\n\nVon: Presse <presse@example.org>\nGesendet: Dienstag, 14. Januar 2025 10:00\nAn: X\n"
    assert cut_history(text).strip() == "Passt."


def test_html_reply_drops_gmail_quote():
    html = ('<div dir="ltr">Ja, gern.<br>Viele Gr\u00fc\u00dfe</div><br><div class="gmail_quote">'
            '<div class="gmail_attr">Am Di., 14. Jan. schrieb Presse:</div><blockquote>Alt</blockquote></div>')
    assert html_to_text(html) == "Ja, gern.\nViele Gr\u00fc\u00dfe"


@pytest.mark.parametrize(("status", "text", "hard"), [
    ("5.1.1", "550 5.1.1 user unknown", True),
    ("5.2.2", "552 5.2.2 mailbox full", False),
    ("5.7.1", "554 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org", False),
    # The words say unknown user, the code says policy: a hard bounce needs both to say the address is gone.
    ("5.7.1", "550 5.7.1 Recipient address rejected: user unknown", False),
    ("4.4.1", "451 4.4.1 no answer from host", False),
    (None, "550 Requested action not taken: mailbox unavailable", True),
    (None, "Mailbox quota exceeded", False),
    (None, "The recipient's user unknown", True),
    (None, "Something went wrong", False),
])
def test_severity(status, text, hard):
    assert severity(status=status, text=text)[0] is hard


def test_a_sentence_with_schrieb_is_not_a_quote_header():
    text = "Am Freitag passt es. Meine Kollegin schrieb mir dazu:\nSie kommt auch.\n"
    assert cut_history(text) == text
