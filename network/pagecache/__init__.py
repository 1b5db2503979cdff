"""The page cache for anonymous visitors: public pages kept in the shared cache, per language, and dropped at once
when what they show changes.

- `middleware.AnonymousPageCacheMiddleware` serves and stores the pages (before sessions, authentication and 2FA).
- `generations.public_pages_changed(...)` is what a write calls: it moves a group's generation in the shared cache,
  so every process stops serving the group's pages at once (no process memory is involved).
- `hits` lets an app count a page's views when the page is served from the cache (it no longer renders).

Docs: docs/caching.md (what is cached, the invalidation table, the reverse-proxy snippet).
"""
