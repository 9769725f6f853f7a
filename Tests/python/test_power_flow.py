"""`gridtrade security-check` against PYPOWER: base flows against rundcpf, accepted MW against an
independent PTDF oracle (makeBdc + scipy), N-1 against rundcpf runs with the outaged branch out."""

import importlib.util
import json
import subprocess

import numpy as np
import pytest
from scipy.sparse.csgraph import connected_components
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import spsolve

from conftest import REPO
from pypower.api import loadcase, ppoption, rundcpf
from pypower.ext2int import ext2int
from pypower.makeBdc import makeBdc

_spec = importlib.util.spec_from_file_location("bench_rundcpf", REPO / "scripts" / "bench_rundcpf.py")
bench_rundcpf = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_rundcpf)

CASES = REPO / "deploy" / "cases"
OPTIONS = ppoption(VERBOSE=0, OUT_ALL=0)
TOL = 1e-5  # MW of slack when checking feasibility (the check's own tolerance is 1e-6 MW)
pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # PYPOWER uses np.matrix

PD, BUS_I, RATE_A, BR_STATUS, PF, F_BUS, T_BUS = 2, 0, 5, 10, 13, 0, 1


@pytest.fixture(scope="module")
def gridtrade(bin_dir):
    path = bin_dir / "gridtrade"
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the package or set GRIDTRADE_BIN_DIR")
    return path


def run(gridtrade, tmp_path, case, trades, n1=False):
    trades_path = tmp_path / "trades.json"
    trades_path.write_text(json.dumps({"trades": trades}) if not isinstance(trades, str) else trades)
    args = [str(gridtrade), "security-check", "--case", str(case), "--trades", str(trades_path)] + (["--n-1"] if n1 else [])
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def report(gridtrade, tmp_path, case, trades, n1=False):
    done = run(gridtrade, tmp_path, case, trades, n1)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def dcpf(ppc):
    results, success = rundcpf(ppc, OPTIONS)
    assert success
    return results["branch"][:, PF]


def with_trades(ppc, accepted):
    """The case with (seller, buyer, MW) trades as injections: less load at the seller, more at the buyer."""
    copy = {key: (value.copy() if isinstance(value, np.ndarray) else value) for key, value in ppc.items()}
    row = {int(number): i for i, number in enumerate(ppc["bus"][:, BUS_I])}
    for seller, buyer, mw in accepted:
        copy["bus"][row[seller], PD] -= mw
        copy["bus"][row[buyer], PD] += mw
    return copy


def without(ppc, k):
    copy = {key: (value.copy() if isinstance(value, np.ndarray) else value) for key, value in ppc.items()}
    copy["branch"][k, BR_STATUS] = 0
    return copy


class PTDF:
    """Transfer sensitivities from PYPOWER's makeBdc, solved by scipy (every branch in service here)."""

    def __init__(self, ppc):
        internal = ext2int(ppc)
        assert internal["branch"].shape[0] == ppc["branch"].shape[0]
        self.bbus, self.bf, _, _ = makeBdc(internal["baseMVA"], internal["bus"], internal["branch"])
        self.bbus = self.bbus.tocsc()
        ref = np.where(internal["bus"][:, 1] == 3)[0][0]
        self.keep = np.array([i for i in range(internal["bus"].shape[0]) if i != ref])
        self.reduced = self.bbus[self.keep, :][:, self.keep].tocsc()
        self.index = {int(e): i for i, e in enumerate(internal["order"]["bus"]["i2e"])}

    def column(self, seller, buyer):
        injection = np.zeros(self.bbus.shape[0])
        injection[self.index[seller]] += 1
        injection[self.index[buyer]] -= 1
        theta = np.zeros(self.bbus.shape[0])
        theta[self.keep] = spsolve(self.reduced, injection[self.keep])
        return self.bf @ theta


def caps(flows, rate):
    """Per branch: the limit, or the current |flow| when already over it; inf where unlimited."""
    limit = np.where(rate > 0, rate, np.inf)
    return np.where(np.abs(flows) > limit + 1e-6, np.abs(flows), limit)


