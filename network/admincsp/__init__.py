"""The Wagtail admin under a strict Content Security Policy (docs/csp.md).

Wagtail 8.0.1 and wagtail-localize 1.14.5 still write a few inline scripts into the admin's pages: the inline panel
("Add attachment") and multiple chooser panel initialisers, the date, time and date-time pickers, every chooser
widget (page, document, image, snippet: `BaseChooser.render`), and two of wagtail-localize's screens. Under
`script-src 'self'` the browser blocks them and those controls do nothing.

This app gives exactly those scripts the request's CSP nonce (django-csp's `request.csp_nonce`), and the admin's
policy allows scripts carrying it: `script-src 'self' 'nonce-…'` under /admin/ only. Nothing else is nonced, so a
script injected into the admin's content still does not run; the public site keeps `script-src 'self'`. The admin
may also frame its own pages (`frame-src 'self'`), and Wagtail's previews may be framed by them (the preview panel).
"""
