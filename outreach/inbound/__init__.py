"""What comes back by mail: bounces (DSN, VERP), complaints (ARF), auto-replies, replies.

Pure functions over parsed mail, no database writes: mail (bytes -> one
InboundMail, parsed once, that everything else reads), reasons (why a
recipient failed, hard or soft), bounces and detectors (who failed), ses
(SES's JSON reports), classify (what kind of mail, which recipients failed how),
match (which Message it is about), replies (the new text of a reply); and
imap, the mailbox client of the IMAP poller (network, still no database). The
effects live in outreach.services.inbound, which every entry point (the
Postfix pipe command, IMAP polling, SES inbound) calls with the raw bytes.
"""