def seeded_trades(ppc, count, seed, low, high):
    rng = np.random.default_rng(seed)
    sellers = sorted({int(b) for b in ppc["gen"][ppc["gen"][:, 7] > 0, 0]})
    buyers = [int(b) for b in ppc["bus"][ppc["bus"][:, PD] > 0, BUS_I]]
    return [{"id": f"t{i}", "seller_bus": int(rng.choice(sellers)), "buyer_bus": int(rng.choice(buyers)),
             "mw": float(rng.uniform(low, high))} for i in range(count)]


@pytest.mark.parametrize("name", ["case30.m", "case2869pegase.m"])
def test_base_flows_match_rundcpf(gridtrade, tmp_path, name):
    ppc = loadcase(bench_rundcpf.load_m(CASES / name))
    out = report(gridtrade, tmp_path, CASES / name, [])
    assert [b["index"] for b in out["base"]] == list(range(ppc["branch"].shape[0]))
    ours = np.array([b["flow_mw"] for b in out["base"]])
    assert np.max(np.abs(ours - dcpf(ppc))) < 1e-3
    assert [b["from"] for b in out["base"]] == [int(f) for f in ppc["branch"][:, F_BUS]]
    assert [b["limit_mw"] for b in out["base"]] == [float(r) if r > 0 else None for r in ppc["branch"][:, RATE_A]]
    assert out["trades"] == []


@pytest.mark.parametrize("name, count, low, high", [("case30.m", 40, 1, 40), ("case2869pegase.m", 40, 50, 800)])
def test_accepted_mw_against_ptdf_oracle(gridtrade, tmp_path, name, count, low, high):
    ppc = loadcase(bench_rundcpf.load_m(CASES / name))
    trades = seeded_trades(ppc, count, seed=11, low=low, high=high)
    out = report(gridtrade, tmp_path, CASES / name, trades)
    ptdf = PTDF(ppc)
    rate = ppc["branch"][:, RATE_A]
    flows = dcpf(ppc)
    statuses = set()
    for trade, outcome in zip(trades, out["trades"]):
        statuses.add(outcome["status"])
        delta = ptdf.column(trade["seller_bus"], trade["buyer_bus"])
        cap = caps(flows, rate)
        accepted = outcome["accepted_mw"]
        after = flows + accepted * delta
        assert np.all(np.abs(after) <= cap + TOL), trade
        if outcome["status"] == "accepted":
            assert accepted == trade["mw"] and outcome["binding"] == []
        else:
            assert accepted < trade["mw"] and (accepted == 0) == (outcome["status"] == "rejected")
            more = flows + (accepted + 0.01) * delta
            assert np.max(np.abs(more) - cap) > 0, f"{trade}: 0.01 MW more would still fit"
            assert outcome["binding"], trade
            for limit in outcome["binding"]:
                l = limit["branch"]
                assert limit["contingency"] is None and limit["limit_mw"] == rate[l]
                assert abs(limit["flow_mw"] - after[l]) < 1e-4
                assert abs(abs(after[l]) - cap[l]) < 1e-4
        flows = after
    assert "accepted" in statuses and len(statuses) > 1


