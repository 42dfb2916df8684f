import pytest

from tests.consultations.factories import ConsultationFactory, SeriesFactory


@pytest.fixture
def wco_series(wco):
    return SeriesFactory(partner=wco, level="secretary_general", title="ASEAN-WCO Consultation")


@pytest.fixture
def japan_series(japan_customs):
    return SeriesFactory(partner=japan_customs, title="ASEAN-Japan Customs Consultation")


@pytest.fixture
def wco_draft(wco_series):
    """The WCO's own unpublished consultation."""
    return ConsultationFactory(series=wco_series, ordinal=14, published=False,
                               status="planned", venue="WCO draft venue")


@pytest.fixture
def japan_draft(japan_series):
    """Japan Customs' unpublished consultation: the WCO partner must never see it."""
    return ConsultationFactory(series=japan_series, ordinal=27, published=False,
                               status="planned", venue="Japan secret venue")


@pytest.fixture
def japan_published(japan_series):
    return ConsultationFactory(series=japan_series, ordinal=26, published=True)


@pytest.fixture
def eager_celery():
    """Run queued tasks in-process, so a service → on_commit → task → email chain is real."""
    from secretariat.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
