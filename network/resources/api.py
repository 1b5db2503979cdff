"""The resource library in the REST API: GET /api/v1/resources/ and /api/v1/resources/{id}/ (read only).

Every row comes from `rules.visible_resources` (DRF applies no object permission to lists): anonymous callers see
public resources, network members what the network shares, an organisation's members its own restricted ones.
Another organisation's restricted resource answers 404 exactly like a missing id. A list costs a fixed number
of queries whatever its length: relations are prefetched and the translations offered are read once per page.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from wagtail.documents import get_document_model

from network.orgs import policy
from network.orgs.api import ERROR_400, ERROR_403, ERROR_404, LANGUAGE_CODE_PATTERN
from network.orgs.models import Organisation
from network.orgs.rules import OrganisationAction
from network.resources import rules as resource_rules
from network.themes.models import Theme

from .models import ResourceAttachment, ResourceKind, ResourcePage, confirmed_coauthor_links
from .serializers import ResourceDetailSerializer, ResourceRelations, ResourceSerializer

LIST_COLUMNS = (
    *("id", "title", "url_path", "translation_key", "first_published_at", "summary", "kind", "audience", "country"),
    *("programme_context", "licence", "published_on", "last_reviewed_on", "visibility"),
    *("locale", "locale__language_code", "organisation", "organisation__name", "organisation__slug"),
)
CHOICE_ERRORS = {"invalid_choice": _("This is not one of the accepted values.")}


def resource_relations(user: Any, pages: Iterable[ResourcePage]) -> ResourceRelations:
    """What these rows link to, read for all of them at once (five queries, plain values where possible): themes,
    co-authors the user may see, attachments, and the live translations the user may see (aliases excluded)."""
    pages = list(pages)
    relations = ResourceRelations()
    if not pages:
        return relations
    ids = [page.pk for page in pages]

    tagged = list(
        ResourcePage.themes.through.objects.filter(resourcepage_id__in=ids).values_list("resourcepage_id", "theme_id")
    )
    themes = {theme.pk: theme for theme in Theme.objects.filter(pk__in={theme_id for _page, theme_id in tagged})}
    for page_id, theme_id in sorted(tagged, key=lambda row: (themes[row[1]].sort_order, themes[row[1]].slug)):
        relations.themes.setdefault(page_id, []).append(themes[theme_id])

    co_authors = (
        confirmed_coauthor_links()  # an organisation is named a co-author only once it confirmed
        .filter(
            resourcepage_id__in=ids,
            organisation_id__in=policy.visible(user, OrganisationAction.VIEW_ORGANISATION).values("pk"),
        )
        .order_by("organisation__name")
        .values_list("resourcepage_id", "organisation_id", "organisation__slug", "organisation__name")
    )
    for page_id, organisation_id, slug, name in co_authors:
        relations.co_authors.setdefault(page_id, []).append({"id": str(organisation_id), "slug": slug, "name": name})

    document_model = get_document_model()
    attachments = (
        ResourceAttachment.objects.filter(page_id__in=ids)
        .order_by("sort_order", "pk")
        .values_list(
            "page_id", "title", "document_id", "document__title", "document__file", "document__file_size",
            "document__collection_id",
        )
    )  # fmt: skip
    for page_id, title, document_id, document_title, file, size, collection_id in attachments:
        # Every field given (a missing collection would be looked up as its default: a query per document).
        document = document_model(
            id=document_id, title=document_title, file=file, file_size=size, collection_id=collection_id
        )
        relations.attachments.setdefault(page_id, []).append((title, document))

    translations = (
        resource_rules.visible_resources(user)
        .filter(translation_key__in={page.translation_key for page in pages}, alias_of__isnull=True)
        .select_related("locale")
        .only("id", "title", "url_path", "translation_key", "locale__language_code")
        .order_by("locale__language_code")
    )
    for translation in translations:
        relations.translations.setdefault(translation.translation_key, []).append(translation)
    return relations


class ResourceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ResourceKind.choices, error_messages=CHOICE_ERRORS)
    theme = django_filters.CharFilter(method="filter_theme", help_text="A theme slug, e.g. harm-reduction.")
    language = django_filters.CharFilter(method="filter_language", help_text="A locale code, e.g. fr or zh-hans.")
    organisation = django_filters.CharFilter(
        method="filter_organisation", help_text="An organisation (slug or id) that published or co-authored it."
    )
    country = django_filters.CharFilter(method="filter_country", help_text="Two-letter ISO 3166 code, e.g. FR.")
    q = django_filters.CharFilter(
        method="filter_search", help_text="Words to search in titles, summaries and bodies (best matches first)."
    )

    class Meta:
        model = ResourcePage
        fields = ["kind", "theme", "language", "organisation", "country", "q"]

    def filter_theme(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        tagged = ResourcePage.themes.through.objects.filter(theme__slug=value.strip().lower())
        return queryset.filter(id__in=tagged.values("resourcepage_id"))

    def filter_language(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        code = value.strip().lower()
        if not LANGUAGE_CODE_PATTERN.match(code):
            return queryset.none()
        from wagtail.models import Locale

        return queryset.filter(locale_id__in=Locale.objects.filter(language_code=code).values("pk"))

    def filter_organisation(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        try:
            organisations = Organisation.objects.filter(pk=uuid.UUID(value))
        except ValueError:
            organisations = Organisation.objects.filter(slug=value)
        ids = organisations.values("pk")
        co_authored = confirmed_coauthor_links().filter(organisation_id__in=ids)
        return queryset.filter(Q(organisation_id__in=ids) | Q(id__in=co_authored.values("resourcepage_id")))

    def filter_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(country=value.strip().upper())

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Applied last, by the viewset (a search answers results, not a queryset that can be filtered further)."""
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="Resources of the library",
        description="Public resources for everyone; resources shared with the network for its members; an "
        "organisation's own restricted resources for its members. Every language unless `language` is given.",
        responses={200: ResourceSerializer(many=True), 400: ERROR_400, 403: ERROR_403},
    ),
    retrieve=extend_schema(
        summary="One resource",
        description="With its body. A resource you may not see answers 404, like a missing one.",
        responses={200: ResourceDetailSerializer, 403: ERROR_403, 404: ERROR_404},
    ),
)
class ResourceViewSet(viewsets.ReadOnlyModelViewSet):
    """Live resource pages the caller may see, in every locale."""

    serializer_class = ResourceSerializer
    permission_classes = [AllowAny]
    queryset = ResourcePage.objects.none()  # the real one is per user: see get_queryset
    filter_backends = [DjangoFilterBackend]
    filterset_class = ResourceFilter

    def get_serializer_class(self) -> type[ResourceSerializer]:
        return ResourceDetailSerializer if self.action == "retrieve" else ResourceSerializer

    def get_queryset(self) -> QuerySet[ResourcePage]:
        # Aliases (untranslated copies that the tree sync puts in other locales) are not resources of their own.
        queryset = resource_rules.visible_resources(self.request.user).filter(alias_of__isnull=True)
        if self.action == "list":
            return queryset.order_by("-first_published_at", "-id")
        return self._with_related(queryset)

    def filter_queryset(self, queryset: QuerySet) -> Any:
        queryset = super().filter_queryset(queryset)
        if self.action != "list":
            return queryset
        words = self.request.query_params.get("q", "").strip()
        if words:
            # Filtered in SQL first (a subquery on the indexed id), then ranked by the search backend.
            matching = ResourcePage.objects.filter(id__in=queryset.order_by().values("pk"))
            return self._with_related(matching, listing=True).search(words)  # best matches first
        return self._with_related(queryset, listing=True)

    def _with_related(self, queryset: QuerySet[ResourcePage], *, listing: bool = False) -> QuerySet[ResourcePage]:
        """The row and its many-to-one relations in one query (the rest: `resource_relations`, once per page)."""
        queryset = queryset.select_related("locale", "organisation")
        # A list loads only the columns its rows show (Page has some thirty): less to read and to build.
        return queryset.only(*LIST_COLUMNS) if listing else queryset

    def get_serializer(self, *args: Any, **kwargs: Any) -> ResourceSerializer:
        if args:  # serialising rows: read what they link to once, for all of them
            rows = list(args[0]) if kwargs.get("many") else [args[0]]
            context = self.get_serializer_context()
            context["relations"] = resource_relations(self.request.user, rows)
            kwargs["context"] = context
        return super().get_serializer(*args, **kwargs)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        # What a member sees depends on who they are: never kept by a shared cache.
        patch_vary_headers(response, ["Cookie", "Authorization"])
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
