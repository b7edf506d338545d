"""Writing a personalised MIME message as bytes, with the costly parts done once per locale.

Why not email.message.EmailMessage per recipient: for a 30 KB newsletter the
stdlib builds and serialises each message in about 3.5 ms, most of it in the
header registry (every header parsed back into objects, then folded again) and
in the pure-Python quoted-printable encoder. That was the largest cost of a
send. Here the structure is fixed (multipart/alternative of text and HTML,
inside multipart/mixed when there are attachments), so:

* attachments are encoded once per locale (MIME parts from the stdlib);
* each body is quoted-printable encoded by binascii.b2a_qp, the C encoder;
* headers are written through email.header / email.utils, which encode
  RFC 2047 words and fold, without the registry's parse-and-rebuild.

Boundaries cannot occur in the bodies: they contain "=_", and a
quoted-printable body writes every "=" as "=3D"; base64 has neither character.
Addresses with non-ASCII local parts would need SMTPUTF8, which this writer does
not produce: build_message refuses them (ValueError) and compose() takes the
stdlib path for them.

8bit (for a relay that offers 8BITMIME, RFC 6152): the bodies go as UTF-8 with no
transfer encoding at all, so nothing is encoded per recipient. SMTP allows lines
of at most 998 bytes, so a locale's HTML is wrapped once (wrap_html) only inside
tags (between attributes, before the closing ">"), where whitespace is not
content: the text reads back byte for byte. A part that still has a longer line
(a long text run or merge value, a plain-text line) goes quoted-printable in that
message, as does one that happens to contain its boundary, which is random and
secret but not escaped in 8bit.
"""

import binascii
import re
import secrets
from email.header import Header
from email.message import MIMEPart
from email.utils import formataddr

CRLF = b"\r\n"
_MAX_LINE = 76
MAX_8BIT_LINE = 998  # bytes without CRLF, RFC 5321 4.5.3.1.6
WRAP_AT = 200  # leaves room for merge values (an Art. 14 notice is several hundred bytes) on a line

# One token of a line of markup: a comment, a merge field, a tag (quotes respected), or text up to the next.
_TOKEN = re.compile(rb"<!--.*?(?:-->|\Z)|\{\{.*?\}\}|<[a-zA-Z/!](?:[^>\"']|\"[^\"]*\"|'[^']*')*>?|[^<{]+|[<{]", re.S)
_SPACE_OUTSIDE_QUOTES = re.compile(rb"\"[^\"]*\"|'[^']*'|( )")


def is_ascii(value: str) -> bool:
    return value.isascii()


def new_boundary(kind: str) -> str:
    return f"=_{kind}_{secrets.token_hex(12)}"


def _fold_ascii(name: str, value: str) -> str:
    # Greedy folding at spaces. Unlike email.header.Header, never before the first word:
    # a fold there would put a space at the start of the value (a long URL in List-Unsubscribe).
    lines, line = [], f"{name}:"
    for word in value.split(" "):
        if len(line) + 1 + len(word) > _MAX_LINE and line != f"{name}:":
            lines.append(line)
            line = ""
        line += " " + word
    return "\r\n".join([*lines, line])


def header_line(name: str, value: str) -> bytes:
    """One header, RFC 2047-encoded when it is not ASCII, folded at 76 characters where a space allows.
    An ASCII word longer than that stays whole (the hard limit is 998)."""
    if value.isascii():
        return _fold_ascii(name, value).encode("ascii") + CRLF
    encoded = Header(value, charset="utf-8", header_name=name, maxlinelen=_MAX_LINE).encode(linesep="\r\n")
    return f"{name}: {encoded}".encode("ascii") + CRLF


def address_header(name: str, display_name: str, email: str) -> bytes:
    if not email.isascii():
        raise ValueError(f"{email!r} needs SMTPUTF8")
    # formataddr quotes specials in ASCII names and encodes others as one RFC 2047 word;
    # a name is short, so the result stays within the 998-character line limit.
    return f"{name}: {formataddr((display_name or '', email), charset='utf-8')}".encode("ascii") + CRLF


