"""The resource library: tools, guides and capitalisation material published by member organisations.

Resource pages live in their organisation's page subtree (so Wagtail's page permissions decide who edits them);
the library index lists them across organisations. Who may *see* a resource is decided by the access policy
(`resource_rules.visible_resources`, `policy.can(user, PageAction.VIEW_PAGE, page)`) from its visibility.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.fields import RichTextField
from wagtail.models import Locale, Orderable, Page, PagePermissionTester
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cms.models import OrganisationOwnedPage
from network.core.stream import CheckedStreamField


class ResourceKind(models.TextChoices):
    TOOL = "tool", _("Tool")
    GUIDE = "guide", _("Guide")
    TRAINING_MODULE = "training_module", _("Training module")
    GOOD_PRACTICE = "good_practice", _("Capitalisation: good practice")
    LESSON_LEARNED = "lesson_learned", _("Capitalisation: lesson learned")
    BROCHURE = "brochure", _("Brochure")
    REPORT = "report", _("Report")
    VIDEO = "video", _("Video")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    NETWORK = "network", _("Network members only")
    ORGANISATION = "organisation", _("Own organisation only")


# What each visibility means, in the words the page editor shows next to the choice (the status side panel).
VISIBILITY_EXPLAINED = {
    Visibility.PUBLIC: _("Everyone, signed in or not, once it is published."),
    Visibility.NETWORK: _("Signed-in members of the network's organisations only."),
    Visibility.ORGANISATION: _("Only the members of your organisation."),
}


class ResourcePermissionTester(PagePermissionTester):
    """Wagtail's page permissions for a resource, without Wagtail's own "Privacy" setting: who sees a resource is
    its `visibility` field alone (one control, which the library, the API, the search and the feeds all obey)."""

    def can_set_view_restrictions(self) -> bool:
        return False


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    SEX_WORKERS = "sex_workers", _("Sex workers and peers")
    OUTREACH_STAFF = "outreach_staff", _("Outreach and social workers")
    HEALTH_PROFESSIONALS = "health_professionals", _("Health professionals")
    LEGAL_PROFESSIONALS = "legal_professionals", _("Lawyers and legal workers")
    ORGANISATIONS = "organisations", _("Organisations and coordinators")
    POLICY_MAKERS = "policy_makers", _("Policy makers and institutions")


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
    CC_BY_NC = "cc-by-nc-4.0", "CC BY-NC 4.0"
    CC_BY_NC_SA = "cc-by-nc-sa-4.0", "CC BY-NC-SA 4.0"
    CC0 = "cc0-1.0", "CC0 1.0"
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")


class LessonLearnedBlock(blocks.StructBlock):
    context = blocks.TextBlock(label=_("Context"))
    what_happened = blocks.TextBlock(label=_("What happened"))
    lesson = blocks.TextBlock(label=_("Lesson learned"))

    class Meta:
        icon = "pick"
        label = _("Lesson learned")
        template = "resources/blocks/lesson_learned.html"


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    caption = blocks.CharBlock(required=False, label=_("Caption"))

    class Meta:
        icon = "doc-full"
        label = _("Downloadable document")
        template = "resources/blocks/download.html"


class ResourceBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", label=_("Heading"), template="resources/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3", "h4"], label=_("Paragraph"))
    key_takeaways = blocks.ListBlock(
        # Translators: one item of a resource's "key takeaways" list (a short lesson to take away).
        blocks.CharBlock(label=_("Takeaway")),
        label=_("Key takeaways"),
        template="resources/blocks/key_takeaways.html",
    )
    quote = blocks.BlockQuoteBlock(label=_("Quote"))
    lesson_learned = LessonLearnedBlock()
    document = DownloadBlock()
    video = EmbedBlock(label=_("Embedded video"), template="resources/blocks/video.html")


class LibraryIndexPage(RoutablePageMixin, Page):
    """The library: every resource the visitor may see, searchable and filterable, in the active language.

    It also serves the feeds of new public resources of its language: feed/rss/ and feed/atom/.
    """

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("library index")

    def listing_locale(self) -> Locale:
        """The locale of the active language when it exists, else the page's own (a library not yet translated)."""
        try:
            return Locale.objects.get_for_language(translation.get_language() or self.locale.language_code)
        except (Locale.DoesNotExist, LookupError):
            return self.locale

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from network.resources.search import library_listing

        context = super().get_context(request, *args, **kwargs)
        context.update(listing=library_listing(request, locale=self.listing_locale), feed_urls=self.feed_urls(request))
        return context

    @path("feed/rss/", name="feed_rss")
    def feed_rss(self, request: HttpRequest) -> HttpResponse:
        from network.resources.feeds import LatestResourcesFeed

        return LatestResourcesFeed(self)(request)

    @path("feed/atom/", name="feed_atom")
    def feed_atom(self, request: HttpRequest) -> HttpResponse:
        from network.resources.feeds import LatestResourcesAtomFeed

        return LatestResourcesAtomFeed(self)(request)

    def feed_urls(self, request: HttpRequest | None = None) -> dict[str, str]:
        """The two feeds' addresses in the language being browsed, for <link rel="alternate"> in the page head."""
        if request is not None and not getattr(request, "is_preview", False):
            base = request.path  # the library as served (under the active language's prefix)
        else:
            base = self.get_url(request) or "/"
        if not base.endswith("/"):
            base += "/"
        return {name: base + self.reverse_subpage(name) for name in ("feed_rss", "feed_atom")}

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated and not response.get("Content-Type", "").startswith("application/"):
            # The listing depends on the member's organisations: never cached by a shared cache.
            response["Cache-Control"] = "private, no-store"
        return response


