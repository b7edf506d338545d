"""Solving an ALTCHA challenge as the widget does, for tests: find the number, send the payload back."""

import base64
import json

import altcha


def altcha_solve(challenge: dict) -> str:
    solution = altcha.solve_challenge(challenge=challenge["challenge"], salt=challenge["salt"],
                                      algorithm=challenge["algorithm"], max_number=challenge["maxnumber"])
    assert solution is not None, challenge
    return altcha_payload(challenge, number=solution.number)


def altcha_payload(challenge: dict, *, number: int) -> str:
    return base64.b64encode(json.dumps({
        "algorithm": challenge["algorithm"], "challenge": challenge["challenge"], "number": number,
        "salt": challenge["salt"], "signature": challenge["signature"],
    }).encode()).decode()
