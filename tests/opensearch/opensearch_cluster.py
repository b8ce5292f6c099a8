"""The real OpenSearch cluster the tests run against, and a small stdlib HTTP client for it.

`.ci/run` starts a 3-node cluster with `cluster.sh start 3` and exports its URL as
SEARCH_TEST_OPENSEARCH_URL (and its state directory as CLUSTER_DIR, so tests can kill a node).
Without that variable the `opensearch_cluster` fixture starts its own cluster for the session,
when Java and Maven are there; when they are not the tests skip, saying why, unless
SEARCH_REQUIRE_OPENSEARCH=1 (CI), where a missing cluster is a failure.

A test module gets the fixtures `opensearch_cluster` and `opensearch_index` by importing
`opensearch_cluster_fixture` and `opensearch_index_fixture` from here (this folder is on
sys.path for the tests in it). There is no conftest.py in this folder on purpose: a second
module named `conftest` would shadow tests/conftest.py for the test modules that do
`from conftest import ...`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CLUSTER_SH = Path(__file__).resolve().parent / "cluster.sh"
URL_VAR = "SEARCH_TEST_OPENSEARCH_URL"
REQUIRE_VAR = "SEARCH_REQUIRE_OPENSEARCH"
STATE_VAR = "CLUSTER_DIR"
NODES = 3
# Taken at import, before the suite's autouse fixture points HOME at a temporary folder:
# Maven must find its cache (~/.m2) where it is.
_ENV = dict(os.environ)


def cluster_unavailable(reason: str) -> None:
    """Skip, or fail when the run requires a cluster (CI sets SEARCH_REQUIRE_OPENSEARCH=1)."""
    if _ENV.get(REQUIRE_VAR) == "1":
        pytest.fail(f"{REQUIRE_VAR}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


class OpenSearchError(Exception):
    """A non-2xx answer, with its status and body."""

    def __init__(self, status: int, body: object):
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


@dataclass
class TlsProxy:
    """nginx in front of the cluster (cluster.sh with CLUSTER_TLS=1): TLS and basic auth."""

    url: str
    ca_file: Path
    user: str
    password: str


@dataclass
class Cluster:
    """A running test cluster: its URL and, when cluster.sh started it, its state directory."""

    url: str
    state_dir: Path | None

    @property
    def nodes(self) -> int | None:
        """How many nodes cluster.sh started (None for a cluster it did not start)."""
        if self.state_dir is None:
            return None
        return int((self.state_dir / "nodes").read_text())

    @property
    def tls(self) -> TlsProxy | None:
        """The TLS proxy cluster.sh started in front of this cluster, if it did."""
        if self.state_dir is None or not (self.state_dir / "tls_url").is_file():
            return None
        tls = self.state_dir / "tls"
        return TlsProxy(
            url=(self.state_dir / "tls_url").read_text().strip(),
            ca_file=tls / "ca.pem",
            user=(tls / "user").read_text().strip(),
            password=(tls / "password").read_text().strip(),
        )

    def request(self, method: str, path: str, body: object = None, timeout: float = 60) -> dict:
        """Send one request; JSON in and out. Raises OpenSearchError on a non-2xx status."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url.rstrip("/") + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as err:
            raw = err.read()
            try:
                payload: object = json.loads(raw)
            except ValueError:
                payload = raw.decode(errors="replace")
            raise OpenSearchError(err.code, payload) from None

    def health(self, **params: str) -> dict:
        """GET /_cluster/health with `params` (wait_for_status=..., timeout=...)."""
        query = urllib.parse.urlencode(params)
        return self.request("GET", "/_cluster/health" + (f"?{query}" if query else ""))

    def run_script(self, *args: str) -> subprocess.CompletedProcess:
        """Run cluster.sh on this cluster's state directory (kill-node, start-node)."""
        if self.state_dir is None:
            cluster_unavailable(f"the cluster at {self.url} was not started by cluster.sh here")
        env = dict(_ENV, **{STATE_VAR: str(self.state_dir)})
        return subprocess.run(
            ["bash", str(CLUSTER_SH), *args],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=600,
            check=True,
        )


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/", timeout=10):
            return True
    except (OSError, ValueError):
        return False


