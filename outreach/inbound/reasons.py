"""Why a recipient failed, in a fixed vocabulary (outreach.models.BounceReason), and whether that is hard.

A reason is derived, in this order, from what the failure report says about the recipient:

1. the diagnostic text: the remote server's reply and the report's prose. The wording is the most
   specific source (a 5.7.1 may be a spam verdict, a blocklist or a disabled mailbox; a 550 anything).
   The patterns are grouped per reason below, written from the protocol texts (RFC 3463, RFC 5321,
   RFC 7505 null MX, RFC 7372 auth codes) and the documented replies of the MTAs and large providers
   (Postfix, Sendmail, Exim, qmail, Exchange/Office 365 NDR codes, Gmail's and Yahoo's SMTP error
   references, Apple iCloud, GMX/Web.de/1&1, T-Online, Orange, Mail.ru, QQ, Japanese carriers), in
   their languages where a provider answers in one;
2. the enhanced status code (RFC 3463), where its subject and detail name a reason (X.1.1 bad
   mailbox, X.2.2 mailbox full, X.7.26 failed authentication ...);
3. the SMTP reply code (RFC 5321), where it is specific (452/552 storage, 421 service not available);
4. the Action field ("delayed", or the non-standard "expired") and the prose of a report that gave up.

Hard or soft follows from the reason: hard only for the address-is-gone reasons, and only when the
failure is permanent (not a delay, not a 4.x.x / 4xx). The sender-reputation reasons never count
toward suppressing the recipient: the address is fine, our mail was not.
"""

import re
from dataclasses import dataclass

from outreach.models.mailings import BounceReason as R

HARD_REASONS = frozenset({R.USER_UNKNOWN, R.HOST_UNKNOWN, R.HAS_MOVED, R.NOT_ACCEPT})
# A refusal of our mail, not of the address: shown on the report as a reputation/spam problem.
SENDER_REPUTATION_REASONS = frozenset({R.FILTERED, R.BLOCKED, R.POLICY, R.SPAM_DETECTED, R.AUTHENTICATION_FAILURE})


