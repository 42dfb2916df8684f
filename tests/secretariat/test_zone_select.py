"""The time-zone select is rendered once per process per choice set and selected zone (issue
14): the reused HTML must still say what this form says."""

import pytest

from secretariat.forms import TimeZoneForm
from tests.factories import AdministrationFactory


@pytest.mark.django_db
def test_the_reused_select_marks_this_forms_zone_and_its_own_first_option():
    administration = AdministrationFactory(code="KH", country="Cambodia")
    forms = {
        zone: TimeZoneForm(initial={"time_zone": zone}, administration=administration).as_p()
        for zone in ("Asia/Yangon", "Asia/Dili", "Asia/Yangon")
    }
    assert '<option value="Asia/Yangon" selected>' in forms["Asia/Yangon"]
    assert '<option value="Asia/Dili" selected>' not in forms["Asia/Yangon"]
    assert '<option value="Asia/Dili" selected>' in forms["Asia/Dili"]
    secretariat_form = TimeZoneForm(initial={"time_zone": ""}, administration=None).as_p()
    assert "My administration&#x27;s time zone" in forms["Asia/Dili"]
    assert "My administration" not in secretariat_form
    assert "ASEAN Secretariat&#x27;s time zone" in secretariat_form
    invalid = TimeZoneForm({"time_zone": "Mars/Olympus"}, administration=administration)
    assert not invalid.is_valid()
    assert 'aria-invalid="true"' in invalid.as_p()