def _given_cluster(url: str) -> Cluster:
    """The cluster named by SEARCH_TEST_OPENSEARCH_URL; it must answer (it was promised)."""
    if not _answers(url):
        pytest.fail(f"{URL_VAR}={url} does not answer", pytrace=False)
    state = _ENV.get(STATE_VAR)
    state_dir = Path(state) if state else None
    if state_dir is not None and not (
        (state_dir / "url").is_file() and (state_dir / "url").read_text().strip() == url.rstrip("/")
    ):
        state_dir = None  # the state there is another cluster's: no kill-node on this one
    return Cluster(url=url.rstrip("/"), state_dir=state_dir)


def _start_own_cluster(config: pytest.Config) -> Cluster | str:
    """Start a cluster with cluster.sh, stopped when the session ends; or say why not."""
    path = _ENV.get("PATH")
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool, path=path) is None]
    if _ENV.get("JAVA_HOME") and "java" in missing:
        missing.remove("java")
    if missing:
        return (
            f"no OpenSearch test cluster: {URL_VAR} is not set and {' and '.join(missing)} "
            "(needed to start one with tests/opensearch/cluster.sh) not found"
        )
    state_dir = Path(tempfile.mkdtemp(prefix="archive-search-opensearch-"))
    env = dict(_ENV, **{STATE_VAR: str(state_dir)})
    if all(shutil.which(tool, path=f"{path}:/usr/sbin") for tool in ("nginx", "openssl")):
        env.setdefault("CLUSTER_TLS", "1")

    def stop() -> None:
        subprocess.run(
            ["bash", str(CLUSTER_SH), "stop"],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=300,
        )
        shutil.rmtree(state_dir, ignore_errors=True)

    config.add_cleanup(stop)
    started = subprocess.run(
        ["bash", str(CLUSTER_SH), "start", str(NODES)],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )
    if started.returncode != 0:
        return f"cluster.sh start {NODES} failed:\n{started.stderr}"
    return Cluster(url=started.stdout.strip().splitlines()[-1], state_dir=state_dir)


# One cluster per test session, whichever modules import the fixture: each importing module
# gets a fixture of its own from pytest, so the cluster (or why there is none) is kept here.
_sessions: dict[int, Cluster | str] = {}


@pytest.fixture(scope="session", name="opensearch_cluster")
def opensearch_cluster_fixture(request: pytest.FixtureRequest) -> Cluster:
    """The session's cluster: the one CI started, or one started here (stopped at the end)."""
    url = _ENV.get(URL_VAR)
    if url:
        return _given_cluster(url)
    key = id(request.config)
    if key not in _sessions:
        _sessions[key] = _start_own_cluster(request.config)
    cluster = _sessions[key]
    if isinstance(cluster, str):
        if cluster.startswith("cluster.sh start"):
            pytest.fail(cluster, pytrace=False)
        cluster_unavailable(cluster)
    return cluster


@pytest.fixture(name="opensearch_index")
def opensearch_index_fixture(opensearch_cluster: Cluster) -> Iterator[Callable[[dict], str]]:
    """Create indexes with unique names for one test (`make(body) -> name`); delete them after."""
    made: list[str] = []

    def make(body: dict) -> str:
        name = f"test-{uuid.uuid4().hex[:12]}"
        opensearch_cluster.request("PUT", f"/{name}", body)
        made.append(name)
        return name

    yield make
    for name in made:
        with contextlib.suppress(OpenSearchError):
            opensearch_cluster.request("DELETE", f"/{name}")


def wait_for(predicate, timeout: float = 60, interval: float = 0.5):
    """Poll `predicate()` until it returns something true; return it, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s (last: {last!r})", pytrace=False)
