"""The search index the catalogue is served with on PostgreSQL."""

import pytest
from django.db import connection

from procedures.models import Procedure

pytestmark = pytest.mark.django_db


def test_search_uses_the_trigram_index_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'procedure_search_trgm'")
        (definition,) = cursor.fetchone()
        # A tiny test table is cheapest to scan; ask whether the index can serve at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = Procedure.objects.search("khai sinh").order_by().values("pk").explain()
    assert "gin_trgm_ops" in definition
    assert "procedure_search_trgm" in plan
