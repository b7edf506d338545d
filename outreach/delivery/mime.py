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
"""

import binascii
import secrets
from email.header import Header
from email.message import MIMEPart
from email.utils import formataddr

CRLF = b"\r\n"
_MAX_LINE = 76


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


def _text_part(subtype: str, body: str) -> bytes:
    return (
        f"Content-Type: text/{subtype}; charset=\"utf-8\"\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode("ascii") + qp_body(body)


def encode_attachment(part: MIMEPart) -> bytes:
    """A stdlib MIME part as bytes with CRLF line ends, for attaching to every message unchanged."""
    return part.as_bytes().replace(b"\r\n", b"\n").replace(b"\n", CRLF)


def build_message(*, head: list[bytes], text: str, html: str, attachments: tuple[bytes, ...] = (),
                  boundaries: tuple[str, str]) -> bytes:
    """head: the header lines (each ending in CRLF) above the MIME headers.
    boundaries: (alternative, mixed); the mixed one is used only with attachments."""
    alternative, mixed = boundaries
    alt_body = b"".join((
        b"--", alternative.encode(), CRLF, _text_part("plain", text), CRLF,
        b"--", alternative.encode(), CRLF, _text_part("html", html), CRLF,
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
