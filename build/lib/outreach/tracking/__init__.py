"""Open and click tracking: signed per-message URLs (tokens.py) and the links of a rendered body (links.py).

The services that record what the URLs report are in outreach.services.tracking,
the public views in outreach.views.tracking.
"""
