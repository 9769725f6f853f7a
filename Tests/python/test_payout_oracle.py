"""`gridtrade game --input` against a pure-Python reference of SPEC.md section 4.

The reference shares nothing with the Swift code: the clearing price by the SPEC's formulas
(uniform pricing by bisection on the price), each coalition's dispatch by bisection on the
marginal level theta, every coalition listed, S* chosen by the documented rule, and Shapley by
the permutation formula, both for `shapley` (the game among all offers) and for `payout` (the
game among S* alone: "Who is paid when the best coalition is not everyone").
"""

import itertools
import json
import math
import random
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAPER = REPO.parent / "shared" / "scenarios" / "paper.json"

# The issue's example: the paper's a, b, k with pmin 30/35/100 and pmax 100/90/150, D = 160.
EXAMPLE = {
    "name": "issue 13, item 1",
    "demand_mwh": 160,
    "pricing": "paper",
    "generators": [
        {"id": "A", "a": 0.01, "b": 8.4, "c": 0, "pmin": 30, "pmax": 100, "k": 1.3},
        {"id": "B", "a": 0.02, "b": 8.2, "c": 0, "pmin": 35, "pmax": 90, "k": 1.2},
        {"id": "C", "a": 0.01, "b": 8.8, "c": 0, "pmin": 100, "pmax": 150, "k": 1.1},
    ],
}


# --- the reference -----------------------------------------------------------------------------

def bid(g, p):
    return g["k"] * (2 * g["a"] * p + g["b"])


def bisect(lo, hi, reaches):
    """The smallest x in [lo, hi] (to the last bit) with reaches(x), reaches being monotone."""
    for _ in range(400):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        if reaches(mid):
            hi = mid
        else:
            lo = mid
    return hi


def clearing_price(gens, demand, pricing):
    if pricing == "paper":
        x = max(0.0, demand - sum(g["pmin"] for g in gens))
        return max(bid(g, min(g["pmin"] + x, g["pmax"])) for g in gens)
    at_min = [bid(g, g["pmin"]) for g in gens]
    if sum(g["pmin"] for g in gens) >= demand:
        return min(at_min)

    def supply(pi):
        return sum(min(max((pi / g["k"] - g["b"]) / (2 * g["a"]), g["pmin"]), g["pmax"]) for g in gens)

    return bisect(min(at_min), max(bid(g, g["pmax"]) for g in gens), lambda pi: supply(pi) >= demand)


def coalition_value(members, demand, price):
    """v(S), or None when S cannot serve D; the optimum has 4 a p + b = theta for free units."""
    if not members or sum(g["pmin"] for g in members) > demand or sum(g["pmax"] for g in members) < demand:
        return None

    def output(g, theta):
        return min(max((theta - g["b"]) / (4 * g["a"]), g["pmin"]), g["pmax"])

    theta = bisect(
        min(g["b"] + 4 * g["a"] * g["pmin"] for g in members),
        max(g["b"] + 4 * g["a"] * g["pmax"] for g in members),
        lambda t: sum(output(g, t) for g in members) >= demand,
    )
    return sum((price - (2 * g["a"] * output(g, theta) + g["b"])) * output(g, theta) for g in members)


class Game:
    def __init__(self, game):
        self.gens = game["generators"]
        self.demand = float(game["demand_mwh"])
        self.price = clearing_price(self.gens, self.demand, game.get("pricing", "paper"))
        n = len(self.gens)
        self.values = {}  # frozenset of indices -> v (feasible only)
        for size in range(1, n + 1):
            for subset in itertools.combinations(range(n), size):
                v = coalition_value([self.gens[i] for i in subset], self.demand, self.price)
                if v is not None:
                    self.values[frozenset(subset)] = v

    def v(self, subset):
        return self.values.get(frozenset(subset), 0.0)

    def best(self):
        """S*: greatest value; within 1e-9 * max(1, max |v|) counts as a tie; ties go to fewer
        members, then to the coalition whose sorted member positions come first."""
        if not self.values:
            return None
        top = max(self.values.values())
        tolerance = 1e-9 * max(1.0, max(abs(v) for v in self.values.values()))
        tied = [sorted(s) for s, v in self.values.items() if v >= top - tolerance]
        return min(tied, key=lambda s: (len(s), s))

    def shapley(self, players):
        x = dict.fromkeys(players, 0.0)
        orders = list(itertools.permutations(players))
        for order in orders:
            prefix = set()
            for i in order:
                before = self.v(prefix)
                prefix.add(i)
                x[i] += self.v(prefix) - before
        return {i: total / len(orders) for i, total in x.items()}


# --- running the command -----------------------------------------------------------------------

def run_game(bin_dir, tmp_path, game, *flags):
    path = tmp_path / "game.json"
    path.write_text(json.dumps(game))
    return subprocess.run([str(bin_dir / "gridtrade"), "game", "--input", str(path), *flags],
                          capture_output=True, text=True, timeout=120)


def solved(bin_dir, tmp_path, game, *flags):
    done = run_game(bin_dir, tmp_path, game, *flags)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def check_exact_sum(payout, ids):
    """The shares, added in any order, are the value to the last bit."""
    shares = [payout["shares"][i] for i in ids]
    assert sum(shares) == payout["value"]
    assert sum(reversed(shares)) == payout["value"]
    assert math.fsum(shares) == payout["value"]


# --- tests -------------------------------------------------------------------------------------

