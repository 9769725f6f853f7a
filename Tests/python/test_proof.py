"""An extension node's proof check against a data center written in another language.

Python plays the trading center's registry (its own CA, four data centers certified by it) and a
data center answering `Ledger/GetProof`, building the proof from nothing but docs/protocol.md
("Extension nodes and proofs"). `gridtrade ledger proof` must accept the honest proof (so the
format is what the document says) and refuse every doctored one (so it trusts no single data
center)."""

import base64
import datetime
import hashlib
import json
import struct
import subprocess
import threading

import pytest
import zmq
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from test_ledger import b64e, header_hash, leaf, lp, sha256, sign_transaction


def member_id(public_key) -> str:
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "m-" + sha256(der)[:8].hex()


def certificate(subject_key, role: str, issuer_name, issuer_key, is_ca: bool) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    name = issuer_name if is_ca else x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "GridTrade"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, role),
        x509.NameAttribute(NameOID.COMMON_NAME, member_id(subject_key.public_key())),
    ])
    return (x509.CertificateBuilder().subject_name(name).issuer_name(issuer_name).public_key(subject_key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
            .sign(issuer_key, hashes.SHA256()))


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


class FakeCluster:
    """One ROUTER socket answering as the registry (honest) and as one data center (maybe not)."""

    def __init__(self, context: zmq.Context, endpoint: str, authority: x509.Certificate, members: list[dict]):
        self.sock = context.socket(zmq.ROUTER)
        self.sock.linger = 0
        self.sock.bind(endpoint)
        self.authority, self.members, self.proof = authority, members, None
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.running:
            if not self.sock.poll(100):
                continue
            frames = self.sock.recv_multipart()
            envelope = frames[:-1]
            request = json.loads(frames[-1])
            method = request["method"]
            if method == "Registry/GetAuthority":
                body = {"certificate": pem(self.authority)}
            elif method == "Registry/ListMembers":
                body = {"members": self.members}
            elif method == "Ledger/GetProof":
                body = self.proof
            else:
                self.sock.send_multipart(envelope + [json.dumps({"id": request["id"], "status": {"code": 12, "message": method}}).encode()])
                continue
            reply = {"id": request["id"], "status": {"code": 0, "message": ""}, "body": body}
            self.sock.send_multipart(envelope + [json.dumps(reply).encode()])

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


def contract_payload(contract_id: str) -> bytes:
    document = {
        "contract_id": contract_id, "version": 1, "order_id": contract_id[3:],
        "parties": [{"member": "m-0000000000000001", "role": "consumer"}], "period_start": "2027-01", "period_end": "2027-01",
        "terms_hash": "ab" * 32, "copies": [], "drafted_at_ms": 0,
    }
    body = {"document": b64e(json.dumps(document).encode()), "copies": [], "signatures": []}
    return json.dumps({"type": "contract", "body": body}).encode()


def block_signature(key, digest: bytes) -> str:
    return b64e(key.sign(b"GRIDTRADE-BLOCK-V1\x00" + digest, ec.ECDSA(hashes.SHA256())))


def make_proof(contract_id: str, signers: list[tuple[int, object]]) -> dict:
    """Contract transaction at index 1 of a two-transaction block, certified by `signers`."""
    client = ec.generate_private_key(ec.SECP256R1())
    other, _ = sign_transaction(client, b"someone else's note")
    mine, _ = sign_transaction(client, contract_payload(contract_id))
    left, right = leaf(other), leaf(mine)
    header = {"height": 7, "previous_hash": "11" * 32, "merkle_root": sha256(b"\x01" + left + right).hex(),
              "timestamp": 1_790_000_000_000, "nonce": 3, "proposer": 0, "view": 0}
    digest = header_hash(header)
    return {
        "contract_id": contract_id, "version": 1, "transaction": mine, "height": 7, "index": 1, "header": header,
        "certificate": {"height": 7, "header_hash": digest.hex(),
                        "signatures": [{"replica": replica, "signature": block_signature(key, digest)} for replica, key in signers]},
        "proof": {"leaf_index": 1, "tree_size": 2, "path": [left.hex()]},
    }


@pytest.fixture
def cluster(zmq_context, tmp_path):
    from conftest import free_port
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "GridTrade"), x509.NameAttribute(NameOID.COMMON_NAME, "GridTrade CA")])
    authority = certificate(ca_key, "", ca_name, ca_key, is_ca=True)
    keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(4)]
    members = []
    for index, key in enumerate(keys):
        spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        members.append({
            "id": member_id(key.public_key()), "role": "data_center", "legal_name": f"DC {index + 1}", "licence": f"DC-{index + 1}",
            "contact": "ops", "status": "approved", "public_key": b64e(spki),
            "certificate": pem(certificate(key, "data_center", ca_name, ca_key, is_ca=False)), "registered_at_ms": 0,
        })
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    fake = FakeCluster(zmq_context, endpoint, authority, members)
    yield fake, endpoint, keys
    fake.close()


def check(bin_dir, endpoint: str, contract_id: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / "gridtrade"), "ledger", "proof", contract_id, "--ledger", endpoint, "--registry", endpoint],
                          capture_output=True, text=True, timeout=60)


def test_an_honest_proof_built_from_the_document_verifies(bin_dir, cluster):
    fake, endpoint, keys = cluster
    fake.proof = make_proof("ct-o-1", [(0, keys[0]), (1, keys[1]), (3, keys[3])])
    result = check(bin_dir, endpoint, "ct-o-1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("verified: ct-o-1 version 1 is transaction 1 of block 7")


def test_doctored_proofs_from_a_dishonest_data_center_are_refused(bin_dir, cluster):
    fake, endpoint, keys = cluster
    outsiders = [ec.generate_private_key(ec.SECP256R1()) for _ in range(3)]
    doctored = {}
    # Two genuine data centers are not a quorum of four.
    doctored["two signers"] = make_proof("ct-o-2", [(0, keys[0]), (1, keys[1])])
    # The dishonest data center signs with its own key and two it made up, claiming others' seats.
    doctored["made-up keys"] = make_proof("ct-o-2", [(0, keys[0]), (1, outsiders[0]), (2, outsiders[1])])
    # One data center's signature repeated under three seats.
    doctored["one key thrice"] = make_proof("ct-o-2", [(0, keys[2]), (1, keys[2]), (3, keys[2])])
    # A genuine certificate, but the contract swapped for another under the same header.
    swapped = make_proof("ct-o-2", [(0, keys[0]), (1, keys[1]), (2, keys[2])])
    swapped["transaction"] = sign_transaction(ec.generate_private_key(ec.SECP256R1()), contract_payload("ct-o-2"))[0]
    doctored["swapped leaf"] = swapped
    # A genuine proof moved to another height.
    moved = make_proof("ct-o-2", [(0, keys[0]), (1, keys[1]), (2, keys[2])])
    moved["header"]["height"] = 8
    doctored["moved header"] = moved
    for what, proof in doctored.items():
        fake.proof = proof
        result = check(bin_dir, endpoint, "ct-o-2")
        assert result.returncode == 1, f"{what}: {result.stdout}{result.stderr}"
        assert result.stdout.startswith("REFUSED:"), f"{what}: {result.stdout}"
    # The same check passes once the certificate is genuine, so the refusals above are the doctoring's.
    fake.proof = make_proof("ct-o-2", [(0, keys[0]), (1, keys[1]), (2, keys[2])])
    assert check(bin_dir, endpoint, "ct-o-2").returncode == 0
