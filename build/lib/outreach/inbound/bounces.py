"""Failed recipients of a bounce, each with its enhanced status code and whether the failure is hard.

Two sources, in this order:

* RFC 3464 message/delivery-status parts, read with the stdlib. flufl.bounce
  reads them too, but returns addresses only; the Status and Diagnostic-Code
  fields are what decide hard or soft, so we read the blocks ourselves.
* Everything else (Exim, qmail, Yahoo, old Exchange, SimpleMatch's long list
  of free-text formats) through flufl.bounce.all_failures. It finds the
  addresses; the status code and wording next to each address in the
  notification text are looked up here, because flufl.bounce has no notion of
  codes at all.

Hard or soft (severity) is hand-written too: no maintained library maps
RFC 3463 codes plus provider wording to a decision.
"""

import re
from dataclasses import asdict, dataclass

from flufl.bounce import all_failures

from outreach.inbound.parse import header, notification_text, sender_address

# RFC 3463: class.subject.detail, subject and detail up to three digits ("5.1.10" from Exchange).
ENHANCED_CODE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)")
# RFC 5321 reply code at the start of a reply line: "550 ", "550-" (multi-line), "554:" (Yahoo).
BASIC_CODE = re.compile(r"(?<![\d.])([45])\d\d(?=[ :-]|$)", re.MULTILINE)

HARD_WORDING = re.compile(
    r"user unknown|unknown user|unknown recipient|no such (user|mailbox|recipient|address|person)"
    r"|does ?n[o']t exist|no longer (exists|available)|(user|recipient|address|mailbox) not found"
    r"|not a valid (recipient|mailbox|address)|invalid (recipient|mailbox|address)"
    r"|recipient address rejected|no mailbox here|mailbox unavailable|account (is |has been )?disabled"
    r"|doesn't have an? .{0,40}account|unrouteable address|host or domain name not found"
    r"|domain (does not exist|not found)|no such domain"
    r"|unbekannte?r? (empfänger|benutzer|adresse)|existiert nicht|nicht vorhanden",
    re.IGNORECASE,
)
SOFT_WORDING = re.compile(
    r"mailbox (is )?full|over ?quota|quota (exceeded|überschritten)|exceeded .{0,30}quota"
    r"|insufficient (system )?storage|out of storage|storage (space )?exceeded|mailbox size limit"
    r"|try again later|temporar(il)?y|greylist|postfach (ist )?voll|speicherplatz",
    re.IGNORECASE,
)
# Gate for flufl.bounce's free-text heuristics: run them only on mail that says it is a bounce, so a
# person's reply quoting "could not be delivered" is never read as one.
_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (status notification|failure|failed|has failed|problem)"
    r"|failure notice|mail delivery failed|returned mail|returned to sender|non[- ]?delivery"
    r"|unzustellbar|nicht zustellbar|fehlgeschlagen",
    re.IGNORECASE,
)


@dataclass
class FailedRecipient:
    address: str
    status: str | None
    hard: bool
    action: str = "failed"  # RFC 3464 Action: failed, or delayed (the MTA is still trying)
    diagnostic: str = ""
    reason: str = ""  # why hard or soft

    def as_dict(self) -> dict:
        return asdict(self)


def looks_like_bounce(message) -> bool:
    return bool(
        _BOUNCE_SENDER.match(sender_address(message))
        or header(message, "Return-Path") == "<>"
        or header(message, "X-Failed-Recipients")
        or _BOUNCE_SUBJECT.search(header(message, "Subject"))
    )


def enhanced_code(text: str) -> str | None:
    match = ENHANCED_CODE.search(text or "")
    return ".".join(match.groups()) if match else None


