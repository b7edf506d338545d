"""Failed recipients of a bounce, each with its reason, hard or soft, and where that was read.

Recipients come from the first of these sources that finds any (all read the one InboundMail):

1. RFC 3464 report fields: message/delivery-status parts, or report fields written into the text
   (InboundMail.delivery_status, tolerant of fields in the first block, a missing Action, "expired");
2. flufl.bounce's detectors (Exim, qmail, Yahoo, old Exchange, Postfix, SimpleMatch's long list of
   free-text formats), only for mail that presents itself as a bounce; it returns addresses only, so
   the code and wording next to each address are read from the text here;
3. our own detectors for what flufl.bounce lacks (outreach.inbound.detectors), the last of which is
   the catch-all for any mail that presents itself as a bounce.

The reason and hard/soft come from outreach.inbound.reasons.
"""

import re
from dataclasses import asdict, dataclass

from flufl.bounce import all_failures

from outreach.inbound import detectors
from outreach.inbound.mail import MAX_RECIPIENTS, InboundMail
from outreach.inbound.reasons import enhanced_code, reply_code, verdict

__all__ = ["FailedRecipient", "bounce_recipients", "enhanced_code", "looks_like_bounce", "severity", "written_as_bounce"]

_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster|post_master|mail-daemon|mailerdaemon|mail\.daemon|"
                            r"mdaemon|mailer|mail-notify|bounce[s]?|returns?)(@|$)", re.IGNORECASE)
_BOUNCE_SENDER_NAME = re.compile(r"mail delivery (system|subsystem)|mailer-daemon|postmaster", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (status|notification|failure|failed|has failed|problem|error)"
    r"|failure notice|mail delivery failed|returned mail|returned to sender|non[- ]?delivery|could not (be )?deliver"
    r"|mail system error|delivery failure|error sending|message not delivered|rejected:|permanent error"
    r"|unzustellbar|nicht zustellbar|fehlgeschlagen|non remis|no entregado|non recapitato|不達|エラー",
    re.IGNORECASE,
)
# A forwarded bounce ("Fwd: Returned mail") is still one; an out-of-office about delivery is not.
_FORWARDED = re.compile(r"^\s*(fwd?|wg|tr|fw):\s*", re.IGNORECASE)


@dataclass
class FailedRecipient:
    address: str | None
    status: str | None
    hard: bool
    action: str = "failed"  # failed, delayed (the MTA is still trying), or complaint
    diagnostic: str = ""
    reason: str = ""  # outreach.models.BounceReason
    derived_from: str = ""  # what the reason was read from
    reply_code: str | None = None
    found_by: str = ""  # which reader or detector found the recipient

    def as_dict(self) -> dict:
        return asdict(self)


def written_as_bounce(mail: InboundMail) -> bool:
    """A mail system's sender or a bounce subject: what an out-of-office (which has a null Return-Path too)
    does not have."""
    return bool(_BOUNCE_SENDER.match(mail.sender) or _BOUNCE_SENDER_NAME.search(mail.header("From"))
                or _BOUNCE_SUBJECT.search(_FORWARDED.sub("", mail.subject)) or mail.header("X-Failed-Recipients"))


def looks_like_bounce(mail: InboundMail) -> bool:
    return written_as_bounce(mail) or mail.header("Return-Path") == "<>"


def severity(*, status: str | None, text: str, action: str = "failed") -> tuple[bool, str]:
    """(hard, why) of one failure from its status and wording: the verdict's hard/soft and reason."""
    found = verdict(status=status, code=None, diagnostic=text, action=action)
    return found.hard, f"{found.reason} ({found.derived_from})"


def _address(value: str) -> str:
    """The address of a recipient field: "rfc822; user@example.org", "rfc822;<user@example.org>", or
    a file path or a pipe (local delivery), which is no address."""
    address = value.split(";", 1)[-1].strip().strip("<>").strip()
    return address.lower() if "@" in address and not address.startswith(("/", "|")) else ""


def _action(fields: dict) -> str:
    """RFC 3464 Action, with what real reports write instead: nothing (read from Status), "expired"
    (Sendmail variants), "error" (older Exchange)."""
    action = (fields.get("action") or "").lower().split(" ")[0].strip(";,.")
    if action in ("failed", "error", "failure"):
        return "failed"
    if action in ("delayed", "expired", "delivered", "relayed", "expanded"):
        return action
    status = enhanced_code(fields.get("status", ""))
    if status and status.startswith("2"):
        return "delivered"
    return "failed"


def _context(text: str, address: str, others: list[str] = ()) -> str:
    """The text from an address's first mention up to the next failed address (or 800 characters):
    where Postfix, Exim, qmail and Yahoo put that recipient's SMTP reply."""
    lowered = text.lower()
    start = lowered.find(address) if address else -1
    if start < 0:
        return ""
    ends = [start + 800] + [i for other in others if other != address
                            for i in [lowered.find(other, start + len(address))] if i > 0]
    return " ".join(text[start:min(ends)].split())


