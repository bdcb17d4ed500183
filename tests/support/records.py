"""Records through the API: what a write must send back."""

from fastapi.testclient import TestClient


def if_match(client: TestClient, path: str, headers: dict[str, str]) -> dict[str, str]:
    """`headers` plus If-Match with the current ETag of the record at `path`."""
    r = client.get(path, headers=headers)
    assert r.status_code == 200, r.text
    return {**headers, "If-Match": r.headers["etag"]}
