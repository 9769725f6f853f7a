"""A client in another language against four real data centers: it signs a transaction the way
docs/protocol.md ("Ledger") says, submits it, and re-checks the certified chain it lands in -
header hashes, hash links, Merkle roots, 2f+1 data-center signatures - trusting only members.pem."""

import base64
import hashlib
import json
import os
import struct
import subprocess
import uuid

import pytest
import zmq
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import Service, _stop, _wait_serving, free_port

NODES = 4


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def u32(value: int) -> bytes:
    return struct.pack(">I", value)


def u64(value: int) -> bytes:
    return struct.pack(">Q", value)


def lp(data: bytes) -> bytes:
    return u32(len(data)) + data


b64d = base64.b64decode


def b64e(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def ledger(bin_dir, tmp_path, zmq_context):
    """Four ledger processes with keys from `gridtrade ledger keygen`; yields (rpc endpoints, members.pem).
    The data centers' own keys (node-K.pem beside members.pem) are members' keys: they may write notes."""
    keys = tmp_path / "keys"
    subprocess.run([str(bin_dir / "gridtrade"), "ledger", "keygen", "--data-centers", str(NODES), "--out", str(keys)], check=True, capture_output=True)
    ports = set()
    while len(ports) < 2 * NODES:
        ports.add(free_port())
    ports = sorted(ports)
    rpc = [f"tcp://127.0.0.1:{ports[2 * i]}" for i in range(NODES)]
    started = []
    try:
        for i in range(NODES):
            instance = f"ledger-{i + 1}"
            env = os.environ | {
                "GRIDTRADE_INSTANCE": instance,
                "GRIDTRADE_RPC_ENDPOINT": rpc[i],
                "GRIDTRADE_EVENTS_ENDPOINT": f"tcp://127.0.0.1:{ports[2 * i + 1]}",
                "GRIDTRADE_DATA_DIR": str(tmp_path / instance),
                "GRIDTRADE_LEDGER_NODE": str(i + 1),
                "GRIDTRADE_LEDGER_PEERS": ",".join(rpc),
                "GRIDTRADE_LEDGER_KEY": str(keys / f"node-{i + 1}.pem"),
                "GRIDTRADE_LEDGER_MEMBERS": str(keys / "members.pem"),
            }
            log_path = tmp_path / f"{instance}.log"
            with log_path.open("wb") as log:
                process = subprocess.Popen([str(bin_dir / "ledger")], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
            running = Service("ledger", instance, rpc[i], env["GRIDTRADE_EVENTS_ENDPOINT"], process, log_path)
            started.append(running)
            _wait_serving(zmq_context, running)
        yield rpc, keys / "members.pem"
    finally:
        for running in started:
            _stop(running.process)


class Client:
    def __init__(self, context: zmq.Context, endpoint: str):
        self.sock = context.socket(zmq.DEALER)
        self.sock.linger = 0
        self.sock.connect(endpoint)

    def call(self, method: str, body: dict, timeout_ms: int = 20000) -> tuple[int, dict]:
        request_id = uuid.uuid4().hex
        self.sock.send(json.dumps({"id": request_id, "method": method, "deadline_ms": timeout_ms, "body": body}).encode())
        while self.sock.poll(timeout_ms + 2000):
            reply = json.loads(self.sock.recv_multipart()[-1])
            if reply["id"] == request_id:
                return reply["status"]["code"], reply.get("body")
        raise TimeoutError(method)


def sign_transaction(key: ec.EllipticCurvePrivateKey, payload: bytes) -> tuple[dict, str]:
    submitter = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    signature = key.sign(b"GRIDTRADE-TX-V1\x00" + lp(submitter) + lp(payload), ec.ECDSA(hashes.SHA256()))
    tx_id = sha256(b"GRIDTRADE-TXID-V1\x00" + lp(submitter) + lp(payload)).hex()
    return {"payload": b64e(payload), "submitter": b64e(submitter), "signature": b64e(signature)}, tx_id


def header_hash(header: dict) -> bytes:
    return sha256(b"\x01" + u64(header["height"]) + bytes.fromhex(header["previous_hash"]) + bytes.fromhex(header["merkle_root"])
                  + u64(header["timestamp"]) + u64(header["nonce"]) + u32(header["proposer"]) + u64(header["view"]))


def merkle_root(leaves: list[bytes]) -> bytes:
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return leaves[0]
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    return sha256(b"\x01" + merkle_root(leaves[:split]) + merkle_root(leaves[split:]))


def leaf(tx: dict) -> bytes:
    return sha256(b"\x00" + lp(b64d(tx["submitter"])) + lp(b64d(tx["payload"])) + lp(b64d(tx["signature"])))


def verifies(key, signature: bytes, data: bytes) -> bool:
    try:
        key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        return True
    except InvalidSignature:
        return False


def data_center_key(members, number: int) -> ec.EllipticCurvePrivateKey:
    """Data center `number`'s own key, from the directory `gridtrade ledger keygen` wrote."""
    return serialization.load_pem_private_key((members.parent / f"node-{number}.pem").read_bytes(), password=None)


def test_python_signed_transaction_commits_in_a_chain_python_can_check(ledger, zmq_context):
    rpc, members = ledger
    key = data_center_key(members, 2)  # only members write notes
    payload = json.dumps({"contract": "c-42", "nonce": uuid.uuid4().hex}).encode()
    transaction, tx_id = sign_transaction(key, payload)

    code, reply = Client(zmq_context, rpc[1]).call("Ledger/Submit", {"transaction": transaction, "wait": True})
    assert code == 0, reply
    assert reply["committed"] and reply["transaction_id"] == tx_id

    # Another data center's copy of the chain, checked with nothing but the data centers' keys.
    end = b"-----END PUBLIC KEY-----"
    dc_keys = [serialization.load_pem_public_key(part.strip() + b"\n" + end + b"\n")
               for part in members.read_bytes().split(end) if part.strip()]
    assert len(dc_keys) == NODES
    quorum = 2 * ((NODES - 1) // 3) + 1
    other = Client(zmq_context, rpc[3])
    blocks = []
    for _ in range(100):  # node 4 may store the block a moment after node 2 answered
        code, body = other.call("Ledger/GetBlocks", {"from": 1, "through": reply["height"]})
        assert code == 0
        blocks = body["blocks"]
        if len(blocks) == reply["height"]:
            break
    assert len(blocks) == reply["height"]
    previous = bytes(32)
    for height, committed in enumerate(blocks, start=1):
        header, certificate = committed["block"]["header"], committed["certificate"]
        assert header["height"] == height and bytes.fromhex(header["previous_hash"]) == previous
        assert bytes.fromhex(header["merkle_root"]) == merkle_root([leaf(tx) for tx in committed["block"]["transactions"]])
        digest = header_hash(header)
        assert bytes.fromhex(certificate["header_hash"]) == digest and certificate["height"] == height
        signers = [entry["replica"] for entry in certificate["signatures"]]
        assert len(set(signers)) == len(signers) >= quorum
        for entry in certificate["signatures"]:
            assert verifies(dc_keys[entry["replica"]], b64d(entry["signature"]), b"GRIDTRADE-BLOCK-V1\x00" + digest)
        previous = digest
    mine = blocks[-1]["block"]["transactions"][reply["index"]]
    assert b64d(mine["payload"]) == payload

    # The certificate is what makes it trustworthy: one forged data-center signature does not verify.
    forged = b64d(blocks[-1]["certificate"]["signatures"][0]["signature"])
    assert not verifies(dc_keys[(blocks[-1]["certificate"]["signatures"][0]["replica"] + 1) % NODES], forged,
                        b"GRIDTRADE-BLOCK-V1\x00" + previous)


def test_a_note_from_a_key_that_is_no_members_is_refused_with_7(ledger, zmq_context):
    rpc, _ = ledger
    transaction, tx_id = sign_transaction(ec.generate_private_key(ec.SECP256R1()), b"16 KiB of anything")
    client = Client(zmq_context, rpc[0])
    code, body = client.call("Ledger/Submit", {"transaction": transaction, "wait": True})
    assert code == 7, body
    code, _ = client.call("Ledger/GetTransaction", {"transaction_id": tx_id})
    assert code == 5


def test_a_signature_over_other_bytes_is_refused_with_16(ledger, zmq_context):
    rpc, _ = ledger
    key = ec.generate_private_key(ec.SECP256R1())
    transaction, _ = sign_transaction(key, b"what I signed")
    transaction["payload"] = b64e(b"what I sent")
    code, body = Client(zmq_context, rpc[0]).call("Ledger/Submit", {"transaction": transaction, "wait": True})
    assert code == 16, body