def _from_report(mail: InboundMail, *, presents_as_bounce: bool) -> list[FailedRecipient] | None:
    _per_message, blocks, where = mail.delivery_status
    if not blocks or (not mail.has_delivery_status_part and not presents_as_bounce):
        return None  # report fields quoted in a person's mail are no report
    found = []
    others = [_address(f.get("final-recipient", "")) for f in blocks]
    for fields in blocks:
        action = _action(fields)
        if action in ("delivered", "relayed", "expanded"):
            continue
        address = (_address(fields.get("original-recipient", "")) or _address(fields.get("final-recipient", ""))
                   or _address(fields.get("x-actual-recipient", "")))
        if not address:
            # A file path or a pipe (local delivery): the returned original says whom it was for.
            targets = [a for a in mail.original_recipients if a not in mail.original_senders]
            address = targets[0] if len(targets) == 1 else None
        diagnostic = fields.get("diagnostic-code", "").split(";", 1)[-1].strip()
        if not diagnostic or not re.search(r"[A-Za-z]{3}", diagnostic.replace("smtp", "")):
            diagnostic = f"{diagnostic} {_context(mail.report_text, address or '', others)}".strip()
        status = enhanced_code(fields.get("status", "")) or enhanced_code(diagnostic)
        code = reply_code(fields.get("diagnostic-code", "")) or reply_code(diagnostic)
        result = verdict(status=status, code=code, diagnostic=diagnostic,
                         action="delayed" if action == "delayed" else ("expired" if action == "expired" else "failed"),
                         prose=mail.report_text, context=_context(mail.report_text, address or "", others)
                         or mail.report_text)
        found.append(FailedRecipient(
            address=address, status=status, hard=result.hard,
            action="delayed" if action == "delayed" else "failed", diagnostic=diagnostic[:1000],
            reason=result.reason, derived_from=result.derived_from, reply_code=code, found_by=where))
    return found


def _failure(mail: InboundMail, address: str | None, diagnostic: str, found_by: str,
             action: str = "failed", single: bool = False) -> FailedRecipient:
    status, code = enhanced_code(diagnostic), reply_code(diagnostic)
    result = verdict(status=status, code=code, diagnostic=diagnostic, action=action, prose=mail.report_text,
                     context=mail.report_text if single else diagnostic)
    return FailedRecipient(address=address, status=status, hard=result.hard, action=action,
                           diagnostic=diagnostic[:1000], reason=result.reason, derived_from=result.derived_from,
                           reply_code=code, found_by=found_by)


def _from_flufl(mail: InboundMail) -> list[FailedRecipient]:
    try:
        temporary, permanent = all_failures(mail.message)
    except Exception:  # noqa: BLE001 - a detector tripping over a broken part is no reason to fail the mail
        return []
    permanent_set = {a.lower() for a in permanent}
    decoded = sorted({a.decode("ascii", "replace").lower() for a in temporary | permanent})
    # flufl.bounce's looser detectors also return Message-IDs and our own addresses from the quoted original.
    ours = mail.original_senders | {i.lower() for i in mail.original_message_ids}
    text = mail.report_text
    lowered = text.lower()
    decoded = sorted((a for a in decoded if "@" in a and a not in ours), key=lambda a: (lowered.find(a) % (len(text) + 1), a))
    decoded = decoded[:MAX_RECIPIENTS]
    found = []
    for address in decoded:
        context = _context(text, address, decoded) or (" ".join(text.split())[:1500] if len(decoded) == 1 else "")
        action = "failed" if address.encode() in permanent_set else "delayed"
        found.append(_failure(mail, address, context, "flufl.bounce", action, single=len(decoded) == 1))
    return found


def bounce_recipients(mail: InboundMail, *, presents_as_bounce: bool) -> tuple[list[FailedRecipient] | None, str]:
    """(failed recipients, which reader found them). None when the mail has a delivery report whose
    recipients were all delivered/relayed (a success report); [] when nothing was found."""
    report = _from_report(mail, presents_as_bounce=presents_as_bounce)
    if report is not None:
        return report, mail.delivery_status[2]
    if not presents_as_bounce:
        return [], ""
    if found := _from_flufl(mail):
        return found, "flufl.bounce"
    for name, detector in detectors.DETECTORS:
        if pairs := detector(mail):
            return [_failure(mail, address, diagnostic, name, single=len(pairs) == 1)
                    for address, diagnostic in pairs[:MAX_RECIPIENTS]], name
    pairs = detectors.generic(mail)
    return [_failure(mail, address, diagnostic, "generic", single=len(pairs) == 1)
            for address, diagnostic in pairs[:MAX_RECIPIENTS]], "generic"
