from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "network.resources"
    label = "resources"
    verbose_name = "Resources"

    def ready(self) -> None:
        from . import rules

        rules.register_rules()  # into the access policy core
        # A resource page served from the anonymous page cache still counts a view (network/pagecache/hits.py).
        from network.pagecache.hits import register_counter

        from .services import VIEW_COUNTER, resource_count_view_by_id

        register_counter(VIEW_COUNTER, resource_count_view_by_id)
        # "Publish a resource" on the site: Wagtail's add form opens with the kind chosen there.
        from wagtail.signals import init_new_page

        from .publishing import preset_resource_kind

        init_new_page.connect(preset_resource_kind, dispatch_uid="resources.preset_resource_kind")
