"""Date formats per admin language, beside Django's own (FORMAT_MODULE_PATH): only what differs."""
