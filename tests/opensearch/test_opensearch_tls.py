"""TLS and basic authentication in front of the test cluster (nginx, from cluster.sh with
CLUSTER_TLS=1): what a user's cluster behind a proxy looks like, for the backend's tests."""

from __future__ import annotations

import base64
import json
import ssl
import urllib.error
import urllib.request

import pytest
from opensearch_cluster import (  # the *_fixture names register the fixtures
    Cluster,
    TlsProxy,
    cluster_unavailable,
    opensearch_cluster_fixture,  # noqa: F401
)


@pytest.fixture
def tls(opensearch_cluster: Cluster) -> TlsProxy:
    proxy = opensearch_cluster.tls
    if proxy is None:
        cluster_unavailable("no TLS proxy in front of the cluster (cluster.sh with CLUSTER_TLS=1)")
    return proxy


def _get(url: str, user: str | None, password: str | None, context: ssl.SSLContext | None):
    headers = {}
    if user is not None:
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, context=context, timeout=30) as resp:
        return resp.status, json.loads(resp.read())


def _strict_context(ca_file) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(ca_file))
    context.verify_flags |= ssl.VERIFY_X509_STRICT  # Python 3.13's default; hold to it now
    return context


def test_https_with_the_ca_file_and_the_password_reaches_the_cluster(
    opensearch_cluster: Cluster, tls: TlsProxy
):
    assert tls.url.startswith("https://127.0.0.1:")
    status, health = _get(
        f"{tls.url}/_cluster/health", tls.user, tls.password, _strict_context(tls.ca_file)
    )
    assert status == 200
    # the same cluster as the plain URL, not some other server
    assert health["cluster_name"] == opensearch_cluster.health()["cluster_name"]
    assert health["status"] in ("green", "yellow")


def test_a_wrong_password_or_none_is_refused(tls: TlsProxy):
    context = _strict_context(tls.ca_file)
    for user, password in ((tls.user, tls.password + "x"), ("nobody", tls.password), (None, None)):
        with pytest.raises(urllib.error.HTTPError) as refused:
            _get(f"{tls.url}/", user, password, context)
        assert refused.value.code == 401, (user, password)


def test_without_the_ca_file_the_certificate_is_not_trusted(tls: TlsProxy):
    with pytest.raises(urllib.error.URLError) as refused:
        _get(f"{tls.url}/", tls.user, tls.password, ssl.create_default_context())
    assert isinstance(refused.value.reason, ssl.SSLCertVerificationError)


def test_plain_http_to_the_tls_port_is_refused(tls: TlsProxy):
    plain = tls.url.replace("https://", "http://", 1)
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(f"{plain}/", tls.user, tls.password, None)
    assert refused.value.code == 400  # nginx: "The plain HTTP request was sent to HTTPS port"
