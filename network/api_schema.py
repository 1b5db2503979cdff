def keep_only_our_api(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: document our API only, not Wagtail's or wagtail-localize's."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
