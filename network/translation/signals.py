"""Signals of the translation services, for the apps that keep something in step with translated content."""

from django.dispatch import Signal

# A page's translation (or alias) was created or updated by `translation_sync`/`translation_fill`, with any
# parent pages it needed; sent inside the service's transaction. Arguments: page.
translated_page_saved = Signal()
