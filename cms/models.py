from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Page

from cms.forms import OrganisationPageForm
from network.core.stream import CheckedStreamField


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", label=_("Heading"))
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"], label=_("Paragraph"))
    quote = blocks.BlockQuoteBlock(label=_("Quote"))


class HomePage(Page):
    """The public home of the network."""

    intro = models.TextField(_("introduction"), blank=True)
    body = CheckedStreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    subpage_types = ["cms.StandardPage", "cms.SpacesIndexPage", "resources.LibraryIndexPage"]
    max_count = None

    class Meta:
        verbose_name = _("home page")


class StandardPage(Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = CheckedStreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class SpacesIndexPage(Page):
    """Parent of every organisation's own part of the page tree."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.OrganisationSpacePage"]
    max_count = 1

    class Meta:
        verbose_name = _("organisation spaces index")


class OrganisationSpacePage(Page):
    """An organisation's part of the page tree: its members publish under it, with its group's permissions."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.SpacesIndexPage"]
    subpage_types = ["cms.StandardPage", "resources.ResourcePage", "advocacy.AdvocacyPage"]

    class Meta:
        verbose_name = _("organisation space")

    def get_organisation(self):
        """The organisation this space belongs to (the same for every translation of the space)."""
        from network.orgs.models import Organisation

        source_ids = type(self).objects.filter(translation_key=self.translation_key).values("pk")
        return Organisation.objects.filter(space_page_id__in=source_ids).first()


class OrganisationOwnedPage(models.Model):
    """A page that belongs to the organisation whose space it sits in; the owner is recorded on save.

    Storing it lets the access policy filter whole lists of pages in one query (visibility is decided per
    organisation) instead of walking the tree for every row.
    """

    organisation = models.ForeignKey(
        "orgs.Organisation",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )

    # Refuses another organisation's documents before anything is saved (see cms/forms.py).
    base_form_class = OrganisationPageForm

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._record_organisation()
        return super().save(*args, **kwargs)

    def full_clean(self, *args, **kwargs):
        self._record_organisation()
        super().full_clean(*args, **kwargs)

    def clean(self) -> None:
        """A page may only refer to documents of its own organisation (attachments, download blocks, rich-text
        links): naming another organisation's document, even by its id, is refused without showing its title."""
        super().clean()
        from cms.documents import document_ids_in_instance, documents_outside_organisation, foreign_documents_message

        if self.organisation_id is None:
            return  # not placed in a space yet: checked again when it is (see `full_clean`)
        refused = documents_outside_organisation(document_ids_in_instance(self), self.organisation_id)
        if refused:
            raise ValidationError(foreign_documents_message(refused))

    def _record_organisation(self) -> None:
        if self.organisation_id is not None or not self.path:
            return
        space = self._space_from_path()
        if space is None:
            raise ValidationError(_("This page must be created inside an organisation's space."))
        self.organisation = space.get_organisation()

    def _space_from_path(self) -> "OrganisationSpacePage | None":
        """The nearest OrganisationSpacePage among the ancestors (its path is a prefix of ours)."""
        steplen = Page.steplen
        prefixes = [self.path[:length] for length in range(steplen, len(self.path), steplen)]
        return OrganisationSpacePage.objects.filter(path__in=prefixes).order_by("-depth").first()


class SafeImage(AbstractImage):
    """Wagtail's image, re-encoded without metadata (EXIF, GPS, camera data) before it is stored (DESIGN rule 10)."""

    admin_form_fields = Image.admin_form_fields

    def save(self, *args, **kwargs):
        # New images always (a multiple upload completed later arrives with its file already stored), and any
        # replaced file.
        if self.file and (self._state.adding or not getattr(self.file, "_committed", True)):
            from cms.images import strip_file_metadata

            strip_file_metadata(self)
        return super().save(*args, **kwargs)


class SafeRendition(AbstractRendition):
    image = models.ForeignKey(SafeImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
