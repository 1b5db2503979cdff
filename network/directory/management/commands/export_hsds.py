"""Write the public service directory to a file in Open Referral HSDS 3.0 JSON (public services only)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from network.directory.hsds import hsds_export


class Command(BaseCommand):
    help = "Export the public service directory in HSDS 3.0 JSON. Confidential addresses are never exported."

    def add_arguments(self, parser):
        parser.add_argument("output", help="The JSON file to write ('-' for standard output).")
        parser.add_argument(
            "--base-url",
            default=settings.PUBLIC_BASE_URL,
            help="The public address of the platform, for links (default: PUBLIC_BASE_URL).",
        )
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="Language of the texts and links.")

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            data = hsds_export(base_url=options["base_url"])
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if options["output"] == "-":
            self.stdout.write(text)
            return
        target = Path(options["output"])
        if not target.parent.is_dir():
            raise CommandError(f"No such directory: {target.parent}")
        target.write_text(text + "\n", encoding="utf-8")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(data['services'])} services and {len(data['organizations'])} organizations written to {target}"
            )
        )
