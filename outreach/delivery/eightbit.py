"""A body for a relay with 8BITMIME, prepared once per locale: per recipient only the merge values are encoded.

mime.eight_bit_body takes a rendered body and, for every message, turns its line
ends into CRLF, encodes it as UTF-8 and splits it into lines to find one longer
than SMTP allows: for a 30 KB newsletter about a tenth of the engine's CPU per
message, all of it on text that is the same for every recipient. Here each
literal of the compiled template is encoded once, with its first, last and
longest line measured, so per recipient only the values are encoded and the
lines that hold a value are measured. The result is byte for byte what
eight_bit_body gives for the rendered text (tests/outreach/test_eightbit_body.py).

render() answers None where the per-locale shortcut does not apply (a carriage
return anywhere, which eight_bit_body would merge across a join, or a line over
the limit): the caller then takes mime's general path, which also decides
between 8bit and quoted-printable.
"""

from outreach.delivery.mime import CRLF, MAX_8BIT_LINE
from outreach.rendering import CompiledTemplate


def _measure(data: bytes) -> tuple[int, int, int, bool]:
    """(bytes before the first line end, after the last, longest line between, whether there is a line end)."""
    if b"\n" not in data:
        return len(data), len(data), 0, False
    lines = data.split(b"\n")
    return len(lines[0]), len(lines[-1]), max(map(len, lines[1:-1]), default=0), True


class EightBitTemplate:
    """A compiled template (literals at even positions, field names at odd) as UTF-8 with CRLF line ends."""

    def __init__(self, compiled: CompiledTemplate):
        literals = compiled.parts[0::2]
        self.names = compiled.parts[1::2]
        self.usable = not any("\r" in literal for literal in literals)
        encoded = [literal.encode("utf-8") for literal in literals]
        self.shapes = [_measure(data) for data in encoded]
        self.literals = [data.replace(b"\n", CRLF) for data in encoded]

    def render(self, values: dict[str, str]) -> bytes | None:
        if not self.usable:
            return None
        pieces, line = [], 0  # bytes on the line being written so far
        names, count = self.names, len(self.names)
        for index, literal in enumerate(self.literals):
            first, last, longest, breaks = self.shapes[index]
            if breaks:
                if line + first > MAX_8BIT_LINE or longest > MAX_8BIT_LINE:
                    return None
                line = last
            else:
                line += first
            pieces.append(literal)
            if index == count:
                break
            value = values[names[index]]
            if "\r" in value:
                return None
            data = value.encode("utf-8")
            first, last, longest, breaks = _measure(data)
            if breaks:
                if line + first > MAX_8BIT_LINE or longest > MAX_8BIT_LINE:
                    return None
                line = last
                data = data.replace(b"\n", CRLF)
            else:
                line += first
            pieces.append(data)
        if line > MAX_8BIT_LINE:
            return None
        return b"".join(pieces)
