"""The embedded default behind `make run`: SQLite, tasks in-process, mail to the console.

Without Django's debug pages (they show settings, SQL and local variables to whoever triggers an error): the demo
answers with the site's own 404 and 500 pages, as production does. A developer opts in with `DEBUG=1 make run`.
"""

import os

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# Static files straight from the apps and assets/ through WhiteNoise (no collectstatic), with or without DEBUG;
# re-read on each request so an edited stylesheet shows at once.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Uploaded images from MEDIA_ROOT through the guarded view (network.resources.views.serve_media), with or without
# DEBUG; production serves no media itself.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production"  # noqa: S105
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", True)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Slips "sent" to a person's phone are printed in the terminal (network/referrals/messaging.py).
REFERRAL_SLIP_MESSAGING_BACKEND = os.environ.get(
    "REFERRAL_SLIP_MESSAGING_BACKEND", "network.referrals.messaging.ConsoleMessagingBackend"
)
# A newcomer can look around the demo without enrolling an authenticator; production never relaxes this.
PASSERELLE_REQUIRE_TWO_FACTOR = env_bool("PASSERELLE_REQUIRE_TWO_FACTOR", False)
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# A fixed key for the local demo only (its data is fake); production takes its keys from the environment.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS") or ["ZGV2LW9ubHkta2V5LW5ldmVyLWluLXByb2R1Y3Rpb24="]
