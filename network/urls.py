from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.robots import robots_txt
from cms.sitemap import sitemap, sitemap_language
from network.accounts.views import admin_login, closed_screen
from network.health import healthz
from network.resources.views import serve_document, serve_media

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    # The pages an anonymous visitor may open, in every language (never a network-only one: see cms/sitemap.py).
    # An index of one sitemap per language, at the root (a sitemap lists only addresses below its own directory).
    path("sitemap.xml", sitemap, name="sitemap"),
    path("sitemap-<str:language>.xml", sitemap_language, name="sitemap_language"),
    path("robots.txt", robots_txt, name="robots_txt"),
    # Wagtail's own login would sign people in with a password alone: send them to allauth (two-factor) instead.
    path("admin/login/", admin_login, name="admin_login"),
    # wagtail-localize's URLs are in the admin's, each behind the access policy (network/translation/wagtail_hooks.py)
    # Wagtail's deliberate crash page ("failwhale") is not offered: any editor could fill the error reports with it.
    path("admin/failwhale/", closed_screen, name="admin_error_test_closed"),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document view, with our cache headers (never kept by a shared cache when restricted).
    re_path(r"^documents/(\d+)/(.*)$", serve_document),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("network.orgs.api_urls")),
    path("api/v1/", include("network.directory.api_urls")),
    path("api/v1/", include("network.referrals.api_urls")),
    path("api/v1/", include("network.advocacy.api_urls")),
    path("api/v1/", include("network.resources.api_urls")),
    path("api/v1/", include("network.observatory.api_urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("me/", include("network.accounts.urls")),
    path("referrals/", include("network.referrals.urls")),
    path("notifications/", include("network.notifications.urls")),
    path("", include("network.advocacy.calendar_urls")),
    path("advocacy/", include("network.advocacy.urls")),
    path("observatory/", include("network.observatory.urls")),
    # Wagtail's front-end login (private pages) would sign people in with a password alone: allauth instead.
    path("_util/login/", admin_login, name="frontend_login"),
    path("", include("network.resources.urls")),
    path("", include("network.orgs.urls")),
    path("", include("network.directory.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.SERVE_MEDIA:
    # Uploaded images for the demo (`make run`, DEBUG on or off); documents never (they go through serve_document).
    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_media)]

# The public directory in Open Referral HSDS 3.0, outside the language prefix (machine-readable, one address).
urlpatterns += [path("hsds/", include("network.directory.hsds_urls"))]

# A path no route matches answers JSON under /api/ (like the API's own 404s), the site's page elsewhere.
handler404 = "network.core.errors.not_found"
# The site's own 500 page, in the address's language, that needs neither the database nor a request context.
handler500 = "network.core.errors.server_error"