class ResourcePage(OrganisationOwnedPage, Page):
    """A tool, guide or piece of capitalisation, published by an organisation in its own space."""

    kind = models.CharField(_("kind"), max_length=32, choices=ResourceKind.choices, default=ResourceKind.TOOL)
    themes = ParentalManyToManyField("themes.Theme", blank=True, related_name="resources", verbose_name=_("themes"))
    audience = models.CharField(_("audience"), max_length=32, choices=Audience.choices, default=Audience.EVERYONE)
    country = CountryField(
        _("country"), blank=True, help_text=_("Leave empty for material that is not country-specific.")
    )
    programme_context = models.TextField(_("programme context"), blank=True)
    authoring_organisations = ParentalManyToManyField(
        "orgs.Organisation",
        blank=True,
        related_name="authored_resources",
        verbose_name=_("co-authoring organisations"),
        help_text=_(
            "Other organisations that wrote this resource with yours. Each one is named only once its "
            "coordinators confirm."
        ),
    )
    licence = models.CharField(_("licence"), max_length=32, choices=Licence.choices, default=Licence.CC_BY)
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    summary = models.TextField(_("summary"), max_length=600)
    body = CheckedStreamField(ResourceBodyBlock(), blank=True, use_json_field=True, verbose_name=_("body"))
    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.NETWORK,
        help_text=_(
            "Who can see this resource and download its documents: everyone (public), the members of the "
            "network's organisations, or the members of your organisation only. This is the resource's only "
            "privacy setting."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
    ]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldPanel("visibility"),
                FieldPanel("kind"),
                FieldPanel("themes"),
                FieldPanel("audience"),
                FieldPanel("country"),
                FieldPanel("programme_context"),
                FieldPanel("authoring_organisations"),
                FieldPanel("licence"),
                FieldPanel("published_on"),
                FieldPanel("last_reviewed_on"),
            ],
            heading=_("About this resource"),
        ),
        *Page.settings_panels,
    ]
    parent_page_types = ["cms.OrganisationSpacePage"]
    subpage_types: list[str] = []

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("programme_context"),
        index.AutocompleteField("summary"),
        index.FilterField("kind"),
        index.FilterField("visibility"),
        index.FilterField("organisation"),
        index.FilterField("country"),
        index.FilterField("audience"),
    ]

    # wagtail-localize copies these to every translation on sync (translators don't translate them).
    override_translatable_fields = [SynchronizedField("themes"), SynchronizedField("authoring_organisations")]

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [
            # Covering (PostgreSQL): the library counts what a visitor may see from this index alone, without
            # reading the wide rows (summary, body).
            models.Index(fields=["visibility", "organisation"], include=["page_ptr"], name="resource_visibility_org")
        ]

    # The page editor's status panel shows this field where Wagtail shows its "Privacy" setting.
    privacy_follows_visibility = True

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def visibility_explained(self) -> str:
        return str(VISIBILITY_EXPLAINED.get(self.visibility, ""))

    def permissions_for_user(self, user: Any) -> PagePermissionTester:
        return ResourcePermissionTester(user, self)

    def content_locale(self) -> Locale:
        """The language the content is written in: an alias (an untranslated copy) shows its source's text."""
        if self.alias_of_id is not None:
            source = Page.objects.filter(pk=self.alias_of_id).select_related("locale").first()
            if source is not None:
                return source.locale
        return self.locale

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Answer 404 (as for a missing page) unless the policy lets the visitor see it; count the view."""
        from cms.rules import PageAction
        from network.orgs import policy
        from network.pagecache.hits import count_on_cache_hits
        from network.resources.services import VIEW_COUNTER, resource_count_view

        previewing = getattr(request, "is_preview", False)
        # Previews come from the Wagtail admin, which has already checked that the editor may edit the page.
        if not previewing and not policy.can(request.user, PageAction.VIEW_PAGE, self):
            raise Http404
        response = super().serve(request, *args, **kwargs)
        if previewing or not self.is_public:
            response["Cache-Control"] = "private, no-store"
        elif request.user.is_authenticated:
            response["Cache-Control"] = "private"
        if not previewing and request.method == "GET":
            resource_count_view(self)
            count_on_cache_hits(request, VIEW_COUNTER, self.pk)  # served from the page cache: counted again
        return response

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from network.resources.views import resource_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(resource_page_context(self, request))
        return context


class ResourceAttachment(Orderable):
    """A document attached to a resource (the body can also embed documents)."""

    page = ParentalKey(ResourcePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("Defaults to the document's title."))

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")


class ResourceDailyCount(models.Model):
    """Views and downloads of a resource, one row per page (one language) and day. Never who."""

    page = models.ForeignKey(ResourcePage, on_delete=models.CASCADE, related_name="daily_counts")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "day"], name="resource_count_one_row_per_day")]
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.page_id} {self.day}: {self.views} views, {self.downloads} downloads"


class ResourceViewBatch(models.Model):
    """A batch of views counted in Redis and added to the daily counters: written in the same transaction as the
    additions, so a batch is added once even if moving it is interrupted and tried again."""

    id = models.UUIDField(primary_key=True, editable=False)
    added_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return str(self.id)


class CoAuthorshipStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class ResourceCoAuthorship(models.Model):
    """An organisation's answer to being named as a co-author of a resource.

    Keyed by the resource's translation key, so one answer holds for every translation (the co-authors are a
    synchronised field). An organisation listed on a page without a confirmed answer here is only "invited": the
    page, the API and the library's filters name confirmed co-authors only (`confirmed_coauthor_links`).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    translation_key = models.UUIDField(_("resource"), db_index=True)
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="resource_coauthorships"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CoAuthorshipStatus.choices, default=CoAuthorshipStatus.INVITED
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("co-authorship of a resource")
        verbose_name_plural = _("co-authorships of resources")
        constraints = [
            models.UniqueConstraint(
                fields=["translation_key", "organisation"], name="coauthorship_one_per_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CoAuthorshipStatus.values), name="coauthorship_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.translation_key} ({self.status})"


def confirmed_coauthor_links() -> models.QuerySet[Any]:
    """The page ↔ co-author links whose organisation confirmed it co-wrote the resource (any translation)."""
    confirmed = ResourceCoAuthorship.objects.filter(
        translation_key=models.OuterRef("resourcepage__translation_key"),
        organisation_id=models.OuterRef("organisation_id"),
        status=CoAuthorshipStatus.CONFIRMED,
    )
    return ResourcePage.authoring_organisations.through.objects.filter(models.Exists(confirmed))
