"""A Python client speaking the GridTrade envelope to running services: what any non-Swift client
sees on the wire. Every receive polls with a timeout, so a broken server fails a test, never hangs it."""

import json
import subprocess
import time
import uuid

import pytest
import zmq

from conftest import free_port

REPLY_TIMEOUT_MS = 5000
MAX_MESSAGE_BYTES = 4 << 20  # the services' default GRIDTRADE_MAX_MESSAGE_BYTES
LEDGER_MAX_MESSAGE_BYTES = 32 << 20  # the ledger's: its batches of contracts run to a few MiB


def send(sock: zmq.Socket, method: str, body=None) -> str:
    """Sends one request frame under a fresh id; returns the id."""
    request_id = uuid.uuid4().hex
    request = {"id": request_id, "method": method, "body": {} if body is None else body}
    sock.send(json.dumps(request).encode())
    return request_id


def receive(sock: zmq.Socket, timeout_ms: int = REPLY_TIMEOUT_MS) -> dict:
    if not sock.poll(timeout_ms):
        pytest.fail(f"no reply within {timeout_ms} ms")
    return json.loads(sock.recv())


def call(sock: zmq.Socket, method: str, body=None) -> dict:
    request_id = send(sock, method, body)
    reply = receive(sock)
    assert reply["id"] == request_id
    return reply


# Two executables, the second under an instance name that differs from its service name.
@pytest.fixture(params=[("registry", "registry"), ("ledger", "ledger-2")], ids=["registry", "ledger"])
def running(request, service, bin_dir, tmp_path):
    executable, instance = request.param
    extra_env = None
    if executable == "ledger":
        # A data center needs its cluster's keys and peers; the other three need not run for it to serve.
        keys = tmp_path / "ledger-keys"
        subprocess.run([str(bin_dir / "gridtrade"), "ledger", "keygen", "--data-centers", "4", "--out", str(keys)], check=True, capture_output=True)
        extra_env = {
            "GRIDTRADE_LEDGER_NODE": "2",
            "GRIDTRADE_LEDGER_PEERS": ",".join(f"tcp://127.0.0.1:{free_port()}" for _ in range(4)),
            "GRIDTRADE_LEDGER_KEY": str(keys / "node-2.pem"),
            "GRIDTRADE_LEDGER_MEMBERS": str(keys / "members.pem"),
        }
    return service(executable, instance=instance, extra_env=extra_env)


@pytest.fixture
def connect(zmq_context):
    """Factory for sockets with linger 0, closed at teardown even when a test fails mid-exchange."""
    sockets = []

    def make(kind: int, endpoint: str, topic: bytes | None = None) -> zmq.Socket:
        sock = zmq_context.socket(kind)
        sockets.append(sock)
        sock.linger = 0
        if topic is not None:
            sock.subscribe(topic)
        sock.connect(endpoint)
        return sock

    yield make
    for sock in sockets:
        sock.close()


@pytest.fixture
def dealer(running, connect):
    return connect(zmq.DEALER, running.rpc_endpoint)


def test_health_check(dealer):
    reply = call(dealer, "Health/Check")
    assert set(reply) == {"id", "status", "body"}
    assert reply["status"]["code"] == 0
    assert isinstance(reply["status"]["message"], str)
    assert reply["body"] == {"status": "SERVING"}


def test_pipelined_requests_are_all_answered(dealer):
    sent = {send(dealer, "Health/Check") for _ in range(200)}
    assert len(sent) == 200
    replies = [receive(dealer) for _ in sent]
    # Replies may come in any order; each id exactly once.
    assert sorted(reply["id"] for reply in replies) == sorted(sent)
    assert all(reply["status"]["code"] == 0 for reply in replies)


@pytest.mark.parametrize(
    ("frame", "code", "reply_id"),
    [
        (b'{"id": "u", "method": "Nope/Nothing", "body": {}}', 12, "u"),
        (b"\x01\x02 not json", 3, ""),
        (b'{"id": "x", "body": {}}', 3, "x"),
        (b'{"id": "d", "method": "Health/Check", "deadline_ms": 0, "body": {}}', 4, "d"),
    ],
    ids=["unknown-method", "not-json", "no-method", "expired-deadline"],
)
def test_bad_request_gets_status_and_null_body(dealer, frame, code, reply_id):
    dealer.send(frame)
    reply = receive(dealer)
    assert (reply["id"], reply["status"]["code"], reply["body"]) == (reply_id, code, None)
    assert reply["status"]["message"]
    # Nothing a client sends stops the server.
    assert call(dealer, "Health/Check")["status"]["code"] == 0


