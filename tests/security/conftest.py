import pytest

from tests.security.world import build_world


@pytest.fixture
def world(patient, other_patient, dietitian, other_dietitian, admin, catalogue, mailoutbox):
    return build_world(
        patient=patient,
        other_patient=other_patient,
        dietitian=dietitian,
        other_dietitian=other_dietitian,
        admin=admin,
    )
