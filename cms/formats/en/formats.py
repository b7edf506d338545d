"""English admin: also accept the day.month.year dates the page editor writes (WAGTAIL_DATE_FORMAT)."""

from django.conf.locale.en import formats as django_english

DATE_INPUT_FORMATS = ["%d.%m.%Y", *django_english.DATE_INPUT_FORMATS]
DATETIME_INPUT_FORMATS = ["%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", *django_english.DATETIME_INPUT_FORMATS]
