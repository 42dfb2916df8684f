"""The record PDF's golden page: its first page as the secretariat and as a delegate read it,
rendered with poppler's ``pdftoppm`` to ``SCREENSHOT_DIR`` (var/screenshots/record-pdf-*) for
a person to look at. Skipped where poppler-utils is not installed."""

import shutil
import subprocess

import pytest

from tests.browser import SCREENSHOT_DIR

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                reason="pdftoppm (poppler-utils) is not installed")


@pytest.mark.django_db
def test_record_pdf_golden_page(personas, built, client_for, tmp_path):
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    for role in ("secretariat", "delegate"):
        response = client_for(personas[role]).get(f"/meetings/{built.meeting.pk}/record.pdf")
        assert response.status_code == 200
        pdf = tmp_path / f"{role}.pdf"
        pdf.write_bytes(response.content)
        target = SCREENSHOT_DIR / f"record-pdf-{role}"
        subprocess.run(
            [shutil.which("pdftoppm"), "-png", "-r", "80", "-f", "1", "-l", "1",
             "-singlefile", str(pdf), str(target)],
            check=True, timeout=60)
        png = target.with_suffix(".png")
        assert png.stat().st_size > 10_000  # a page with text, not a blank one