def _any(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Provider and MTA wordings whose meaning differs from the words they use, checked before the general
# patterns below. Each documented by the provider/MTA named.
PRIORITY_PATTERNS: list[tuple[str, re.Pattern]] = [
    # Office 365 Directory-Based Edge Blocking: 550 5.4.1 "Recipient address rejected: Access denied" means
    # the recipient does not exist in the tenant (Microsoft's NDR reference for 5.4.1).
    (R.USER_UNKNOWN, _any(r"5\.4\.1 .{0,80}recipient address rejected: access denied")),
    # Outlook.com/Hotmail: "the domain is not reachable. Please check the domain" for a domain without MX.
    (R.HOST_UNKNOWN, _any(r"domain is not reachable", r"host \S+ not found", r"unrouteable domain",
                          # Exim/Sendmail relaying a "<domain> does not exist" (a bare domain, no local part).
                          r"(?<![@\w.-])(?:[a-z0-9-]+\.)+[a-z]{2,} does not exist")),
    # Postfix: "Host not found, try again" is the resolver's TRY_AGAIN (a DNS failure), not NXDOMAIN.
    (R.NETWORK_ERROR, _any(r"host not found, try again", r"temporary failure in name resolution")),
    # Exim (RFC 7505 null MX): "an MX or SRV record indicated no SMTP service".
    (R.NOT_ACCEPT, _any(r"indicated no SMTP service", r"null MX", r"does not accept (?:e-?)?mail")),
    # Local delivery agents (Postfix/Sendmail pipe, procmail, maildrop): a broken program on their side.
    (R.SYSTEM_ERROR, _any(r"\b(?:procmail|maildrop|dovecot-lda|deliver|cyrus)\b[^:]{0,20}:", r"command died with",
                          r"mailer error", r"internal (?:system|server) error", r"unknown mailer error")),
    # The sender refused, not the recipient (Sendmail, Postfix, Exim: "Domain of sender address ... does not
    # exist", "Sender address rejected"): the problem is ours, told at MAIL FROM.
    (R.POLICY, _any(r"domain of sender address", r"sender (?:address|domain) (?:rejected|refused|denied|invalid|unknown|does not)",
                    r"sender verify failed", r"unverified sender", r"sender domain .{0,30}(?:not found|invalid|unknown|does not)")),
    # Google Groups: "the group you tried to contact may not exist, or you may not have permission to post"
    # (in the sender's language).
    (R.POLICY, _any(r"(?:may not|don't|do not) have (?:the )?permission to post", r"erforderlichen Berechtigungen",
                    r"permission to post messages to the group", r"pas autorisé à (?:lui )?envoyer")),
    # Facebook / Yahoo: refused by the recipient's own settings.
    (R.FILTERED, _any(r"recipient(?:'s)? preferences", r"refused due to recipient")),
]

# Checked in this order: the first reason whose pattern matches wins. More specific verdicts come first
# (a "user unknown" inside a spam-filter notice is rare; a blocklist notice that mentions "mailbox" is not).
TEXT_PATTERNS: list[tuple[str, re.Pattern]] = [
    (R.AUTHENTICATION_FAILURE, _any(
        r"\b(?:spf|dkim|dmarc)\b.{0,60}\b(?:fail|check|policy|reject|not pass|validation|alignment|authentic)",
        r"\b(?:fail|failed|reject\w*|did not pass|unauthenticated)\b.{0,40}\b(?:spf|dkim|dmarc)\b",
        r"sender policy framework", r"domain-based message authentication",
        r"unauthenticated (?:email|mail|sender)", r"not authenticated", r"authentication (?:is )?required.{0,40}(?:sender|domain)",
        r"message (?:is )?not (?:properly )?authenticated", r"5\.7\.2[3-7]\b",
        r"(?:doesn't|does not) meet the required authentication level",
    )),
    (R.RELAYING_DENIED, _any(
        r"relay(?:ing)? (?:access )?(?:denied|not permitted|not allowed|prohibited)", r"unable to relay", r"we do not relay",
        r"not (?:permitted|allowed) to relay", r"no relaying", r"relay access", r"cannot relay", r"open relay",
    )),
    (R.SPAM_DETECTED, _any(
        r"\bspam\b(?! ?(?:house|cop|haus))", r"\bjunk ?mail\b", r"unsolicited (?:bulk |commercial )?(?:e-?mail|mail|message)",
        r"\bUBE\b", r"\bUCE\b", r"bulk e-?mail", r"content (?:was )?(?:rejected|filtered|blocked|not accepted)",
        r"message content (?:rejected|not accepted)", r"suspicious (?:content|message|url|link)",
        r"\bvirus\b", r"\bmalware\b", r"infected", r"\bphish", r"contains? (?:a )?(?:banned|forbidden|prohibited)",
        r"message (?:was )?(?:rejected|blocked) (?:because|as) it (?:looks|appears)",
        r"our system has detected that this message is", r"likely (?:unsolicited|suspicious)",
        r"scored? (?:too high|above)", r"bad reputation of (?:the )?(?:content|url)",
        r"Spamverdacht", r"als spam", r"pourriel", r"垃圾邮件", r"迷惑メール", r"спам",
    )),
    (R.BLOCKED, _any(
        r"block ?list", r"black ?list", r"\bblocked\b", r"\bbanned\b", r"\bdenylist",
        r"\b(?:spamhaus|spamcop|sorbs|barracuda|cbl\.abuseat|uceprotect|dnsbl|\brbl\b|proofpoint|cloudmark|senderscore|mailspike)",
        r"\bRBL\b", r"listed (?:at|on|in|by) .{0,40}(?:\bbl\b|rbl|block|black|spam|dnsbl|list)", r"(?:poor|bad|low) (?:ip |sender |domain )?reputation",
        r"reputation", r"access denied", r"client host rejected", r"connection (?:refused|rejected) .{0,30}(?:policy|ip)",
        r"(?:ip|host|sender|client|domain)(?: address)? (?:\S+ )?(?:is |has been )?(?:blocked|rejected|refused|denied|not allowed|blacklisted)",
        r"reverse (?:dns|lookup)|\bPTR\b|rDNS|no (?:reverse|rev) ?dns|cannot find your hostname|hostname (?:does not|doesn't) resolve",
        r"not allowed to send", r"administrative prohibition", r"too many (?:bad|invalid) recipients",
        r"554 5\.7\.1 .{0,20}service unavailable", r"refused to talk to me", r"\bIB\d{3}\b",
        r"abgelehnt .{0,30}(?:IP|Absender)", r"gesperrt.{0,20}(?:IP|Absender)", r"refus(?:é|e) pour des raisons",
    )),
    (R.TOO_MANY_CONNECTIONS, _any(
        r"too many (?:connections|concurrent|simultaneous|sessions|smtp sessions)", r"connection (?:rate|limit) (?:limit )?exceeded",
        r"too many (?:messages|mails|e-?mails) (?:from|in|per)", r"too many hops?", r"concurrent connections? limit",
    )),
    (R.RATE_LIMITED, _any(
        r"rate ?limit", r"sending (?:rate|limit|quota) exceeded", r"too (?:fast|frequent)", r"throttl",
        r"(?:hourly|daily|message) (?:sending )?limit", r"try again later.{0,30}(?:rate|volume)", r"temporarily deferred.{0,40}(?:volume|rate|unusual)",
        r"unusual (?:rate|volume)", r"receiving mail at a rate", r"\bTS0[1-4]\b", r"\bTSS0\d\b", r"\b4\.7\.28\b",
        r"exceeded the (?:rate|number of (?:messages|recipients))", r"too many recipients",
    )),
    (R.SUSPENDED, _any(
        r"(?:account|mailbox|user|address|recipient)(?: \S+)? (?:is |has been )?(?:disabled|suspended|deactivated|inactive|locked|blocked|frozen|expired|closed)",
        r"(?:disabled|suspended|inactive|deactivated|locked|frozen) (?:account|mailbox|user|recipient)",
        r"mailbox (?:is )?(?:currently )?not (?:active|enabled)", r"temporarily (?:disabled|suspended|unavailable)",
        r"is not (?:currently )?accepting (?:mail|messages)", r"account (?:is )?(?:not|no longer) (?:active|available)",
        r"Postfach (?:ist )?(?:gesperrt|deaktiviert|nicht aktiv)", r"compte (?:désactivé|suspendu|bloqué)",
        r"заблокирован", r"отключен",
    )),
    (R.MAILBOX_FULL, _any(
        r"mailbox (?:is )?full", r"over ?quota", r"quota (?:exceeded|exceed|full|is full)", r"exceed\w* .{0,30}quota",
        r"(?:mailbox|mail ?box|inbox|disk|storage) (?:size )?(?:limit|space)? ?(?:exceeded|full|is full)",
        r"insufficient (?:system )?storage", r"out of (?:storage|disk|space)", r"not enough (?:storage|space)",
        r"has exceeded (?:the|his|her|its) (?:storage|mailbox|quota)", r"storage (?:space )?(?:exceeded|full)",
        r"user has no (?:space|room)", r"mailbox has exceeded", r"would exceed .{0,20}(?:quota|size)",
        r"Postfach (?:ist )?(?:voll|überfüllt)", r"Speicherplatz", r"Quota überschritten",
        r"boîte (?:aux lettres |mail )?(?:est )?pleine", r"casella (?:di posta )?piena", r"buzón lleno",
        r"переполнен", r"容量", r"メールボックスが一杯",
    )),
    (R.MESSAGE_TOO_BIG, _any(
        r"message (?:is |was )?too (?:big|large|long)", r"message size (?:exceeds|too|limit)", r"size (?:limit )?exceeded",
        r"exceeds? (?:the )?(?:\w+ )?(?:maximum |max )?(?:message )?size", r"message (?:length|size) exceeds",
        r"mail too large", r"too large", r"Nachricht (?:ist )?zu groß",
    )),
    (R.HAS_MOVED, _any(
        r"has moved", r"no longer (?:with|at|works?)", r"moved to", r"address (?:has )?changed", r"new (?:e-?mail )?address is",
        r"user has moved", r"please (?:update|use) (?:your|the) (?:address|records)",
    )),
    (R.NOT_ACCEPT, _any(
        r"null MX", r"does not accept (?:e-?)?mail", r"(?:domain|host) (?:does not|doesn't) (?:accept|receive) (?:e-?)?mail",
        r"not accepting (?:any )?mail", r"accepts no mail", r"no mail (?:is )?accepted",
    )),
    (R.HOST_UNKNOWN, _any(
        r"host (?:or domain name )?(?:not found|unknown)", r"unknown host", r"no such (?:domain|host)", r"domain (?:not found|unknown|does not exist|doesn't exist|is invalid)",
        r"unknown domain", r"unrouteable (?:mail )?domain", r"no (?:mx|mail exchanger|valid mx|dns) (?:record|host|entry)",
        r"name service error", r"host name lookup failure", r"nxdomain", r"domain name not found", r"name or service not known",
        r"Domain (?:existiert nicht|nicht gefunden|unbekannt)", r"nom de domaine (?:inexistant|inconnu)",
        r"unrouteable address", r"mail for \S+ loops back to myself", r"not our customer", r"domain isn't in my list of allowed rcpthosts",
        r"relay not permitted.{0,30}domain", r"could not be resolved",
    )),
    (R.USER_UNKNOWN, _any(
        r"user unknown", r"unknown user", r"unknown (?:or illegal )?(?:local[- ])?(?:recipient|user|mailbox|alias|address)",
        r"no such (?:user|mailbox|recipient|address|person|account|local user)", r"(?:user|recipient|mailbox|address|account)(?: name)? (?:\S+ )?(?:is )?(?:not found|not known|unknown|invalid|not listed|does ?n[o']t exist|not exist)",
        r"does ?n[o']t exist", r"does not have an? .{0,30}account", r"doesn't have an? .{0,40}account", r"not a (?:known|valid) (?:user|recipient|mailbox|address)",
        r"invalid (?:recipient|mailbox|address|user)", r"recipient address rejected\s*\.?\s*(?:$|\()",
        r"mailbox (?:not found|unavailable|does not exist|name not allowed|not available)", r"no mailbox here",
        r"not listed in (?:domino directory|public name & address book)", r"not (?:a )?registered", r"no longer (?:exists|available|valid|active)",
        r"email account that you tried to reach does not exist", r"recipient not found", r"not our user",
        r"bad (?:destination )?(?:mailbox )?address", r"address (?:is )?(?:unknown|invalid)", r"invalid (?:user )?address",
        r"unbekannte?r? (?:Empfänger|Benutzer|Adresse|Nutzer)", r"existiert nicht", r"Empfänger(?:adresse)? (?:nicht|unbekannt)",
        r"nicht vorhanden", r"utilisateur inconnu", r"adresse (?:inconnue|inexistante|invalide)", r"destinataire inconnu",
        r"n'existe pas", r"utente (?:sconosciuto|inesistente)", r"usuario (?:desconocido|inexistente)", r"no existe",
        r"gebruiker onbekend", r"нет такого", r"не существует", r"宛先不明", r"存在しない", r"用户不存在", r"收件人不存在",
    )),
    (R.FILTERED, _any(
        r"\bfilter", r"rejected by (?:the )?recipient", r"recipient (?:has )?(?:rejected|refused|blocked) ", r"sender (?:is )?(?:not )?(?:on|in) .{0,20}(?:allow|white|safe)",
        r"not (?:on|in) (?:the )?(?:allow|white) ?list", r"(?:only|restricted to) (?:accepts?|receives?) .{0,30}from", r"does not accept mail from",
        r"(?:refused|rejected) by (?:the )?(?:recipient|user|domain)", r"message rejected by (?:the )?(?:mail system|recipient)",
        r"access to this mailbox (?:is )?(?:restricted|denied)", r"recipient (?:is )?(?:restricted|not authorized)",
        r"this message-rejected-by-the-domain-filter", r"受信拒否", r"指定拒否",
    )),
    (R.POLICY, _any(
        r"policy", r"not (?:accepted|permitted) for .{0,20}reasons", r"message (?:not accepted|refused|rejected)",
        r"sender (?:address )?(?:rejected|refused|denied|verify failed)", r"rejected by (?:the )?(?:server|mta)", r"not compliant",
        r"RFC ?(?:822|2822|5322|5321)", r"malformed|header (?:syntax|error)", r"Message-ID", r"header .{0,20}(?:invalid|missing)",
        r"domain of sender address .{0,30}(?:does not|doesn't) (?:exist|resolve)", r"sender domain .{0,30}(?:not found|invalid|unknown)",
        r"Richtlinie", r"politique",
    )),
    (R.SECURITY_ERROR, _any(
        r"\bTLS\b", r"STARTTLS", r"certificate", r"\bSSL\b", r"encryption (?:required|needed)", r"secure connection",
        r"must issue a STARTTLS", r"authentication required", r"auth(?:entication)? (?:mechanism|credentials)", r"5\.7\.(?:0|8|9|10|11)\b",
    )),
    (R.NETWORK_ERROR, _any(
        r"connection (?:timed out|time-?out|refused|reset|lost|closed|dropped)", r"timed out", r"time-?out",
        r"network (?:error|is unreachable|unreachable)", r"no route to host", r"host (?:is )?unreachable", r"lost connection",
        r"could not connect", r"unable to connect", r"can't connect", r"cannot connect", r"connect to .{0,80} failed",
        r"routing (?:error|issue|loop)", r"mail (?:loop|loops)", r"loop(?:s)? back to", r"hop count exceeded", r"too many hops",
        r"name server (?:timeout|failure)", r"dns (?:error|failure|timeout|lookup failure)", r"temporary (?:dns|lookup) failure",
        r"broken pipe", r"premature end", r"remote protocol error", r"protocol violation",
    )),
    (R.EXPIRED, _any(
        r"delivery time expired", r"retry (?:time|timeout) (?:not )?(?:reached|exceeded)", r"could not be delivered (?:for|within) \d+",
        r"(?:queued|deferred) (?:for|too long)", r"message (?:has been )?(?:expired|timed out)", r"(?:gave|giving|give) up",
        r"expired", r"too long in (?:the )?queue", r"undeliverable for .{0,20}(?:days|hours)", r"unable to deliver .{0,20}for \d+",
        r"maximum (?:queue|retry) (?:time|lifetime)", r"Zustellfrist", r"nicht innerhalb",
    )),
    (R.SYSTEM_ERROR, _any(
        r"system (?:error|failure|not accepting|busy|config)", r"internal (?:server )?error", r"server (?:error|busy|configuration)",
        r"local (?:error|configuration|problem)", r"service (?:not available|unavailable|temporarily unavailable)",
        r"command (?:died|failed|not (?:recognized|implemented))", r"mailer (?:error|failure)", r"unknown mailer",
        r"syntax error", r"out of memory", r"i/o error", r"resources temporarily unavailable", r"try again later",
        r"temporary (?:local )?(?:failure|problem|error)", r"configuration error", r"duplicate(?:d)? message-?id", r"loop alert",
        r"exit (?:status|code) \d+", r"procmail", r"pipe to", r"delivery to (?:the )?(?:file|program)",
    )),
]

# RFC 3463 (and the codes registered after it) by class-free "subject.detail": the reasons the codes name.
STATUS_REASONS: dict[str, str] = {
    "1.1": R.USER_UNKNOWN, "1.2": R.HOST_UNKNOWN, "1.3": R.USER_UNKNOWN, "1.4": R.USER_UNKNOWN,
    "1.5": R.USER_UNKNOWN, "1.6": R.HAS_MOVED, "1.7": R.POLICY, "1.8": R.POLICY, "1.10": R.NOT_ACCEPT,
    "2.0": R.SUSPENDED, "2.1": R.SUSPENDED, "2.2": R.MAILBOX_FULL, "2.3": R.MESSAGE_TOO_BIG, "2.4": R.SYSTEM_ERROR,
    "3.0": R.SYSTEM_ERROR, "3.1": R.MAILBOX_FULL, "3.2": R.SYSTEM_ERROR, "3.3": R.SYSTEM_ERROR,
    "3.4": R.MESSAGE_TOO_BIG, "3.5": R.SYSTEM_ERROR,
    "4.0": R.NETWORK_ERROR, "4.1": R.NETWORK_ERROR, "4.2": R.NETWORK_ERROR, "4.3": R.NETWORK_ERROR,
    "4.4": R.HOST_UNKNOWN, "4.5": R.TOO_MANY_CONNECTIONS, "4.6": R.NETWORK_ERROR, "4.7": R.EXPIRED,
    "5.0": R.SYSTEM_ERROR, "5.1": R.SYSTEM_ERROR, "5.2": R.SYSTEM_ERROR, "5.3": R.RATE_LIMITED, "5.4": R.SYSTEM_ERROR,
    "5.5": R.SYSTEM_ERROR, "5.6": R.SECURITY_ERROR,
    "6.0": R.POLICY, "6.1": R.POLICY, "6.2": R.POLICY, "6.3": R.POLICY, "6.4": R.POLICY, "6.5": R.POLICY,
    "7.1": R.BLOCKED, "7.2": R.POLICY, "7.3": R.SECURITY_ERROR, "7.4": R.SECURITY_ERROR, "7.5": R.SECURITY_ERROR,
    "7.6": R.SECURITY_ERROR, "7.7": R.SECURITY_ERROR, "7.8": R.SECURITY_ERROR, "7.9": R.SECURITY_ERROR,
    "7.10": R.SECURITY_ERROR, "7.11": R.SECURITY_ERROR, "7.13": R.SUSPENDED, "7.14": R.SECURITY_ERROR,
    "7.15": R.SECURITY_ERROR, "7.16": R.MESSAGE_TOO_BIG, "7.17": R.SUSPENDED, "7.18": R.SUSPENDED,
    "7.19": R.SUSPENDED, "7.20": R.AUTHENTICATION_FAILURE, "7.21": R.AUTHENTICATION_FAILURE,
    "7.22": R.AUTHENTICATION_FAILURE, "7.23": R.AUTHENTICATION_FAILURE, "7.24": R.AUTHENTICATION_FAILURE,
    "7.25": R.BLOCKED, "7.26": R.AUTHENTICATION_FAILURE, "7.27": R.NOT_ACCEPT, "7.28": R.RATE_LIMITED,
    "7.29": R.AUTHENTICATION_FAILURE, "7.30": R.AUTHENTICATION_FAILURE,
}
# Office 365's extended codes (5.4.312 ... 5.4.317: DNS/network; 5.7.606-649: banned IP; 5.7.7xx: tenant
# blocked; 5.1.8 the sender's own account blocked for spam): the three-digit details RFC 3463 leaves open.
_STATUS_PREFIX_REASONS = [("4.3", R.NETWORK_ERROR), ("7.6", R.BLOCKED), ("7.7", R.BLOCKED), ("7.5", R.BLOCKED),
                          ("1.10", R.NOT_ACCEPT)]

# RFC 5321 reply codes that name a reason on their own.
REPLY_REASONS = {"421": R.SYSTEM_ERROR, "422": R.MAILBOX_FULL, "450": R.SYSTEM_ERROR, "451": R.SYSTEM_ERROR,
                 "452": R.MAILBOX_FULL, "522": R.MAILBOX_FULL, "523": R.MESSAGE_TOO_BIG, "552": R.MAILBOX_FULL,
                 "553": R.USER_UNKNOWN, "554": R.SYSTEM_ERROR, "556": R.NOT_ACCEPT, "530": R.SECURITY_ERROR,
                 "535": R.SECURITY_ERROR, "538": R.SECURITY_ERROR}

ENHANCED_CODE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]?\d)")
REPLY_CODE = re.compile(r"(?<![\w.\-/])([245][0-5]\d)(?=[ \-:]|$)", re.MULTILINE)


