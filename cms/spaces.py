"""Each organisation's space in the Wagtail site: a page subtree, a document collection and two groups.

The organisation services send signals (network/orgs/signals.py) inside their transactions; the receivers here,
connected in CmsConfig.ready(), set the space up, follow a renamed organisation, and take the space off the public
site while the organisation is inactive. A failure here rolls the organisation's change back with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from cms.models import HomePage, OrganisationSpacePage, SpacesIndexPage
from network.orgs.moderation import moderation_provision

if TYPE_CHECKING:
    from network.accounts.models import User
    from network.orgs.models import Organisation


@dataclass(frozen=True)
class SpaceGroupPermissions:
    """What one of an organisation's Wagtail groups may do, in the organisation's space only."""

    attribute: str  # the Organisation field that holds the group
    suffix: str  # the group is named "<organisation slug> · <suffix>"
    permissions: tuple[tuple[str, str], ...]  # (app_label, codename) of global permissions
    page_permissions: tuple[str, ...]  # wagtailcore codenames on the space page and its subtree
    collection_permissions: tuple[tuple[str, str], ...]  # (app_label, codename) on the organisation's collection


def space_group_permissions() -> tuple[SpaceGroupPermissions, ...]:
    """The permissions of each organisation's editors group (coordinators, staff) and contributors group (peers).

    Which role joins which group is `membership_sync_permissions` (network/orgs/services.py).
    """
    documents = (
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
    )
    return (
        SpaceGroupPermissions(
            attribute="editors_group",
            suffix="editors",
            # "Translate this page" / "Sync translated pages" in the admin (wagtail-localize)
            permissions=(("wagtailadmin", "access_admin"), ("wagtail_localize", "submit_translation")),
            page_permissions=("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
            collection_permissions=(*documents, ("wagtailimages", "add_image"), ("wagtailimages", "choose_image")),
        ),
        SpaceGroupPermissions(
            attribute="contributors_group",
            suffix="contributors",
            permissions=(("wagtailadmin", "access_admin"),),
            page_permissions=("add_page", "change_page"),
            collection_permissions=documents,
        ),
    )


def space_provision(*, organisation: Organisation) -> None:
    """Give an organisation its page subtree, document collection, two groups and moderation workflow.

    Idempotent: what the organisation already has is kept, what is missing is added.
    """
    if organisation.collection_id is None:
        root = Collection.get_first_root_node()
        organisation.collection = root.add_child(name=organisation.name)
    if organisation.space_page_id is None:
        spaces = _spaces_index()
        page = OrganisationSpacePage(title=organisation.name, slug=organisation.slug, locale=spaces.locale)
        spaces.add_child(instance=page)
        organisation.space_page = page
    specs = space_group_permissions()
    permissions = _permissions(
        {
            *(pair for spec in specs for pair in (*spec.permissions, *spec.collection_permissions)),
            *(("wagtailcore", codename) for spec in specs for codename in spec.page_permissions),
        }
    )
    wanted_pages: set[tuple[int, int]] = set()
    wanted_collections: set[tuple[int, int]] = set()
    for spec in specs:
        group = getattr(organisation, spec.attribute)
        if group is None:
            group, _created = Group.objects.get_or_create(name=f"{organisation.slug} · {spec.suffix}")
            setattr(organisation, spec.attribute, group)
        group.permissions.add(*(permissions[pair] for pair in spec.permissions))  # adds only the missing ones
        wanted_pages |= {(group.pk, permissions["wagtailcore", codename].pk) for codename in spec.page_permissions}
        wanted_collections |= {(group.pk, permissions[pair].pk) for pair in spec.collection_permissions}
    # The page and collection permissions missing, added at once (a dozen rows: one query to read, one to write).
    page_rows = GroupPagePermission.objects.filter(page=organisation.space_page)
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(group_id=group_id, permission_id=permission_id, page=organisation.space_page)
        for group_id, permission_id in wanted_pages - set(page_rows.values_list("group_id", "permission_id"))
    )
    collection_rows = GroupCollectionPermission.objects.filter(collection=organisation.collection)
    GroupCollectionPermission.objects.bulk_create(
        GroupCollectionPermission(group_id=group_id, permission_id=permission_id, collection=organisation.collection)
        for group_id, permission_id in wanted_collections
        - set(collection_rows.values_list("group_id", "permission_id"))
    )
    organisation.save(update_fields=["collection", "space_page", "editors_group", "contributors_group"])
    moderation_provision(organisation=organisation)  # moderation builds on the groups made above


def space_follow_profile(*, organisation: Organisation) -> None:
    """The organisation's collection carries its name."""
    if organisation.collection_id and organisation.collection.name != organisation.name:
        organisation.collection.name = organisation.name
        organisation.collection.save(update_fields=["name"])


