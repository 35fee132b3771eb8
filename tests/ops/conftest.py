import pytest
from django.db import connection

from .server import collect_static


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("fault tests run the app on PostgreSQL (CI's second run); this run is SQLite")


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Static files collected once, as a release does (production settings need the manifest)."""
    root = tmp_path_factory.mktemp("static")
    collect_static(root)
    return root
