from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "network.directory"
    label = "directory"
    verbose_name = "Service directory"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from network.orgs.dashboard import register_organisation_link

        from . import rules

        rules.register_rules()  # into the access policy core
        register_organisation_link(
            label=_("Manage the services"),
            url_name="directory:services_manage",
            action=rules.DirectoryAction.MANAGE_SERVICES,
        )
