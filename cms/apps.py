from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Site"

    def ready(self) -> None:
        from wagtail.signals import page_published

        from network.orgs import signals

        from . import checks, rules, spaces, visibility  # noqa: F401  (checks registers the documents check)

        rules.register_rules()  # into the access policy core
        # People in Wagtail's admin filters and reports follow our people rules (see cms/admin_people.py).
        from .admin_people import scope_wagtail_people

        scope_wagtail_people()
        # The page types report names a last edited page only among those the viewer sees (cms/admin_reports.py).
        from .admin_reports import scope_page_types_report

        scope_page_types_report()
        # Rich text the editor could not decode is refused in words an editor can act on (network/core/rich_text.py).
        from network.core.rich_text import register_unreadable_message

        register_unreadable_message()
        # Profile pictures lose their metadata like every other image (DESIGN.md, privacy rule 10).
        from django.db.models.signals import pre_save
        from wagtail.users.models import UserProfile

        from .images import strip_avatar_metadata

        pre_save.connect(strip_avatar_metadata, sender=UserProfile, dispatch_uid="cms.strip_avatar_metadata")
        # Translated copies of a space carry the space's permissions (see cms/spaces.py).
        from wagtail.signals import copy_for_translation_done

        from network.translation.signals import translated_page_saved

        copy_for_translation_done.connect(spaces.on_copy_for_translation, dispatch_uid="translation-space-permissions")
        translated_page_saved.connect(spaces.on_translated_page_saved, dispatch_uid="cms.translated_space_permissions")

        # Visibility and organisation are one decision for every language version of a page (cms/visibility.py).
        page_published.connect(visibility.on_page_published, dispatch_uid="cms.visibility_sync_translations")

        # What anonymous visitors see changed: the page cache drops the site's pages (cms/pagecache.py).
        from . import pagecache

        pagecache.connect()

        # Each organisation's space follows the organisation (see cms/spaces.py).
        signals.organisation_created.connect(spaces.on_organisation_created, dispatch_uid="cms.space_provision")
        signals.organisation_profile_changed.connect(
            spaces.on_organisation_profile_changed, dispatch_uid="cms.space_follow_profile"
        )
        signals.organisation_activity_changed.connect(
            spaces.on_organisation_activity_changed, dispatch_uid="cms.space_set_published"
        )