# Which SMTP command the remote server refused, where the report says so: Postfix "(in reply to end of DATA
# command)", Exim "SMTP error from remote mail server after end of data", DragonFly "did not like our final
# DATA", Yahoo "... [RCPT_TO]". Not Sendmail's transcript: with PIPELINING its ">>> DATA" is followed by
# the replies to the RCPT TOs sent with it.
_STAGE = re.compile(
    r"in reply to (?:end of )?(?P<a>DATA|RCPT TO|MAIL FROM)|after (?:end of )?(?P<b>data|RCPT|MAIL FROM|MAIL)\b"
    r"|did not like our (?:final )?(?P<c>DATA|RCPT TO|MAIL FROM)|\[(?P<d>RCPT_TO|MAIL_FROM|DATA)\]",
    re.IGNORECASE,
)


def smtp_stage(text: str) -> str | None:
    """"DATA", "RCPT" or "MAIL": the command the refusal answered, when the report names it."""
    found = _STAGE.search(text or "")
    if not found:
        return None
    command = next(group for group in found.groups() if group).upper()
    return "DATA" if command.startswith("DATA") else ("MAIL" if command.startswith("MAIL") else "RCPT")


@dataclass(frozen=True)
class Verdict:
    reason: str
    hard: bool
    derived_from: str  # what the reason was read from, for the dry run and the record


