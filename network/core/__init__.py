"""Plumbing every app's screens and API share: it imports no feature app, and every feature app may use it.

- `service_errors`: a service's ValidationError shown on a form (or a Wagtail admin form), or as an API error body.
- `responses`: the one 403 page.
"""
