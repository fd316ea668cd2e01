"""`deploy` to a real S3 server (SeaweedFS) on 127.0.0.1: objects, their bytes and their headers are read
back with boto3, not taken from what deploy prints."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime
from pathlib import PurePosixPath

import pytest
from deploy_servers import SeaweedS3
from deploy_sites import DeploySite, digests
from live_server import free_port

from akhbar.config import load_config
from akhbar.deploy import run_deploy
from akhbar.deploy_plan import ASSETS, FEEDS, MANIFEST_NAME, PAGES, phase_of
from akhbar.errors import AkhbarError

PREFIX = "akhbar/"
YEAR = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
# What a browser must be told, by kind, written out here rather than taken from deploy_plan.
EXPECTED_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".woff2": "font/woff2",
                  ".webp": "image/webp", ".avif": "image/avif", ".jpg": "image/jpeg", ".png": "image/png",
                  ".json": "application/json", ".js": "text/javascript; charset=utf-8"}


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    with SeaweedS3(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


@pytest.fixture
def site(sample_site, tmp_path, s3, monkeypatch, request):
    for name, value in s3.env().items():
        monkeypatch.setenv(name, value)
    bucket = "t-" + hashlib.sha256(request.node.name.encode()).hexdigest()[:12]  # one bucket per test
    s3.client().create_bucket(Bucket=bucket)
    site = DeploySite.copy_of(sample_site.root, sample_site.output, tmp_path)
    site.bucket = bucket  # type: ignore[attr-defined]
    site.configure(s3_table(s3, bucket))
    return site


def s3_table(s3: SeaweedS3, bucket: str, delete: bool = False, **override) -> str:
    keys = {"type": "s3", "endpoint": s3.endpoint, "bucket": bucket, "prefix": PREFIX, "region": "us-east-1",
            "delete": delete, **override}
    return "[deploy.store]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in keys.items())


def objects(s3: SeaweedS3, bucket: str) -> dict[str, dict]:
    """Every object under PREFIX: key (without PREFIX) → its listing entry."""
    found, token = {}, {}
    client = s3.client()
    while True:
        page = client.list_objects_v2(Bucket=bucket, Prefix=PREFIX, **token)
        for entry in page.get("Contents", []):
            found[entry["Key"][len(PREFIX):]] = entry
        if not page.get("IsTruncated"):
            return found
        token = {"ContinuationToken": page["NextContinuationToken"]}


def remote_manifest(s3: SeaweedS3, bucket: str) -> dict[str, str]:
    body = s3.client().get_object(Bucket=bucket, Key=PREFIX + MANIFEST_NAME)["Body"].read()
    return json.loads(body)["files"]


def next_second() -> datetime:
    """A moment after which every write is later than every earlier one at S3's one-second resolution."""
    time.sleep(1.1)
    return datetime.now(UTC).replace(microsecond=0)


def test_deploy_headers_change_one_article_delete_and_dry_run(s3, site):
    bucket = site.bucket
    client = s3.client()
    built = digests(site.output)

    code, out, err = site.deploy("--dry-run")
    assert (code, err) == (0, "")
    assert sorted(line.split()[1] for line in out.splitlines() if line.startswith("upload  ")) == sorted(built)
    assert objects(s3, bucket) == {}

    code, out, err = site.deploy()
    assert code == 0, err
    assert f": {len(built)} uploaded (" in out
    listed = objects(s3, bucket)
    assert set(listed) == set(built) | {MANIFEST_NAME}
    assert remote_manifest(s3, bucket) == built
    for rel in built:  # every object's bytes, type and caching, as a browser gets them
        head = client.head_object(Bucket=bucket, Key=PREFIX + rel)
        assert head["ContentLength"] == (site.output / rel).stat().st_size, rel
        name, suffix = PurePosixPath(rel).name, PurePosixPath(rel).suffix
        if name == "feed.xml":
            assert head["ContentType"] == "application/atom+xml", rel
        elif name.startswith("sitemap"):
            assert head["ContentType"] == "application/xml", rel
        elif suffix in EXPECTED_TYPES:
            assert head["ContentType"] == EXPECTED_TYPES[suffix], rel
        fingerprinted = rel.startswith("images/") or ".pf_" in suffix
        assert head["CacheControl"] == (YEAR if fingerprinted else SHORT), rel
    assert client.head_object(Bucket=bucket, Key=PREFIX + "static/css/site.css")["CacheControl"] == SHORT
    page = "news/tabriz-maragheh-freeway/index.html"
    assert client.get_object(Bucket=bucket, Key=PREFIX + page)["Body"].read() == (site.output / page).read_bytes()

    # nothing changed: nothing is written
    since = next_second()
    code, out, _ = site.deploy()
    assert code == 0 and f": 0 uploaded (0 bytes), {len(built)} unchanged" in out
    assert [k for k, e in objects(s3, bucket).items() if e["LastModified"] >= since] == []

    # one article changes: only the objects whose bytes changed are written
    changed, new, gone = site.change_article_and_build()
    code, out, _ = site.deploy("--dry-run")
    assert {line.split()[1] for line in out.splitlines() if line.startswith("upload  ")} == changed | new
    since = next_second()
    code, out, _ = site.deploy()
    assert code == 0 and f": {len(changed | new)} uploaded (" in out
    listed = objects(s3, bucket)
    assert {k for k, e in listed.items() if e["LastModified"] >= since} == changed | new | {MANIFEST_NAME}
    assert gone <= set(listed)  # delete = false keeps them
    assert remote_manifest(s3, bucket) == {**{rel: built[rel] for rel in gone}, **digests(site.output)}

    # delete = true removes them, and only them
    site.configure(s3_table(s3, bucket, delete=True))
    code, out, _ = site.deploy("--dry-run")
    assert {line.split()[1] for line in out.splitlines() if line.startswith("delete  ")} == gone
    assert set(objects(s3, bucket)) == set(listed)
    code, out, _ = site.deploy()
    assert code == 0 and f", {len(gone)} deleted" in out
    assert set(objects(s3, bucket)) == set(digests(site.output)) | {MANIFEST_NAME}
    assert remote_manifest(s3, bucket) == digests(site.output)


