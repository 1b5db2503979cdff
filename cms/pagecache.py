"""The Wagtail events that change what anonymous visitors see: the page cache drops the site's pages at once.

Publishing, unpublishing, moving or deleting a page, and adding or removing a view restriction, change the page
itself and every list that shows it (the library and its searches, the feeds, the sitemap, advocacy pages):
the content group of the page cache moves on (network/pagecache/generations.py). Drafts change nothing public.
Translation syncs publish through Wagtail (page_published); visibility syncs call the cache themselves.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from network.pagecache.generations import CONTENT, public_pages_changed


def on_public_page_changed(sender: Any, **kwargs: Any) -> None:
    public_pages_changed(CONTENT)


def on_page_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Page) and instance.live:
        public_pages_changed(CONTENT)


def connect() -> None:
    page_published.connect(on_public_page_changed, dispatch_uid="pagecache.page_published")
    page_unpublished.connect(on_public_page_changed, dispatch_uid="pagecache.page_unpublished")
    post_page_move.connect(on_public_page_changed, dispatch_uid="pagecache.page_moved")
    post_delete.connect(on_page_deleted, dispatch_uid="pagecache.page_deleted")
    post_save.connect(on_public_page_changed, sender=PageViewRestriction, dispatch_uid="pagecache.restriction_saved")
    post_delete.connect(on_public_page_changed, sender=PageViewRestriction, dispatch_uid="pagecache.restriction_gone")
