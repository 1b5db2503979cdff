"""Admin-wide additions: contrast fixes for Wagtail's and wagtail-localize's screens; the admin API's images scoped."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def admin_contrast_fixes() -> str:
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("construct_admin_api", order=1)  # after wagtail.images registers its own endpoint
def scope_admin_api_images(router) -> None:  # noqa: ANN001 (Wagtail's router)
    from cms.admin_api import ScopedImagesAdminAPIViewSet

    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