def _phases(files) -> dict[str, set[str]]:
    return {kind: {rel for rel in files if phase_of(rel) == kind} for kind in (ASSETS, PAGES, FEEDS)}


def test_an_interrupted_deploy_records_what_arrived_and_a_rerun_sends_the_rest(s3, site):
    """Ctrl-C in the middle of the pages: the pages that arrived are recorded, the re-run sends only the rest."""
    bucket = site.bucket
    built = digests(site.output)
    kinds = _phases(built)
    config = load_config(site.root)
    stop_at = len(kinds[ASSETS]) + 10

    def interrupt(done: int, total: int) -> None:
        if done == stop_at:
            raise KeyboardInterrupt

    with pytest.raises(AkhbarError) as info:
        run_deploy(config, site.output, progress=interrupt)
    (problem,) = info.value.problems
    lines = str(problem).split("\n  ")
    assert lines[0] == "deploy store: interrupted"
    assert lines[1] == f"done: assets ({len(kinds[ASSETS])} files)"
    assert lines[2].startswith("stopped in pages: ")
    arrived = int(lines[2].split()[3])
    assert 10 <= arrived < len(kinds[PAGES])
    assert lines[2].endswith("arrived (recorded on the target, so the next run does not send them again)")
    assert lines[3] == f"not started: feeds and sitemaps ({len(kinds[FEEDS])} files)"
    recorded = remote_manifest(s3, bucket)
    assert set(recorded) >= kinds[ASSETS] and len(set(recorded) & kinds[PAGES]) == arrived
    assert set(objects(s3, bucket)) == set(recorded) | {MANIFEST_NAME}
    assert not any(rel in recorded for rel in kinds[FEEDS])

    since = next_second()
    code, out, err = site.deploy()
    assert code == 0, err
    rest = len(kinds[PAGES]) - arrived + len(kinds[FEEDS])
    assert f": {rest} uploaded (" in out
    listed = objects(s3, bucket)
    assert {k for k, e in listed.items() if e["LastModified"] >= since} == \
           (set(built) - set(recorded)) | {MANIFEST_NAME}
    assert remote_manifest(s3, bucket) == built


def test_the_server_dying_mid_way_keeps_finished_phases(s3, site):
    """The server goes away during the pages: the assets phase was recorded; once it is back, the re-run
    does not send the assets again."""
    bucket = site.bucket
    built = digests(site.output)
    kinds = _phases(built)
    stop_at = len(kinds[ASSETS]) + 5

    def kill_server(done: int, total: int) -> None:
        if done == stop_at:
            s3.crash()

    try:
        with pytest.raises(AkhbarError) as info:
            run_deploy(load_config(site.root), site.output, progress=kill_server)
    finally:
        if s3.proc is None:
            s3.start()
    lines = str(info.value.problems[0]).split("\n  ")
    assert lines[0].startswith(f"deploy store: cannot reach {s3.endpoint}")
    assert lines[1] == f"done: assets ({len(kinds[ASSETS])} files)"
    assert lines[2].startswith("stopped in pages: ")
    assert "Traceback" not in str(info.value)
    assert remote_manifest(s3, bucket) == {rel: built[rel] for rel in kinds[ASSETS]}

    since = next_second()
    code, out, err = site.deploy()
    assert code == 0, err
    assert f": {len(kinds[PAGES]) + len(kinds[FEEDS])} uploaded (" in out
    rewritten = {k for k, e in objects(s3, bucket).items() if e["LastModified"] >= since}
    # Not one asset sent again. (Every page and feed was, as the count above says; but a page that had
    # reached the server just before it was killed may keep that first upload's LastModified when the
    # same bytes arrive again: SeaweedFS did so once, so the dates of pages are not asserted.)
    assert not rewritten & kinds[ASSETS]
    assert rewritten <= kinds[PAGES] | kinds[FEEDS] | {MANIFEST_NAME} and MANIFEST_NAME in rewritten
    assert remote_manifest(s3, bucket) == built


def test_errors_name_the_target_in_one_plain_message(s3, site, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    code, _, err = site.deploy()
    assert code == 1
    assert err.splitlines() == [f"deploy store: {s3.endpoint} rejected the credentials in AWS_ACCESS_KEY_ID and "
                                "AWS_SECRET_ACCESS_KEY (SignatureDoesNotMatch)", "1 problem; nothing more was sent."]
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3.SECRET_KEY)

    site.configure(s3_table(s3, "no-such-bucket"))
    code, _, err = site.deploy()
    assert err.splitlines()[0] == f"deploy store: bucket 'no-such-bucket' does not exist at {s3.endpoint}; create it first"

    closed = f"http://127.0.0.1:{free_port()}"
    site.configure(s3_table(s3, site.bucket, endpoint=closed))
    code, _, err = site.deploy()
    assert code == 1
    assert err.splitlines()[0].startswith(f"deploy store: cannot reach {closed}: ")
    assert "Traceback" not in err
    assert objects(s3, site.bucket) == {}
