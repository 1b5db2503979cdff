import collections, re, time
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests import factories

def show(label, fn):
    with CaptureQueriesContext(connection) as ctx:
        t=time.perf_counter(); c=time.process_time()
        r = fn()
        print(f"\n{label} wall {time.perf_counter()-t:.4f} cpu {time.process_time()-c:.4f} queries {len(ctx.captured_queries)}")
    for q in ctx.captured_queries:
        print("   ", q["sql"][:150].replace("\n"," "))
    return r

@pytest.mark.django_db
def test_probe():
    a = factories.organisation(name="warm"); b = factories.organisation(name="warm2")
    show("ORG", lambda: factories.organisation(name="x3"))