def space_set_published(*, organisation: Organisation, published: bool, acting_user: User) -> None:
    """An inactive organisation's pages leave the public site; reactivating it republishes its space page."""
    if organisation.space_page_id is None:
        return
    source = organisation.space_page.specific
    for page in [source, *source.get_translations().specific()]:  # every language's copy of the space
        if not published and page.live:
            UnpublishPageAction(page, user=acting_user, include_descendants=True).execute(skip_permission_checks=True)
        elif published and not page.live:
            revision = page.save_revision(user=acting_user, log_action=True)
            PublishPageRevisionAction(revision, user=acting_user).execute(skip_permission_checks=True)


def _permissions(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Permission]:
    """The permissions named by (app_label, codename), in one query; a missing one is an error, as `get` made it."""
    query = Q()
    for app_label, codename in pairs:
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in Permission.objects.filter(query).select_related("content_type")
    }
    if missing := pairs - found.keys():
        raise Permission.DoesNotExist(f"No permission {sorted(missing)}")
    return found


def _spaces_index() -> SpacesIndexPage:
    existing = SpacesIndexPage.objects.first()
    if existing is not None:
        return existing
    site = Site.objects.filter(is_default_site=True).first()
    home = site.root_page.specific if site else HomePage.objects.first()
    if home is None:
        home = Page.get_first_root_node()
    index = SpacesIndexPage(title="Organisations", slug="spaces", locale=home.locale)
    home.add_child(instance=index)
    return index


# ---------------------------------------------------------------------------------------------------------------
# Receivers of the organisation signals (connected in CmsConfig.ready())


def on_organisation_created(sender: Any, *, organisation: Organisation, **kwargs: Any) -> None:
    space_provision(organisation=organisation)


def on_organisation_profile_changed(sender: Any, *, organisation: Organisation, **kwargs: Any) -> None:
    space_follow_profile(organisation=organisation)


def on_organisation_activity_changed(
    sender: Any, *, organisation: Organisation, active: bool, acting_user: User, **kwargs: Any
) -> None:
    space_set_published(organisation=organisation, published=active, acting_user=acting_user)


# ---------------------------------------------------------------------------------------------------------------
# Organisation spaces in other languages


def translated_space_share_permissions(*, space: Page) -> int:
    """Give every translation (or alias) of an organisation space the page permissions of the space itself.

    Organisations get their editors' and contributors' permissions on their space in the default language;
    a translated resource lives under the space's translation in another tree (/ar/…), which must carry the
    same group permissions for the organisation's editors to translate, edit and publish there. The same
    groups: membership changes apply to every language at once. `space` may be any language's version.
    Returns how many permissions were added.
    """
    organisation = space.specific.get_organisation()
    if organisation is None or organisation.space_page_id is None:
        return 0
    source = organisation.space_page
    source_permissions = list(GroupPagePermission.objects.filter(page=source).values_list("group_id", "permission_id"))
    added = 0
    for translated in Page.objects.filter(translation_key=source.translation_key).exclude(pk=source.pk):
        for group_id, permission_id in source_permissions:
            _row, created = GroupPagePermission.objects.get_or_create(
                page=translated, group_id=group_id, permission_id=permission_id
            )
            added += created
    return added


def on_copy_for_translation(sender: Any, source_obj: Any, target_obj: Any, **kwargs: Any) -> None:
    """Wagtail signal (every page copied or aliased into another locale, also from the admin's Translate action):
    an organisation space's translation gets the space's group permissions."""
    if isinstance(target_obj, Page) and isinstance(target_obj.specific, OrganisationSpacePage):
        translated_space_share_permissions(space=target_obj)


def on_translated_page_saved(sender: Any, page: Page, **kwargs: Any) -> None:
    """Our translation services saved a translated page: aliased or translated spaces above it carry the space's
    permissions."""
    for space in OrganisationSpacePage.objects.ancestor_of(page):
        translated_space_share_permissions(space=space)
