from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationEmail(models.TextChoices):
    """How a member's notifications reach their inbox (they are always on the platform)."""

    AUTO = "auto", _("Automatic: a daily digest when my organisation receives many referrals, else one email each")
    EACH = "each", _("One email for each event")
    DIGEST = "digest", _("One email a day: a digest")
    OFF = "off", _("No email: on the platform only")


class User(AbstractUser):
    """A person who signs in. Peer workers often act under a pseudonym: `public_name` is what others see."""

    email = models.EmailField(_("email address"), unique=True)
    public_name = models.CharField(
        _("public name or pseudonym"),
        max_length=80,
        blank=True,
        help_text=_("Shown to others instead of your real name."),
    )
    language = models.CharField(
        _("preferred language"), max_length=10, blank=True, help_text=_("Language of the emails you receive.")
    )
    notification_email = models.CharField(
        _("notification emails"),
        max_length=8,
        choices=NotificationEmail.choices,
        default=NotificationEmail.AUTO,
        help_text=_("Your notifications are always on the platform; choose how they reach your email."),
    )
    show_real_name = models.BooleanField(
        _("show my real name"),
        default=False,
        help_text=_("Unless you tick this, your real name is never shown on the platform or the public site."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        """What any list or form choice shows of a person (Wagtail's user filters among them): the public name."""
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name others see: the real name only when the person chose it, else the public name, else a neutral
        label ("member of <organisation>"): never the username (invitations derive it from the address)."""
        from network.accounts.names import public_name_of

        return public_name_of(self)

    def get_short_name(self) -> str:
        """How Wagtail's emails greet a person ("Hello <short name>,"): the public name too, never the first name
        (a peer worker's real name) nor the username (invitations derive it from the address)."""
        return self.display_name

    def real_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_full_name(self) -> str:
        """What Wagtail's admin and its moderation emails show of a colleague: the chosen public name, so a peer
        worker's real name never appears unless they chose to show it."""
        return self.display_name
