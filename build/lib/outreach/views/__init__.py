"""Public views of outreach: no login, each authenticated by a signed token in its URL."""