def test_oversized_frame_drops_only_that_connection(running, dealer, connect):
    # A valid request padded past the limit: had it been delivered, it would be answered.
    limit = LEDGER_MAX_MESSAGE_BYTES if running.executable == "ledger" else MAX_MESSAGE_BYTES
    padding = "x" * (limit + 1024 * 1024)
    assert len(padding) > limit
    request_id = send(dealer, "Health/Check", {"service": padding})
    assert not dealer.poll(1000), f"oversized request {request_id} was answered"

    fresh = connect(zmq.DEALER, running.rpc_endpoint)
    assert call(fresh, "Health/Check")["body"] == {"status": "SERVING"}


def test_req_socket(running, connect):
    # REQ adds an empty delimiter frame; the server must answer it like a DEALER.
    req = connect(zmq.REQ, running.rpc_endpoint)
    assert call(req, "Health/Check")["body"] == {"status": "SERVING"}
    req.send(b"garbage")
    reply = receive(req)
    assert (reply["id"], reply["status"]["code"]) == ("", 3)
    assert call(req, "Health/Check")["body"] == {"status": "SERVING"}


def test_metrics_count_health_checks(dealer):
    checks = 5
    for _ in range(checks):
        assert call(dealer, "Health/Check")["status"]["code"] == 0
    reply = call(dealer, "Metrics/Get", {})
    assert reply["status"]["code"] == 0
    values = reply["body"]["values"]
    assert values["rpc.server.requests{method=Health/Check,code=0}"] >= checks


def events_since(dealer, topic: str, after_seq: int = 0) -> dict:
    reply = call(dealer, "Events/Since", {"topic": topic, "after_seq": after_seq})
    assert reply["status"]["code"] == 0, reply["status"]
    return reply["body"]


def test_service_started_is_caught_up_through_events_since(running, dealer, connect):
    sub = connect(zmq.SUB, running.events_endpoint, topic=b"ServiceStarted")
    # PUB/SUB does not replay: the start-up event went out before this subscriber existed.
    assert not sub.poll(300)

    caught_up = events_since(dealer, "ServiceStarted")
    stream = caught_up["stream"]
    assert isinstance(stream, str) and stream
    assert (caught_up["head"], caught_up["truncated"], len(caught_up["events"])) == (1, False, 1)
    event = caught_up["events"][0]
    assert set(event) == {"topic", "seq", "stream", "time_ms", "source", "body"}
    assert (event["topic"], event["seq"], event["stream"], event["source"]) == ("ServiceStarted", 1, stream, running.instance)
    assert isinstance(event["time_ms"], int)
    assert abs(event["time_ms"] - time.time() * 1000) < 60_000
    body = event["body"]
    assert isinstance(body.pop("version"), str)
    assert body == {
        "service": running.executable,
        "instance": running.instance,
        "pid": running.process.pid,
        "rpc_endpoint": running.rpc_endpoint,
        "events_endpoint": running.events_endpoint,
    }


def test_heartbeat_carries_topic_heads(running, dealer, connect):
    sub = connect(zmq.SUB, running.events_endpoint, topic=b"Heartbeat")
    # Heartbeats come every 200 ms here; 2 s covers the subscription reaching the publisher.
    if not sub.poll(2000):
        pytest.fail("no heartbeat within 2 s")
    topic, frame = sub.recv_multipart()
    assert topic == b"Heartbeat"
    beat = json.loads(frame)
    assert beat["stream"] == events_since(dealer, "ServiceStarted")["stream"]
    assert beat["source"] == running.instance
    assert isinstance(beat["time_ms"], int)
    assert beat["heads"]["ServiceStarted"] == 1


def test_events_since_rejects_limit_zero(dealer):
    reply = call(dealer, "Events/Since", {"topic": "ServiceStarted", "after_seq": 0, "limit": 0})
    assert reply["status"]["code"] == 3
    assert reply["body"] is None