def test_n_minus_1_on_case30_against_rundcpf_outages(gridtrade, tmp_path):
    ppc = loadcase(bench_rundcpf.load_m(CASES / "case30.m"))
    trades = seeded_trades(ppc, 12, seed=5, low=2, high=25)
    out = report(gridtrade, tmp_path, CASES / "case30.m", trades, n1=True)
    rate = ppc["branch"][:, RATE_A]
    nb, nl = ppc["bus"].shape[0], ppc["branch"].shape[0]
    row = {int(number): i for i, number in enumerate(ppc["bus"][:, BUS_I])}
    f = [row[int(b)] for b in ppc["branch"][:, F_BUS]]
    t = [row[int(b)] for b in ppc["branch"][:, T_BUS]]

    def connected_without(k):
        keep = [l for l in range(nl) if l != k]
        graph = coo_matrix((np.ones(len(keep)), ([f[l] for l in keep], [t[l] for l in keep])), shape=(nb, nb))
        return connected_components(graph, directed=False)[0] == 1

    outages = [k for k in range(nl) if connected_without(k)]
    assert len(outages) < nl  # case30 has radial buses: their outages are skipped, not checked

    def state_flows(accepted):
        """Base-case and post-outage flows (outaged branch set to nan) for a list of accepted trades."""
        case = with_trades(ppc, accepted)
        states = {None: dcpf(case)}
        for k in outages:
            flows = dcpf(without(case, k))
            flows[k] = np.nan
            states[k] = flows
        return states

    accepted = []
    before = state_flows(accepted)
    statuses = set()
    for trade, outcome in zip(trades, out["trades"]):
        statuses.add(outcome["status"])
        mw = outcome["accepted_mw"]
        step = (trade["seller_bus"], trade["buyer_bus"])
        after = state_flows(accepted + [(*step, mw)])
        for k in before:
            cap = caps(np.nan_to_num(before[k]), rate)
            ok = np.abs(np.nan_to_num(after[k])) <= cap + TOL
            assert np.all(ok), f"{trade}: outage {k} overloads branches {np.where(~ok)[0]}"
        if outcome["status"] != "accepted":
            for limit in outcome["binding"]:
                k, l = limit["contingency"], limit["branch"]
                more = with_trades(ppc, accepted + [(*step, mw + 0.01)])
                flows = dcpf(more if k is None else without(more, k))
                cap = caps(np.nan_to_num(before[k]), rate)[l]
                assert abs(flows[l]) > cap, f"{trade}: 0.01 MW more keeps branch {l} (outage {k}) within {cap}"
                assert abs(after[k][l] - limit["flow_mw"]) < 1e-4
        accepted.append((*step, mw))
        before = after
    assert any(limit["contingency"] is not None for o in out["trades"] for limit in o["binding"])
    assert len(statuses) > 1


def _bad(gridtrade, tmp_path, case, trades):
    done = run(gridtrade, tmp_path, case, trades)
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr


def test_bad_input_exits_1_with_one_line(gridtrade, tmp_path):
    case30 = CASES / "case30.m"
    good = [{"id": "a", "seller_bus": 1, "buyer_bus": 2, "mw": 5}]
    assert "cannot read" in _bad(gridtrade, tmp_path, tmp_path / "missing.m", good)
    text = case30.read_text()
    ragged = tmp_path / "ragged.m"
    ragged.write_text(text.replace("\t2\t2\t21.7\t12.7", "\t2\t2\t21.7"))
    assert "line" in _bad(gridtrade, tmp_path, ragged, good)
    word = tmp_path / "word.m"
    word.write_text(text.replace("\t2\t2\t21.7\t12.7", "\t2\t2\tlots\t12.7"))
    assert "lots" in _bad(gridtrade, tmp_path, word, good)
    islanded = tmp_path / "islanded.m"
    islanded.write_text(text.replace("\t25\t26\t0.25\t0.38\t0\t16\t16\t16\t0\t0\t1", "\t25\t26\t0.25\t0.38\t0\t16\t16\t16\t0\t0\t0"))
    assert "26" in _bad(gridtrade, tmp_path, islanded, good)
    assert "99" in _bad(gridtrade, tmp_path, case30, [{"id": "a", "seller_bus": 99, "buyer_bus": 2, "mw": 5}])
    assert "mw" in _bad(gridtrade, tmp_path, case30, [{"id": "a", "seller_bus": 1, "buyer_bus": 2, "mw": -5}])
    assert "mw" in _bad(gridtrade, tmp_path, case30, [{"id": "a", "seller_bus": 1, "buyer_bus": 2, "mw": "ten"}])
    assert "JSON" in _bad(gridtrade, tmp_path, case30, '{"trades": [')
