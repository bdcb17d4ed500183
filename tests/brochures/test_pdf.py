"""The printed 招商册 (issue 15): the PDF read back with poppler (pdftotext, pdffonts, pdftoppm),
its cache reused until the data changes. Few tests: each print takes seconds."""

import subprocess
import threading
import time
from pathlib import Path

from sqlalchemy import text as text_sql

from tests.brochures.conftest import HOSTILE, SECRET_PHONE
from tests.support.records import if_match


def pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        for n in range(1, count + 1)
    ]


def fonts(pdf: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "f.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def test_the_internal_pdf_names_the_park_and_is_marked_on_every_page(client, admin, hostile_park, tmp_path, artifacts) -> None:
    r = client.get(f"/api/v1/brochures/park/{hostile_park['id']}.pdf", params={"edition": "internal"}, headers=admin)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and r.headers["cache-control"] == "private, no-store"
    (artifacts / "brochure-park-internal.pdf").write_bytes(r.content)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(artifacts / "brochure-park-internal.pdf"), str(artifacts / "park-internal")],
        check=True,
    )
    text = pages(r.content, tmp_path)
    assert len(text) >= 3  # cover, figures and profile, maps, land ...
    assert all("内部资料" in page for page in text)
    # The hostile name is printed as text, in the cover and in every page's running header.
    assert HOSTILE in text[0] and all(HOSTILE in page for page in text[1:])
    assert SECRET_PHONE in "".join(text)
    assert "321.5" in "".join(text) and "大地块" in "".join(text)
    # One CJK font, embedded (a subset), no Type 3 stand-ins.
    found = fonts(r.content, tmp_path)
    assert found and all("WenQuanYiMicroHei" in row[0] and "yes" == row[-5] for row in found), found


def test_a_city_pdf_is_cached_until_its_data_changes(client, admin, db, hostile_park, tmp_path, artifacts) -> None:
    path = "/api/v1/brochures/city/360100.pdf"
    started = time.perf_counter()
    first = client.get(path, params={"lang": "en"})
    cold = time.perf_counter() - started
    assert first.status_code == 200 and first.headers["cache-control"] == "public, max-age=300"
    (artifacts / "brochure-city-360100-en.pdf").write_bytes(first.content)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", str(artifacts / "brochure-city-360100-en.pdf"), str(artifacts / "city-en")], check=True
    )
    text = "".join(pages(first.content, tmp_path))
    total = db.execute(
        text_sql(
            "SELECT sum(approved_area_ha) FROM parks p JOIN regions r ON r.adcode = p.region_adcode "
            "WHERE p.published AND r.parent_adcode = '360100'"
        )
    ).scalar_one()
    assert "City investment guide" in text and "南昌市" in text and "2026-01-15" in text and "test suite" in text
    assert f"{float(total):,.2f}".rstrip("0").rstrip(".") + " ha" in text
    assert "内部资料" not in text and SECRET_PHONE not in text
    started = time.perf_counter()
    again = client.get(path, params={"lang": "en"})
    warm = time.perf_counter() - started
    assert again.content == first.content and warm < cold / 5
    assert client.get(path, params={"lang": "en"}, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    park = f"/api/v1/parks/{hostile_park['id']}"
    assert client.patch(park, json={"approved_area_ha": 421.5}, headers=if_match(client, park, admin)).status_code == 200
    try:
        edited = client.get(path, params={"lang": "en"})
        assert edited.content != first.content
        assert f"{float(total) + 100:,.2f}".rstrip("0").rstrip(".") + " ha" in "".join(pages(edited.content, tmp_path))
    finally:
        client.patch(park, json={"approved_area_ha": 321.5}, headers=if_match(client, park, admin))


def test_a_city_booklet_is_a_background_job_with_contents_and_every_park(client, admin, callers, db, tmp_path, artifacts) -> None:
    city, names = db.execute(
        text_sql(
            "SELECT r.parent_adcode, array_agg(p.name) FROM parks p JOIN regions r ON r.adcode = p.region_adcode "
            "WHERE p.published GROUP BY 1 HAVING count(*) >= 2 ORDER BY count(*), 1 LIMIT 1"
        )
    ).one()
    start = "/api/v1/brochures/booklets"
    assert client.post(start, params={"city": city}).status_code == 401
    assert client.post(start, params={"city": city}, headers=callers["key_write"]).status_code == 403
    assert client.post(start, params={"city": "360121"}, headers=admin).status_code == 404  # a county
    r = client.post(start, params={"city": city}, headers=admin)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] in ("queued", "running", "done") and job["total"] == len(names)
    assert client.post(start, params={"city": city}, headers=admin).json()["id"] == job["id"]  # the same job
    seen = []
    deadline = time.monotonic() + 120
    while job["status"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.5)
        job = client.get(r.headers["location"], headers=admin).json()
        seen.append(job["done"])
    assert job["status"] == "done", job
    assert seen == sorted(seen) and job["done"] == len(names)
    assert client.get(job["pdf_url"]).status_code == 401
    pdf = client.get(job["pdf_url"], headers=admin)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    (artifacts / f"booklet-{city}.pdf").write_bytes(pdf.content)
    text = pages(pdf.content, tmp_path)
    assert "园区招商册汇编" in text[0] and "目录" in text[1]
    assert all(name in text[1] for name in names)  # the contents name every park
    covers = [n for n, page in enumerate(text) if "园区招商册" in page and "在线查看最新信息" in page]
    assert len(covers) == len(names)
    assert client.get(f"{start}/{city}-zh-1.pdf", headers=admin).status_code == 404
    assert client.get(f"{start}/..%2F..%2Fetc", headers=admin).status_code == 404


def test_the_cli_prints_a_park_and_closes_its_browser(hostile_park, tmp_path) -> None:
    from typer.testing import CliRunner

    from app.cli import app

    before = set(threading.enumerate())
    out = tmp_path / "park.pdf"
    args = ["brochure", "park", str(hostile_park["id"]), "--lang", "en", "--out", str(out), "--base-url", "https://map.example"]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    text = "".join(pages(out.read_bytes(), tmp_path))
    assert HOSTILE in text and "Park investment brochure" in text and "Straight-line" in text
    assert set(threading.enumerate()) <= before  # its printer's thread stopped: the browser closed with the command
