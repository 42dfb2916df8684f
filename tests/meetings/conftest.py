import pytest

from meetings.models import AccessLevel
from tests.meetings.factories import DocumentFactory, MeetingFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores files in its own folder, so storage listings can be compared."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def meeting(db):
    return MeetingFactory()


@pytest.fixture
def papers(meeting):
    """One document per access level, keyed by level."""
    return {
        level: DocumentFactory(meeting=meeting, access_level=level, title=f"{level} paper")
        for level in AccessLevel.values
    }
