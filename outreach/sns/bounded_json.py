"""JSON from outside, read with bounds: a body that is too large or nested too deeply is refused before
json.loads sees it.

json.loads recurses once per level of nesting, so "[[[[..." a few thousand levels deep ends in a
RecursionError (a 500) instead of a ValueError. The depth is counted first, outside string literals,
with two regular expressions and no recursion, so the cost is linear in the size of the body.
"""

import json
import re

# A string literal, escapes included (the "unrolled loop" form: no backtracking between alternatives).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class JSONRefused(ValueError):
    """Too large or too deeply nested to read; says which, never what the input was."""


def json_depth_exceeds(text: str, *, max_depth: int) -> bool:
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > max_depth:
            return True
    return False


def json_loads_bounded(data: bytes | str, *, max_bytes: int, max_depth: int):
    """json.loads, or JSONRefused for a body over max_bytes or nested over max_depth; ValueError for
    what is not JSON at all."""
    if len(data) > max_bytes:
        raise JSONRefused(f"larger than {max_bytes} bytes")
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    if json_depth_exceeds(text, max_depth=max_depth):
        raise JSONRefused(f"nested deeper than {max_depth} levels")
    try:
        return json.loads(text)
    except RecursionError as exc:  # cannot happen below the depth bound; a 400 rather than a 500 if it does
        raise JSONRefused("nested too deeply") from exc
