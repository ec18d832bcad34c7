"""Theorem 3.4's bound (eq. 1 / 3), the EMID bound (eq. 4), H_hat and the bound-vs-n curve, by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from remid.estimators.bound import CURVE_KEYS, curve_sizes, emid_bound, h_hat, remid_bound
from remid.estimators.bound import bound_curve as curve_of
from remid.estimators.divergence import LN2, classifier_jsd, representation_jsd

DJS = {"user": 0.25, "character": 0.04, "dialogue": 0.09}  # square roots 0.5, 0.2, 0.3


def test_h_hat_is_the_max_of_per_context_sums_with_a_quantile_beside_it():
    out = h_hat(np.array([0.5, 1.0, 0.2, 0.1]), np.array([0.4, 0.3, 1.5, 0.1]), quantile=0.5)
    # per-context sums 0.9, 1.3, 1.7, 0.2
    assert out["max"] == pytest.approx(1.7)
    assert out["argmax"] == 2
    assert out["robust"] == pytest.approx(1.1)  # median of (0.2, 0.9, 1.3, 1.7)
    assert out["mean"] == pytest.approx(1.025)
    assert out["n"] == 4 and out["quantile"] == 0.5
    assert h_hat(np.array([0.5]), np.array([0.25]))["robust"] == pytest.approx(0.75)


def test_remid_bound_on_hand_computed_terms():
    out = remid_bound(2.0, {**DJS, "input": 0.5, "encoder": "x"}, delta_p=0.01, delta_q=0.0)
    assert out["sum_sqrt_djs"] == pytest.approx(1.0)
    assert out["divergence_term"] == pytest.approx(math.sqrt(2 / 3) * 2.0)  # 1.63299
    assert out["delta"] == pytest.approx(0.01)
    assert out["delta_term"] == pytest.approx(8 * 0.01**0.25)  # 2.52982
    assert out["value"] == pytest.approx(1.6329932 + 2.5298221, abs=1e-6)
    assert out["djs"] == DJS and (out["h_hat"], out["delta_p"], out["delta_q"]) == (2.0, 0.01, 0.0)
    # No shift and perfect responses: the bound is 0; the delta term alone when H_hat = 0.
    assert remid_bound(3.0, dict.fromkeys(DJS, 0.0), 0.0, 0.0)["value"] == 0.0
    assert remid_bound(0.0, DJS, 0.0625, 0.0)["value"] == pytest.approx(4.0)


def test_emid_bound_on_hand_computed_terms():
    out = emid_bound(2.0, 0.125, delta_p=0.0016, delta_q=0.0)
    assert out["divergence_term"] == pytest.approx(1.0)  # 2 * sqrt(2 * 0.125)
    assert out["delta_term"] == pytest.approx(8 * 0.2)
    assert out["value"] == pytest.approx(2.6)
    assert set(out) == {"h_hat", "djs_input", "delta_p", "delta_q", "delta", "divergence_term", "delta_term",
                        "value"}


def test_remid_bound_is_never_below_the_emid_bound_it_is_derived_from():
    """Appendix C: 2 D_JS(P_X || Q_X) = (2/3) sum_z D_JS^z (eq. 5-6), and sqrt(sum) <= sum of sqrt (eq. 7)."""
    rng = np.random.default_rng(0)
    for _ in range(200):
        djs = dict(zip(DJS, rng.uniform(0, LN2, 3), strict=True))
        h, dp, dq = rng.uniform(0, 5), rng.uniform(0, 0.1), rng.uniform(0, 0.1)
        remid = remid_bound(h, djs, dp, dq)
        emid = emid_bound(h, sum(djs.values()) / 3, dp, dq)
        assert remid["value"] >= emid["value"] - 1e-12
        assert remid["delta_term"] == emid["delta_term"]


@pytest.mark.parametrize(("call", "term"), [
    (lambda: remid_bound(1.0, {**DJS, "user": float("nan")}, 0.0, 0.0), r"djs\['user'\]"),
    (lambda: remid_bound(1.0, {**DJS, "dialogue": -0.1}, 0.0, 0.0), r"djs\['dialogue'\]"),
    (lambda: remid_bound(1.0, {**DJS, "character": 0.9}, 0.0, 0.0), r"djs\['character'\].*ln 2"),
    (lambda: remid_bound(1.0, {"user": 0.1}, 0.0, 0.0), "character"),
    (lambda: remid_bound(-1.0, DJS, 0.0, 0.0), "h_hat"),
    (lambda: remid_bound(float("inf"), DJS, 0.0, 0.0), "h_hat"),
    (lambda: remid_bound(1.0, DJS, -0.01, 0.0), "delta_p"),
    (lambda: remid_bound(1.0, DJS, 0.0, float("nan")), "delta_q"),
    (lambda: emid_bound(1.0, float("nan"), 0.0, 0.0), "djs_input"),
    (lambda: emid_bound(1.0, 0.1, 0.0, "a lot"), "delta_q"),
    (lambda: h_hat(np.array([0.1, np.nan]), np.array([0.1, 0.2])), "entropy_ref_ood.*NaN"),
    (lambda: h_hat(np.array([0.1, 0.2]), np.array([0.1, -0.2])), "entropy_model_ood.*negative"),
    (lambda: h_hat(np.array([0.1, 0.2]), np.array([0.1])), "align"),
    (lambda: h_hat(np.array([]), np.array([])), "non-empty"),
    (lambda: h_hat(np.array([0.1]), np.array([0.1]), quantile=0.0), "quantile"),
])
def test_invalid_terms_raise_naming_the_term(call, term):
    with pytest.raises(ValueError, match=term):
        call()


def test_curve_sizes():
    assert curve_sizes(64) == [10, 20, 30, 50, 64]
    assert curve_sizes(100) == [10, 20, 30, 50, 100]
    assert curve_sizes(5) == [5]


def side(rng: np.random.Generator, n: int, offset: float) -> dict[str, np.ndarray]:
    out = {}
    for k, key in enumerate(CURVE_KEYS):
        x = rng.standard_normal((n, 16)) + offset * (np.arange(16) == k)  # [n, 16]
        out[key] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def test_bound_curve_recomputes_every_term_from_the_first_n_samples():
    rng = np.random.default_rng(1)
    ids, oods = side(rng, 80, 0.0), side(rng, 64, 2.0)
    ref, model = rng.uniform(0, 2, 64), rng.uniform(0, 2, 64)
    calls: list[int] = []

    def r_emid(n: int) -> float:
        calls.append(n)
        return 0.01 * n

    curve = curve_of(ids, oods, ref, model, r_emid)
    assert [c["n"] for c in curve] == calls == [10, 20, 30, 50, 64]
    for point in curve:
        n = point["n"]
        djs = {z: representation_jsd(ids[z][:n], oods[z][:n]) for z in ("user", "character", "dialogue")}
        expected = remid_bound(h_hat(ref[:n], model[:n])["max"], djs,
                               representation_jsd(ids["response"][:n], ids["golden"][:n]),
                               representation_jsd(oods["response"][:n], oods["golden"][:n]))
        assert point["bound"] == pytest.approx(expected["value"], abs=1e-12)
        assert point["r_emid"] == pytest.approx(0.01 * n)
        assert point["djs"] == pytest.approx(expected["djs"])
    assert all(a["h_hat"] <= b["h_hat"] for a, b in zip(curve, curve[1:], strict=False))  # max over more x
    # Another divergence and the robust H_hat are passed through.
    robust = curve_of(ids, oods, ref, model, lambda n: 0.0, sizes=[20, 40],
                      divergence=lambda a, b: classifier_jsd(a, b, seed=0), robust=True)
    assert [c["n"] for c in robust] == [20, 40]
    assert robust[-1]["h_hat"] == pytest.approx(h_hat(ref[:40], model[:40])["robust"])
    expected = classifier_jsd(ids["user"][:40], oods["user"][:40], seed=0)
    assert robust[-1]["djs"]["user"] == pytest.approx(expected)


def test_bound_curve_validates_its_inputs():
    rng = np.random.default_rng(2)
    ids, oods = side(rng, 30, 0.0), side(rng, 30, 1.0)
    ok = rng.uniform(0, 1, 30)
    with pytest.raises(ValueError, match="golden"):
        curve_of(ids, {k: v for k, v in oods.items() if k != "golden"}, ok, ok, lambda n: 0.0)
    with pytest.raises(ValueError, match="one row per sample"):
        curve_of({**ids, "user": ids["user"][:20]}, oods, ok, ok, lambda n: 0.0)
    with pytest.raises(ValueError, match="one OOD entropy"):
        curve_of(ids, oods, ok[:20], ok, lambda n: 0.0)
    with pytest.raises(ValueError, match="entropy_model_ood"):
        curve_of(ids, oods, ok, -ok, lambda n: 0.0)
    with pytest.raises(ValueError, match="sizes"):
        curve_of(ids, oods, ok, ok, lambda n: 0.0, sizes=[10, 31])
