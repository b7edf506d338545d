"""Numbers as the admin's language writes them: "12,5 %" in German, "12.5 %" in English."""

from django.utils import formats
from django.utils.translation import gettext as _


def percent(value: float) -> str:
    """A rate in per cent, one decimal, in the active language's number format, with the sign."""
    return _("%(number)s %%") % {"number": formats.number_format(value, 1, use_l10n=True)}


def sending_rate(*, per_second: float, per_minute: float, window_seconds: int) -> str:
    """The recent sending rate: per minute while below one a second (0.1/s reads as nothing), else per second."""
    if per_second >= 1:
        return _("%(rate)s messages per second (last %(seconds)s s)") % {
            "rate": formats.number_format(per_second, 1, use_l10n=True), "seconds": window_seconds}
    return _("%(rate)s messages per minute (last %(seconds)s s)") % {
        "rate": formats.number_format(per_minute, 0 if per_minute >= 10 or per_minute == int(per_minute) else 1,
                                      use_l10n=True),
        "seconds": window_seconds}