def severity(*, status: str | None, text: str, action: str = "failed") -> tuple[bool, str]:
    """(hard, why). Conservative: only what says the address is gone counts as hard, because a hard
    bounce suppresses the address for good; anything doubtful is soft and suppressed after a few in a row."""
    if action == "delayed":
        return False, "delivery delayed, the remote system is still retrying"
    if SOFT_WORDING.search(text or ""):
        # Mailbox full, even as 5.2.2: RFC 3463 calls X.2.2 "a persistent transient failure".
        return False, "the wording says mailbox full, quota or try later"
    if status:
        klass, subject, detail = status.split(".")
        if klass == "4":
            return False, f"{status} is a temporary (4.x.x) status"
        if klass == "5":
            if subject == "2" and detail == "2":
                return False, f"{status}: mailbox full (RFC 3463: persistent transient)"
            if subject in ("3", "6", "7") and not HARD_WORDING.search(text or ""):
                # System, content and policy refusals (5.7.1 spam block, 5.3.4 too big) say nothing about
                # whether the address exists; one blocked campaign must not suppress good addresses.
                return False, f"{status}: the message was refused, not the address"
            return True, f"{status} is a permanent (5.x.x) status"
    basic = BASIC_CODE.search(text or "")
    if HARD_WORDING.search(text or ""):
        return True, "the wording says the address does not exist"
    if basic:
        hard = basic.group(1) == "5"
        return hard, f"SMTP reply {basic.group(0)} without an enhanced status code"
    return False, "no status code and no known wording: counted as soft"


def _dsn_address(value: str) -> str:
    # "rfc822; user@example.org", sometimes "rfc822;<user@example.org>" or no type at all.
    address = value.split(";", 1)[-1].strip().strip("<>").strip()
    return address.lower() if "@" in address else ""


def dsn_recipients(message) -> list[FailedRecipient] | None:
    """Per-recipient blocks of all message/delivery-status parts; None when the mail has no such part."""
    parts = [part for part in message.walk() if part.get_content_type() == "message/delivery-status"]
    if not parts:
        return None
    found = []
    for part in parts:
        blocks = part.get_payload() if part.is_multipart() else []
        for block in blocks[1:]:  # the first block is per-message (Reporting-MTA, Arrival-Date)
            action = header(block, "Action").lower().split(" ")[0]
            if action not in ("failed", "delayed", "error"):
                continue  # delivered, relayed, expanded: not a failure
            address = _dsn_address(header(block, "Original-Recipient")) or _dsn_address(
                header(block, "Final-Recipient"))
            if not address:
                continue
            diagnostic = header(block, "Diagnostic-Code").split(";", 1)[-1].strip()
            status = enhanced_code(header(block, "Status")) or enhanced_code(diagnostic)
            action = "delayed" if action == "delayed" else "failed"
            hard, why = severity(status=status, text=diagnostic, action=action)
            found.append(FailedRecipient(address=address, status=status, hard=hard, action=action,
                                         diagnostic=diagnostic[:1000], reason=why))
    return found


def _context(text: str, address: str, others: list[str]) -> str:
    """The notification text from an address's first mention up to the next failed address (or 800
    characters): where Exim, qmail and Yahoo put that recipient's SMTP reply."""
    lowered = text.lower()
    start = lowered.find(address)
    if start < 0:
        return ""
    end = min([start + 800] + [i for other in others if other != address
                               for i in [lowered.find(other, start + len(address))] if i > 0])
    return text[start:end]


def free_text_recipients(message) -> list[FailedRecipient]:
    """flufl.bounce's addresses, with the code and wording found next to each one."""
    temporary, permanent = all_failures(message)
    text = notification_text(message)
    # Stop before the copy of the original that Exim, qmail and Yahoo append to the text.
    for marker in ("------ This is a copy of the message", "--- Below this line is a copy of the message",
                   "--- Original message follows", "----- Original message -----"):
        text = text.split(marker, 1)[0]
    decoded = sorted({a.decode("ascii").lower() for a in temporary | permanent})
    found = []
    for address in decoded:
        context = _context(text, address, decoded) or (text if len(decoded) == 1 else "")
        is_temporary = address.encode() in {a.lower() for a in temporary}
        action = "delayed" if is_temporary and address.encode() not in {a.lower() for a in permanent} else "failed"
        status = enhanced_code(context)
        hard, why = severity(status=status, text=context, action=action)
        diagnostic = " ".join(context.split())[:1000]
        found.append(FailedRecipient(address=address, status=status, hard=hard, action=action,
                                     diagnostic=diagnostic, reason=why))
    return found
