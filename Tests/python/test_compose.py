"""compose.yaml against the Compose Specification's JSON Schema and the project's own rules.
No Docker engine runs here, so these checks are what prove the file well-formed."""

import copy
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml
from jsonschema.validators import validator_for

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "compose.yaml"
SCHEMA = REPO.parent / "shared" / "schemas" / "compose-spec.json"
COMMANDS = {"registry", "matching", "review", "dispatch", "ledger", "settlement"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def validator():
    schema = yaml.safe_load(SCHEMA.read_text())  # JSON is YAML; one loader for both files
    # The schema says "https://json-schema.org/draft-07/schema" (https, no "#"), which jsonschema
    # does not list, so name the draft it means as the fallback instead of the latest draft.
    assert "draft-07" in schema["$schema"]
    cls = validator_for(schema, default=jsonschema.Draft7Validator)
    cls.check_schema(schema)
    return cls(schema)


def port_of(endpoint: str) -> int:
    """`tcp://*:7101` -> 7101."""
    return int(endpoint.rsplit(":", 1)[1])


def published(port_entry) -> tuple[int, int]:
    """A `ports` entry as (host port, container port); short or long syntax."""
    if isinstance(port_entry, dict):
        return int(port_entry["published"]), int(port_entry["target"])
    if isinstance(port_entry, int):
        return port_entry, port_entry
    parts = port_entry.split("/")[0].split(":")  # [ip:]host:container[/protocol]
    return int(parts[-2] if len(parts) > 1 else parts[-1]), int(parts[-1])


def command_args(test) -> list[str]:
    """A healthcheck `test` as argv: ["CMD", ...], ["CMD-SHELL", "..."] or a shell string."""
    if isinstance(test, str):
        return shlex.split(test)
    if test[0] == "CMD-SHELL":
        return shlex.split(test[1])
    assert test[0] == "CMD", test
    return list(test[1:])


def test_compose_matches_the_compose_spec(compose, validator):
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(compose)]
    assert not errors


def test_validator_rejects_a_broken_document(compose, validator):
    broken = copy.deepcopy(compose)
    broken["services"]["registry"]["ports"] = 7101  # must be a list
    errors = list(validator.iter_errors(broken))
    assert errors
    assert any(list(e.absolute_path) == ["services", "registry", "ports"] for e in errors)


def test_every_service_runs_a_known_command(services):
    for name, service in services.items():
        assert len(service["command"]) == 1 and service["command"][0] in COMMANDS, name


def test_four_ledgers(services):
    for name in ("ledger-1", "ledger-2", "ledger-3", "ledger-4"):
        assert name in services
        assert services[name]["command"] == ["ledger"], name


def test_healthcheck_asks_the_service_own_rpc_port(services):
    for name, service in services.items():
        port = port_of(service["environment"]["GRIDTRADE_RPC_ENDPOINT"])
        assert command_args(service["healthcheck"]["test"]) == ["gridtrade", "health", f"tcp://127.0.0.1:{port}"], name


def test_endpoint_ports_are_unique_and_published(services):
    seen = []
    for name, service in services.items():
        mappings = {published(entry) for entry in service.get("ports", [])}
        for key in ("GRIDTRADE_RPC_ENDPOINT", "GRIDTRADE_EVENTS_ENDPOINT"):
            port = port_of(service["environment"][key])
            # Same host and container port: `gridtrade up` runs the services on 127.0.0.1 with these ports.
            assert (port, port) in mappings, f"{name}: {key} port {port} not published"
            seen.append(port)
    assert len(seen) == len(set(seen)), sorted(seen)


def test_depends_on_targets_exist(services):
    for name, service in services.items():
        for target in service.get("depends_on", []):  # a list or a mapping; both iterate names
            assert target in services, f"{name} depends on unknown {target}"


def test_named_volumes_are_declared(compose, services):
    declared = set(compose.get("volumes") or {})
    for name, service in services.items():
        for mount in service.get("volumes", []):
            source = mount.get("source") if isinstance(mount, dict) else mount.split(":")[0]
            # Bind mounts are paths; anything else names a volume.
            if source and not source.startswith(("/", ".", "~")):
                assert source in declared, f"{name} uses undeclared volume {source}"
