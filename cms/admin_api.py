"""Wagtail's admin API, scoped like the admin screens it serves.

The image and document indexes and choosers list only the items of collections where the user has a permission
(each organisation has its own collection); Wagtail's admin API (`/admin/api/main/images/`, `.../documents/`) lists
every image and document of every organisation to anyone with admin access. These endpoints list what the admin's
choosers list.
"""

from __future__ import annotations

from typing import Any

from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.permissions import policy_registry


class ScopedImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    """The images of the collections where the user may choose (or add, or change) images."""

    def get_queryset(self) -> Any:
        visible = policy_registry.get_by_type(get_image_model()).instances_user_has_any_permission_for(
            self.request.user, ["choose", "add", "change"]
        )
        return super().get_queryset().filter(pk__in=visible.values("pk"))


class ScopedDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    """The documents of the collections where the user may choose (or add, or change) documents."""

    def get_queryset(self) -> Any:
        visible = policy_registry.get_by_type(get_document_model()).instances_user_has_any_permission_for(
            self.request.user, ["choose", "add", "change"]
        )
        return super().get_queryset().filter(pk__in=visible.values("pk"))
