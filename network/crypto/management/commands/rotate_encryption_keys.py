"""Re-encrypt every encrypted value with the newest key in FIELD_ENCRYPTION_KEYS."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from network.crypto.fields import EncryptedTextField, rotate_value


class Command(BaseCommand):
    help = "Re-encrypt every EncryptedTextField value with the first key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            columns = [f.attname for f in fields]
            # Read the stored tokens as they are (the ORM would decrypt them), rotate, write them back.
            rotated = 0
            last_pk = None
            while True:
                queryset = model._base_manager.order_by("pk")
                if last_pk is not None:
                    queryset = queryset.filter(pk__gt=last_pk)
                batch = list(queryset.values_list("pk", flat=True)[:batch_size])
                if not batch:
                    break
                with transaction.atomic():
                    rows = _raw_rows(model, columns, batch)
                    for pk, values in rows:
                        updates = {
                            col: rotate_value(value) for col, value in zip(columns, values, strict=True) if value
                        }
                        if updates:
                            model._base_manager.filter(pk=pk).update(**updates)
                            rotated += 1
                last_pk = batch[-1]
            total += rotated
            self.stdout.write(f"{model._meta.label}: {rotated} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows re-encrypted with the newest key."))


def _raw_rows(model, columns, pks):
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    cols = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    placeholders = ", ".join(["%s"] * len(pks))
    # Identifiers are quoted by the backend and values are parameters.
    query = f"SELECT {pk_column}, {cols} FROM {table} WHERE {pk_column} IN ({placeholders})"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(
            query,
            [model._meta.pk.get_db_prep_value(pk, connection) for pk in pks],
        )
        return [(row[0], row[1:]) for row in cursor.fetchall()]