def enhanced_code(text: str) -> str | None:
    found = ENHANCED_CODE.search(text or "")
    return ".".join(found.groups()) if found else None


def reply_code(text: str) -> str | None:
    """The SMTP reply code of a diagnostic ("550 5.1.1 ...", "smtp; 550-5.1.1", "said: 550")."""
    for found in REPLY_CODE.finditer(text or ""):
        if found.group(1)[0] in "45":
            return found.group(1)
    return None


def _status_reason(status: str) -> str | None:
    klass, subject, detail = status.split(".")
    if detail == "0" and subject != "2":
        return None  # X.Y.0 "other or undefined": says nothing beyond the class
    key = f"{subject}.{detail}"
    if key in STATUS_REASONS and len(detail) <= 2:
        return STATUS_REASONS[key]
    for prefix, reason in _STATUS_PREFIX_REASONS:
        if key.startswith(prefix) and len(detail) == 3:
            return reason
    return STATUS_REASONS.get(key)


def text_reason(text: str) -> str | None:
    for reason, pattern in PRIORITY_PATTERNS + TEXT_PATTERNS:
        if pattern.search(text):
            return reason
    return None


def verdict(*, status: str | None, code: str | None, diagnostic: str, action: str = "failed",
            prose: str = "", context: str = "") -> Verdict:
    """The reason and hard/soft of one failed recipient. diagnostic: the remote server's words about this
    recipient; prose: the rest of the report (read only when the diagnostic names no reason); context:
    the report's text around this recipient (read for the SMTP command that was refused)."""
    diagnostic = " ".join((diagnostic or "").split())[:4000]
    status = status or enhanced_code(diagnostic)
    code = code or reply_code(diagnostic)
    reason, source = None, ""
    if found := text_reason(diagnostic):
        reason, source = found, "diagnostic text"
    elif status and (found := _status_reason(status)):
        reason, source = found, f"status {status}"
    elif code and code in REPLY_REASONS:
        reason, source = REPLY_REASONS[code], f"SMTP reply {code}"
    elif prose and (found := text_reason(" ".join(prose.split())[:4000])):
        reason, source = found, "report text"
    elif action in ("delayed", "expired"):
        reason, source = R.EXPIRED, f"Action: {action}"
    else:
        reason, source = R.UNDEFINED, "nothing specific"
    stage = smtp_stage(diagnostic) or smtp_stage(context)
    if reason in (R.USER_UNKNOWN, R.HOST_UNKNOWN) and stage == "MAIL":
        # Refused at MAIL FROM: the words are about our sender address, not the recipient.
        reason, source = R.POLICY, f"{source}, refused at MAIL FROM"
    elif reason == R.USER_UNKNOWN and stage == "DATA":
        # The address passed RCPT TO; a "user unknown" after DATA is a filter's verdict on the message.
        reason, source = R.FILTERED, f"{source}, refused after DATA"
    elif reason == R.USER_UNKNOWN and status and (status[2:] == "2.0" or status.split(".")[1] == "7"):
        # The wording says unknown user but the code says mailbox status, mail system or policy: the two
        # disagree, and a hard bounce needs them to agree (carriers' domain filters answer like this).
        reason, source = R.FILTERED, f"{source}, but status {status} is no address status"
    temporary = action in ("delayed", "expired") or (status or "").startswith("4") or (
        not status and (code or "").startswith("4"))
    hard = reason in HARD_REASONS and not temporary
    if status and code:
        source += f" (status {status}, reply {code})" if not source.startswith("status") else f", reply {code}"
    elif status and not source.startswith("status"):
        source += f" (status {status})"
    elif code and not source.startswith("SMTP"):
        source += f" (reply {code})"
    if action != "failed":
        source += f", Action: {action}"
    return Verdict(reason=str(reason), hard=hard, derived_from=source)