def test_issue_example(bin_dir, tmp_path):
    out = solved(bin_dir, tmp_path, EXAMPLE)
    # The game among all offers (kept as `shapley`) splits v(N) = 0 and charges B.
    assert out["shapley"]["B"] < 0
    payout = out["payout"]
    assert payout["coalition"] == ["A", "C"]
    assert payout["value"] == pytest.approx(244.8, abs=1e-9)
    assert payout["shares"]["B"] == 0
    assert payout["shares"]["A"] == pytest.approx(122.4, abs=1e-9)
    assert payout["shares"]["C"] == pytest.approx(122.4, abs=1e-9)
    assert "half_width_95" not in payout
    check_exact_sum(payout, ["A", "B", "C"])


def test_paper_figures_unchanged(bin_dir, tmp_path):
    out = solved(bin_dir, tmp_path, json.loads(PAPER.read_text()))
    payout = out["payout"]
    assert payout["coalition"] == ["GU1", "GU2", "GU3"]
    for gid, expected in [("GU1", 253.91), ("GU2", 211.49), ("GU3", 233.99)]:
        assert out["shapley"][gid] == pytest.approx(expected, abs=0.01)
        assert payout["shares"][gid] == pytest.approx(expected, abs=0.01)
    assert payout["value"] == pytest.approx(699.40, abs=0.01)
    check_exact_sum(payout, ["GU1", "GU2", "GU3"])


def random_game(rng, n):
    gens = []
    for i in range(n):
        pmax = rng.uniform(20, 150)
        share = 0.0 if rng.random() < 0.15 else rng.uniform(0, 0.9)
        gens.append({"id": f"G{i + 1}", "a": rng.uniform(0.002, 0.04), "b": rng.uniform(6, 14), "c": rng.uniform(0, 50),
                     "pmin": pmax * share, "pmax": pmax, "k": rng.uniform(1.02, 1.5)})
    demand = rng.uniform(0.15, 1.1) * sum(g["pmax"] for g in gens)
    return {"demand_mwh": demand, "pricing": rng.choice(["paper", "paper", "uniform"]), "generators": gens}


def test_random_rounds_match_the_reference(bin_dir, tmp_path):
    rng = random.Random(13)
    served = not_everyone = grand_infeasible = unreachable = 0
    for round_ in range(200):
        game = random_game(rng, 2 + round_ % 6)
        ref = Game(game)
        ids = [g["id"] for g in game["generators"]]
        best = ref.best()
        done = run_game(bin_dir, tmp_path, game)
        if best is None:
            assert done.returncode == 1 and "out of every coalition's reach" in done.stderr, (round_, done.stdout, done.stderr)
            unreachable += 1
            continue
        assert done.returncode == 0, (round_, done.stderr)
        out = json.loads(done.stdout)
        scale = max(1.0, max(abs(v) for v in ref.values.values()))
        assert out["clearing_price"] == pytest.approx(ref.price, rel=1e-9), round_
        everyone = ref.shapley(range(len(ids)))
        for i, gid in enumerate(ids):
            assert out["shapley"][gid] == pytest.approx(everyone[i], abs=1e-8 * scale), (round_, gid)
        payout = out["payout"]
        assert payout["coalition"] == [ids[i] for i in best], round_
        assert payout["value"] == pytest.approx(ref.v(best), abs=1e-9 * scale), round_
        within = ref.shapley(best)
        assert sorted(payout["shares"]) == sorted(ids)
        for i, gid in enumerate(ids):
            if i in within:
                assert payout["shares"][gid] == pytest.approx(within[i], abs=1e-8 * scale), (round_, gid)
            else:
                assert payout["shares"][gid] == 0, (round_, gid)
        check_exact_sum(payout, ids)
        served += 1
        not_everyone += len(best) < len(ids)
        grand_infeasible += frozenset(range(len(ids))) not in ref.values
    assert served >= 130 and unreachable >= 5
    assert not_everyone >= 40 and grand_infeasible >= 20


def test_sampled_payout_over_twenty_offers(bin_dir, tmp_path):
    """26 offers and a dear one that pushes the sum of minimum outputs past D: S* leaves it out,
    is too large for the exact method, and its sampled shares still add up to v(S*) exactly."""
    rng = random.Random(2013)
    gens = [{"id": f"G{i + 1}", "a": rng.uniform(0.005, 0.03), "b": rng.uniform(7, 12), "c": 0,
             "pmin": 0.0, "pmax": rng.uniform(40, 140), "k": rng.uniform(1.05, 1.4)} for i in range(26)]
    for g in gens:
        g["pmin"] = g["pmax"] * rng.uniform(0, 0.2)
    demand = 0.7 * sum(g["pmax"] for g in gens)
    big_min = demand - sum(g["pmin"] for g in gens) + 50
    gens.append({"id": "BIG", "a": 0.001, "b": 12, "c": 0, "pmin": big_min, "pmax": big_min + 100, "k": 1.2})
    game = {"demand_mwh": demand, "pricing": "paper", "generators": gens}
    out = solved(bin_dir, tmp_path, game, "--samples", "300", "--seed", "4")
    payout = out["payout"]
    ids = [g["id"] for g in gens]
    members = payout["coalition"]
    assert "BIG" not in members and len(members) > 20
    assert payout["samples"] == 300
    assert sorted(payout["half_width_95"]) == sorted(ids)
    for gid in ids:
        if gid in members:
            assert payout["half_width_95"][gid] > 0
        else:
            assert payout["shares"][gid] == 0 and payout["half_width_95"][gid] == 0
    price = clearing_price(gens, demand, "paper")
    assert out["clearing_price"] == pytest.approx(price, rel=1e-9)
    v = coalition_value([g for g in gens if g["id"] in members], demand, price)
    assert payout["value"] == pytest.approx(v, rel=1e-9)
    check_exact_sum(payout, ids)
    # The same seed gives the same numbers.
    assert solved(bin_dir, tmp_path, game, "--samples", "300", "--seed", "4")["payout"] == payout
