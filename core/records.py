"""Text that the system writes into records (ledger reasons, task reasons) is stored in the
product's language, whoever's browser language triggered the write: a record reads the same
for everyone and in every export."""

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation


@contextmanager
def record_language():
    with translation.override(settings.LANGUAGE_CODE):
        yield
