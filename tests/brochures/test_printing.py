"""The PDF printer's bounds (issue 15): a Chromium that hangs, fails or is busy is a 503 that says
so, never a request left waiting without end. No real Chromium here: stand-in programs."""

from pathlib import Path

import pytest

from app.brochures.pdf import _printers, print_pdf
from app.core.errors import ServiceUnavailable


def _program(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "printer"
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def test_a_printer_that_hangs_is_stopped(tmp_path) -> None:
    with pytest.raises(ServiceUnavailable) as raised:
        print_pdf("<p>x</p>", {}, {}, _program(tmp_path, "sleep 5"), timeout_s=0.3, max_bytes=1000, max_prints=2)
    assert raised.value.code == "brochure_timeout" and "0.3 s" in raised.value.message


def test_a_printer_that_fails_or_overflows_is_a_503(tmp_path) -> None:
    with pytest.raises(ServiceUnavailable) as raised:
        print_pdf("<p>x</p>", {}, {}, _program(tmp_path, "echo 'no display' >&2; exit 3"), 5, 1000, 2)
    assert raised.value.code == "brochure_printer" and "no display" in raised.value.message
    # A printer writing more than allowed: the file named by --print-to-pdf= gets 2 kB.
    big = _program(
        tmp_path, 'for a; do case "$a" in --print-to-pdf=*) head -c 2048 /dev/zero > "${a#--print-to-pdf=}";; esac; done'
    )
    with pytest.raises(ServiceUnavailable) as raised:
        print_pdf("<p>x</p>", {}, {}, big, 5, 1000, 2)
    assert raised.value.code == "brochure_too_large"
    assert print_pdf("<p>x</p>", {}, {}, big, 5, 4096, 2) == bytes(2048)


def test_prints_beyond_the_limit_wait_then_are_refused(tmp_path) -> None:
    held = _printers(1)
    assert held.acquire(timeout=1)
    try:
        with pytest.raises(ServiceUnavailable) as raised:
            print_pdf("<p>x</p>", {}, {}, _program(tmp_path, "exit 0"), 0.2, 1000, 1)
        assert raised.value.code == "brochure_busy"
    finally:
        held.release()
