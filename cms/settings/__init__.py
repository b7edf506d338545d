"""Dialogdesk settings: the only settings module, driven by the environment.

With no variables set it runs the embedded default: SQLite, a Celery broker on
the local filesystem, local media and a local mail outbox. Each integration is
switched on by one variable; once on, what it needs is required.

One module per concern, read in this order (later ones read earlier ones):
environment (paths, DEBUG, secret key, hosts), core (apps, middleware,
database, cache, logins, languages, logging), background (Celery, beat,
webhooks), mail (the delivery engine and contact imports), content (media,
Wagtail, API, press, newsletters) and security (headers, CSP).
"""

from .environment import *  # noqa: F401,F403
from .core import *  # noqa: F401,F403
from .background import *  # noqa: F401,F403
from .mail import *  # noqa: F401,F403
from .content import *  # noqa: F401,F403
from .security import *  # noqa: F401,F403
