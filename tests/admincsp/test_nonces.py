"""Wagtail's own inline scripts get the admin request's CSP nonce, and nothing else does (docs/csp.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from csp.constants import NONCE, SELF
from django.template.loader import get_template
from django.test import RequestFactory
from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput, AdminPageChooser, AdminTimeInput
from wagtail.documents.widgets import AdminDocumentChooser
from wagtail.images.widgets import AdminImageChooser

from network.admincsp.middleware import AdminScriptNonceMiddleware


def _widgets_html() -> str:
    return "".join(
        widget.render(name, None, {"id": f"id_{name}"})
        for name, widget in [
            ("day", AdminDateInput()),
            ("hour", AdminTimeInput()),
            ("moment", AdminDateTimeInput()),
            ("document", AdminDocumentChooser()),
            ("image", AdminImageChooser()),
            ("page", AdminPageChooser()),
        ]
    )


def _script_tags(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html)


def _render_during(path: str) -> tuple[str, object]:
    """Render the widgets while the middleware answers a request for `path` (with django-csp's lazy nonce)."""
    from csp.middleware import CSPMiddleware

    request = RequestFactory().get(path)
    CSPMiddleware(lambda r: None).process_request(request)
    rendered: list[str] = []

    def view(request):
        from django.http import HttpResponse

        rendered.append(_widgets_html())
        return HttpResponse()

    response = AdminScriptNonceMiddleware(view)(request)
    return rendered[0], (request, response)


@pytest.mark.django_db
def test_wagtails_widget_scripts_carry_the_nonce_of_the_admin_request_being_answered():
    # When the date, time, date-time pickers and the document, image and page choosers render for an admin page
    html, (request, response) = _render_during("/admin/pages/3/edit/")

    # Then each of their six scripts carries this request's nonce, and the response's policy offers it for scripts
    # (and lets the admin frame its own previews)
    nonce = str(request.csp_nonce)
    assert _script_tags(html) == [f'<script nonce="{nonce}">'] * 6
    assert response._csp_update == {"script-src": [NONCE], "frame-src": [SELF]}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/fr/", "/en/manage/collectif/services/new/", "/administration/"])
def test_outside_the_admin_the_same_scripts_get_no_nonce_and_the_policy_is_not_widened(path):
    # When the same widgets render while a public page (or a look-alike path) is answered
    html, (_request, response) = _render_during(path)

    # Then no script carries a nonce (the browser blocks them) and nothing is added to the policy
    assert _script_tags(html) == ["<script>"] * 6
    assert getattr(response, "_csp_update", None) is None


@pytest.mark.django_db
def test_widgets_rendered_outside_any_request_get_no_nonce():
    # When the widgets render outside any request (a shell, a task)
    html = _widgets_html()

    # Then their scripts carry no nonce
    assert _script_tags(html) == ["<script>"] * 6


def test_overridden_panel_templates_extend_wagtails_and_keep_its_markup():
    # The inline panel templates replace only Wagtail's js_init block: both still load and extend Wagtail's own
    for name in ("wagtailadmin/panels/inline_panel.html", "wagtailadmin/panels/multiple_chooser_panel.html"):
        template = get_template(name)
        assert "network/admincsp/templates" in template.origin.name
        assert Path(template.origin.name).read_text().startswith(f'{{% extends "{name}" %}}')


def test_a_preview_gets_the_admins_policy_framed_by_the_site_only_instead_of_its_inner_public_header():
    # Given a page preview: Wagtail renders it through a second, fake request for the page's public address, whose
    # response got the public header (frame-ancestors 'none'), then marks it for its preview panel (SAMEORIGIN)
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    def preview_view(request):
        response = HttpResponse("<h1>Guide</h1>")
        response["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'none'"
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def editor_view(request):
        return HttpResponse("<h1>Editor</h1>")

    def answer(view, path):
        request = RequestFactory().get(path)
        return CSPMiddleware(AdminScriptNonceMiddleware(view))(request)

    # When the admin answers the preview, and the editor
    preview = answer(preview_view, "/admin/pages/7/edit/preview/")
    editor = answer(editor_view, "/admin/pages/7/edit/")

    # Then the preview may be framed by the site's own pages only, under the admin's policy; the editor never
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert (
        "frame-src https://www.youtube-nocookie.com https://player.vimeo.com 'self'"
        in preview["Content-Security-Policy"]
    )
    assert "frame-ancestors 'none'" in editor["Content-Security-Policy"]