def qp_body(text: str) -> bytes:
    """UTF-8, quoted-printable, CRLF line ends. istext keeps line breaks as they are; b2a_qp
    encodes trailing whitespace and wraps at 76 characters with soft line breaks."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    return binascii.b2a_qp(normalised, quotetabs=False, istext=True, header=False).replace(b"\n", CRLF)


def _break_points(line: bytes) -> list[tuple[int, bool]]:
    """Where this line of markup may be broken, as (position, replaces a space): at a space outside quotes
    in a tag, or before a tag's closing ">" (or "/>"), where a break is inserted. Whitespace there belongs
    to the tag, never to the content, so the page shows the same. Text is never broken: a space in
    text and a line break look alike only outside <pre> and white-space styles, and content should
    read back byte for byte."""
    points = []
    for token in _TOKEN.finditer(line):
        chunk, start = token.group(), token.start()
        if not chunk.startswith(b"<") or len(chunk) == 1 or chunk.startswith(b"<!"):
            continue  # text, a merge field, a comment (MSO conditionals), a doctype
        points += [(start + m.start(1), True) for m in _SPACE_OUTSIDE_QUOTES.finditer(chunk) if m.group(1)]
        if chunk.endswith(b">"):
            points.append((start + len(chunk) - (2 if chunk.endswith(b"/>") else 1), False))
    return sorted(points)


def _wrap_line(line: bytes, points: list[tuple[int, bool]], limit: int) -> bytes:
    pieces, start, index = [], 0, 0
    while len(line) - start > limit:
        # The last break point within reach; if none is, the first beyond it.
        best = None
        while index < len(points) and points[index][0] - start <= limit:
            if points[index][0] > start:
                best = points[index]
            index += 1
        if best is None:
            while index < len(points) and points[index][0] <= start:
                index += 1
            if index == len(points):
                break
            best = points[index]
            index += 1
        position, replaces = best
        pieces.append(line[start:position])
        start = position + 1 if replaces else position
    pieces.append(line[start:])
    return b"\n".join(pieces)


def wrap_html(html: str, *, limit: int = WRAP_AT) -> str:
    """html with line breaks inside tags where needed so lines stay within limit bytes (_break_points).
    Lines it cannot break (a long text run, a long comment) stay long; such a part goes quoted-printable."""
    data = html.encode("utf-8")
    if all(len(line) <= limit for line in data.split(b"\n")):
        return html
    return b"\n".join(_wrap_line(line, _break_points(line), limit) if len(line) > limit else line
                      for line in data.split(b"\n")).decode("utf-8")


def eight_bit_body(text: str, *, boundaries: tuple[str, ...]) -> bytes | None:
    """UTF-8 with CRLF line ends, or None when a line is longer than SMTP allows or a boundary occurs."""
    body = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8").replace(b"\n", CRLF)
    if any(boundary.encode("ascii") in body for boundary in boundaries):
        return None
    if max(map(len, body.split(CRLF))) > MAX_8BIT_LINE:
        return None
    return body


def _text_part(subtype: str, body: str | bytes, *, eight_bit: bool = False, boundaries: tuple[str, ...] = ()) -> bytes:
    """body: the text, or (bytes) a body already prepared for 8bit (outreach.delivery.eightbit)."""
    if isinstance(body, bytes):
        if not any(boundary.encode("ascii") in body for boundary in boundaries):
            encoded = body
        else:
            encoded, body = None, body.decode("utf-8").replace("\r\n", "\n")
    else:
        encoded = eight_bit_body(body, boundaries=boundaries) if eight_bit else None
    if encoded is not None:
        return (
            f"Content-Type: text/{subtype}; charset=\"utf-8\"\r\n"
            f"Content-Transfer-Encoding: {'7bit' if encoded.isascii() else '8bit'}\r\n\r\n"
        ).encode("ascii") + encoded
    return (
        f"Content-Type: text/{subtype}; charset=\"utf-8\"\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode("ascii") + qp_body(body)


def encode_attachment(part: MIMEPart) -> bytes:
    """A stdlib MIME part as bytes with CRLF line ends, for attaching to every message unchanged."""
    return part.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", CRLF)


def build_message(*, head: list[bytes], text: str | bytes, html: str | bytes, attachments: tuple[bytes, ...] = (),
                  boundaries: tuple[str, str], eight_bit: bool = False) -> bytes:
    """head: the header lines (each ending in CRLF) above the MIME headers.
    text, html: the bodies, or (bytes) bodies already prepared for 8bit by outreach.delivery.eightbit.
    boundaries: (alternative, mixed); the mixed one is used only with attachments.
    eight_bit: the relay takes 8bit bodies (8BITMIME); each part that fits goes unencoded."""
    alternative, mixed = boundaries
    alt_body = b"".join((
        b"--", alternative.encode(), CRLF, _text_part("plain", text, eight_bit=eight_bit, boundaries=boundaries), CRLF,
        b"--", alternative.encode(), CRLF, _text_part("html", html, eight_bit=eight_bit, boundaries=boundaries), CRLF,
        b"--", alternative.encode(), b"--", CRLF,
    ))
    alt_type = f'Content-Type: multipart/alternative; boundary="{alternative}"\r\n'.encode("ascii")
    chunks = [*head, b"MIME-Version: 1.0\r\n"]
    if not attachments:
        chunks += [alt_type, CRLF, alt_body]
        return b"".join(chunks)
    chunks += [f'Content-Type: multipart/mixed; boundary="{mixed}"\r\n'.encode("ascii"), CRLF,
               b"--", mixed.encode(), CRLF, alt_type, CRLF, alt_body]
    for attachment in attachments:
        chunks += [b"--", mixed.encode(), CRLF, attachment]
        if not attachment.endswith(CRLF):
            chunks.append(CRLF)
    chunks += [b"--", mixed.encode(), b"--", CRLF]
    return b"".join(chunks)
