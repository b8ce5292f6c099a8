"""The test cluster itself: its nodes, the analysers the backend needs, and surviving node loss.

These run on the real cluster from tests/opensearch/cluster.sh (see opensearch_cluster.py).
"""

from __future__ import annotations

import pytest
from opensearch_cluster import (  # the *_fixture names register the fixtures
    Cluster,
    OpenSearchError,
    cluster_unavailable,
    opensearch_cluster_fixture,  # noqa: F401
    opensearch_index_fixture,  # noqa: F401
    wait_for,
)

ONE_SHARD_ONE_REPLICA = {"settings": {"number_of_shards": 1, "number_of_replicas": 1}}


def _search(cluster: Cluster, index: str, field: str, words: str) -> list[dict]:
    found = cluster.request("POST", f"/{index}/_search", {"query": {"match": {field: words}}})
    return found["hits"]["hits"]


def test_every_node_joined_and_the_cluster_is_green(opensearch_cluster: Cluster):
    cluster = opensearch_cluster
    if cluster.nodes is None:
        cluster_unavailable(f"{cluster.url} was not started by cluster.sh: its size is unknown")
    health = cluster.health(
        wait_for_status="green", wait_for_nodes=str(cluster.nodes), timeout="60s"
    )
    assert health["status"] == "green"
    assert health["number_of_nodes"] == cluster.nodes
    assert cluster.request("GET", "/")["version"]["number"].startswith("2.19.")
    # loopback only: every node publishes and binds HTTP and transport on 127.0.0.1
    nodes = cluster.request("GET", "/_nodes/http,transport")["nodes"].values()
    assert len(nodes) == cluster.nodes
    for node in nodes:
        for layer in ("http", "transport"):
            assert node[layer]["publish_address"].startswith("127.0.0.1:"), node[layer]
            assert all(a.startswith("127.0.0.1:") for a in node[layer]["bound_address"])


def test_the_english_analyzer_stems_so_analysis_common_is_loaded(
    opensearch_cluster: Cluster, opensearch_index
):
    cluster = opensearch_cluster
    body = dict(ONE_SHARD_ONE_REPLICA)
    body["mappings"] = {
        "properties": {
            "text": {"type": "text", "analyzer": "english"},
            "plain": {"type": "text", "analyzer": "standard"},
        }
    }
    index = opensearch_index(body)
    # the replica needs a second node: green means it was allocated there
    assert cluster.health(wait_for_status="green", timeout="60s")["status"] == "green"
    sentence = "The ceasefires were negotiated by both delegations"
    cluster.request("PUT", f"/{index}/_doc/1?refresh=true", {"text": sentence, "plain": sentence})

    # "negotiations" and "ceasefire" occur only as other forms of the same stems
    hits = _search(cluster, index, "text", "negotiations ceasefire")
    assert [hit["_id"] for hit in hits] == ["1"]
    assert _search(cluster, index, "plain", "negotiations") == []  # no stemming, no match
    tokens = cluster.request("POST", "/_analyze", {"analyzer": "english", "text": "ceasefires"})
    assert [t["token"] for t in tokens["tokens"]] == ["ceasefir"]


def test_an_analyzer_the_cluster_lacks_is_refused(opensearch_cluster: Cluster, opensearch_index):
    """The check above could not pass on a cluster that accepted any analyser name."""
    with pytest.raises(OpenSearchError) as refused:
        opensearch_index({"mappings": {"properties": {"t": {"type": "text", "analyzer": "nope"}}}})
    assert refused.value.status == 400


def _health_after_loss(cluster: Cluster, nodes: int) -> dict | None:
    try:
        health = cluster.health(wait_for_nodes=str(nodes), timeout="5s")
    except (OpenSearchError, OSError):
        return None  # no cluster manager yet: the survivors are electing one
    return health if health["number_of_nodes"] == nodes and not health["timed_out"] else None


def test_the_cluster_answers_after_node_3_is_killed(opensearch_cluster: Cluster, opensearch_index):
    cluster = opensearch_cluster
    if cluster.nodes is None or cluster.nodes < 3:
        cluster_unavailable("the node-loss test needs a cluster.sh cluster of 3 or more nodes")
    paragraphs = opensearch_index(ONE_SHARD_ONE_REPLICA)
    # a copy on every node: with one node gone, one copy cannot be placed, so it must be yellow
    everywhere = opensearch_index(
        {"settings": {"number_of_shards": 1, "number_of_replicas": cluster.nodes - 1}}
    )
    for index in (paragraphs, everywhere):
        cluster.request("PUT", f"/{index}/_doc/p1?refresh=true", {"text": "ceasefire talks"})
    assert cluster.health(wait_for_status="green", timeout="60s")["status"] == "green"

    cluster.run_script("kill-node", "3")
    try:
        health = wait_for(lambda: _health_after_loss(cluster, cluster.nodes - 1), timeout=90)
        assert health["status"] == "yellow", health
        for index in (paragraphs, everywhere):
            assert [h["_id"] for h in _search(cluster, index, "text", "ceasefire")] == ["p1"]
        cluster.request("PUT", f"/{paragraphs}/_doc/p2?refresh=true", {"text": "after the loss"})
        assert [h["_id"] for h in _search(cluster, paragraphs, "text", "loss")] == ["p2"]
    finally:
        # bring the cluster back whole for the tests after this one
        cluster.run_script("start-node", "3")
    health = cluster.health(wait_for_status="green", timeout="60s")
    assert health["number_of_nodes"] == cluster.nodes
