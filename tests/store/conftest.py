"""Fixtures: a fresh project (owner olga, adjudicator ada) over a 12-record dataset, on each event store."""
from __future__ import annotations

import pytest
from store.store_helpers import make_dataset

from workbench.sample import support_guidelines_path
from workbench.store import Project


@pytest.fixture
def dataset():
    return make_dataset()


@pytest.fixture
def project(tmp_path, dataset, store):
    # support-style records rated on the support criteria: the sample's guidelines, passed explicitly;
    # every test of a project runs on both event stores (``store``: SQLite, then PostgreSQL)
    p = Project.create(tmp_path / "proj", dataset, support_guidelines_path(), owner="olga", store=store)
    p.add_reviewer("ada", "adjudicator", by="olga")
    yield p
    p.close()


@pytest.fixture(scope="session")
def pg_cluster():
    """One throwaway PostgreSQL cluster for the tests that run on both event stores."""
    from store.pg_cluster import Cluster, pg_bin

    if pg_bin() is None:
        pytest.skip("PostgreSQL binaries not installed (.ci/run installs them)")
    pytest.importorskip("psycopg")  # the optional extra (installed by make test)
    c = Cluster().start()
    yield c
    c.stop()


_DBS = iter(range(10_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request):
    """The event store a test's project uses: None (events.sqlite in the folder) or a PostgreSQL URL."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("pg_cluster").createdb(f"s{next(_DBS)}")
