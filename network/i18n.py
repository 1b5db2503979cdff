from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

UNPREFIXED_PATHS = (
    "/api/",
    "/admin/",
    "/documents/",
    "/healthz/",
    "/hsds/",
    "/static/",
    "/media/",
    "/robots.txt",
    "/sitemap.xml",
    "/sitemap-",
)

# Answers in the language the request negotiates (Accept-Language): category and language names, error messages.
LANGUAGE_NEGOTIATED_PATHS = ("/api/",)


class UnprefixedLocaleMiddleware(LocaleMiddleware):
    """Language-prefix redirects only for the public site.

    Wagtail's catch-all page route sits inside i18n_patterns, so Django would redirect any unknown /api/… or
    /admin/… path to /fr/api/…; those answer 404 as they are (rule 4: a missing object and another
    organisation's object look the same).
    """

    def process_response(self, request, response):
        if request.path_info.startswith(UNPREFIXED_PATHS):
            if request.path_info.startswith(LANGUAGE_NEGOTIATED_PATHS):  # a cache in front keeps one per language
                patch_vary_headers(response, ("Accept-Language",))
                response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)


def unprefixed_reverse(view_name: str, **kwargs) -> str:
    """A path without its language prefix (/referrals/…/): LocaleMiddleware sends each reader to their language."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(view_name, kwargs=kwargs)
    prefix = f"/{settings.LANGUAGE_CODE}/"
    return "/" + path.removeprefix(prefix) if path.startswith(prefix) else path
