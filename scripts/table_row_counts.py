"""Print the row count of every table in the database, one `table<TAB>count` a line, sorted by table name.

Run it before and after applying migrations that move models between apps, then diff the two outputs:
    DJANGO_SETTINGS_MODULE=network.settings.dev python scripts/table_row_counts.py > before.tsv
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "network.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402


def main() -> None:
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            sys.stdout.write(f"{table}\t{cursor.fetchone()[0]}\n")


if __name__ == "__main__":
    main()
