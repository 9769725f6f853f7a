"""Fixtures that run the real GridTrade service executables for Python clients to talk to.

The executables are the ones `swift build` already produced; these tests never build.
"""

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import zmq

REPO = Path(__file__).resolve().parents[2]

STARTUP_TIMEOUT_S = 20
STOP_TIMEOUT_S = 10


def free_port() -> int:
    """A loopback port nobody listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Service:
    executable: str
    instance: str
    rpc_endpoint: str
    events_endpoint: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="session")
def bin_dir() -> Path:
    path = Path(os.environ.get("GRIDTRADE_BIN_DIR") or REPO / ".build" / "debug")
    if not path.is_dir():
        pytest.fail(f"no GridTrade binaries at {path}: build the package or set GRIDTRADE_BIN_DIR")
    return path


@pytest.fixture
def zmq_context():
    context = zmq.Context()
    yield context
    # linger 0: a test that failed mid-exchange must not block teardown on unsent frames.
    context.destroy(linger=0)


@pytest.fixture
def service(bin_dir, tmp_path, zmq_context):
    """Factory: `service("registry", instance="registry")` starts one executable on fresh ports
    and returns once it answers Health/Check SERVING. Every service started is stopped at teardown."""
    started: list[Service] = []

    def start(executable: str, instance: str | None = None, extra_env: dict[str, str] | None = None) -> Service:
        path = bin_dir / executable
        if not (path.is_file() and os.access(path, os.X_OK)):
            pytest.fail(f"executable {path} is missing: build the package or set GRIDTRADE_BIN_DIR")
        instance = instance or executable
        rpc_port = free_port()
        events_port = free_port()
        while events_port == rpc_port:  # the kernel may hand a just-released port out again
            events_port = free_port()
        rpc = f"tcp://127.0.0.1:{rpc_port}"
        events = f"tcp://127.0.0.1:{events_port}"
        log_path = tmp_path / f"{instance}.log"
        env = os.environ | {
            "GRIDTRADE_RPC_ENDPOINT": rpc,
            "GRIDTRADE_EVENTS_ENDPOINT": events,
            "GRIDTRADE_DATA_DIR": str(tmp_path / instance),
            "GRIDTRADE_INSTANCE": instance,
            "GRIDTRADE_HEARTBEAT_MS": "200",
        } | (extra_env or {})
        with log_path.open("wb") as log:
            process = subprocess.Popen([str(path)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
        running = Service(executable, instance, rpc, events, process, log_path)
        started.append(running)
        _wait_serving(zmq_context, running)
        return running

    yield start

    for running in started:
        _stop(running.process)


def _wait_serving(context: zmq.Context, running: Service) -> None:
    """Polls Health/Check until SERVING. A DEALER queues requests until it connects, so one
    socket serves the whole wait; replies to earlier attempts are fine to accept too."""
    dealer = context.socket(zmq.DEALER)
    dealer.linger = 0
    dealer.connect(running.rpc_endpoint)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if running.process.poll() is not None:
                pytest.fail(f"{running.executable} exited with {running.process.returncode}:\n{running.log()}")
            request = {"id": uuid.uuid4().hex, "method": "Health/Check", "body": {}}
            dealer.send(json.dumps(request).encode())
            if dealer.poll(200):
                reply = json.loads(dealer.recv())
                if reply["status"]["code"] == 0 and reply["body"] == {"status": "SERVING"}:
                    return
        pytest.fail(f"{running.executable} not SERVING after {STARTUP_TIMEOUT_S} s:\n{running.log()}")
    finally:
        dealer.close()


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM is the graceful shutdown the services handle; SIGKILL only if that hangs."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
