"""Wagtail admin screens of outreach, one module per area; registered in outreach/wagtail_hooks.py."""
