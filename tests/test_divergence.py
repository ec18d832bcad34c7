"""Shift-severity divergences: both D_JS estimators on cases with known answers, and on the mini benchmark."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from remid.core.schema import EVAL_SUBSETS, SHIFT_FAMILIES
from remid.data.readers import select_subsets
from remid.estimators.divergence import (
    COMPONENTS,
    LN2,
    classifier_jsd,
    component_divergences,
    component_texts,
    jsd,
    representation_jsd,
    response_divergence,
)
from remid.models.embeddings import CharNgramEmbedder

ESTIMATORS = ("representation", "classifier")
FAMILY_COMPONENT = {"user": "user", "character": "character", "dialogue": "dialogue"}


def gaussian_jsd(shift: float) -> float:
    """D_JS(N(0, I) || N(mu, I)) in nats, |mu| = shift: the 1-D integral along mu (other axes cancel)."""
    p, q = stats.norm(0.0, 1.0), stats.norm(shift, 1.0)

    def integrand(x: float) -> float:
        a, b = p.pdf(x), q.pdf(x)
        m = 0.5 * (a + b)
        return 0.5 * (a * math.log(a / m) if a > 0 else 0.0) + 0.5 * (b * math.log(b / m) if b > 0 else 0.0)

    return integrate.quad(integrand, -15.0, 15.0 + shift, limit=200)[0]


def plug_in_jsd(p: np.ndarray, q: np.ndarray) -> float:
    """D_JS of two histograms (probability vectors), nats."""
    m = 0.5 * (p + q)
    kl = lambda a: float(np.sum(a[a > 0] * np.log(a[a > 0] / m[a > 0])))  # noqa: E731
    return 0.5 * kl(p) + 0.5 * kl(q)


def shifted(n: int, dim: int, shift: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    mu = np.zeros(dim)
    mu[0] = shift
    return rng.standard_normal((n, dim)), rng.standard_normal((n, dim)) + mu


# --------------------------------------------------------------------------- known answers


def test_identical_samples_read_zero():
    p = np.random.default_rng(0).standard_normal((80, 32))
    # Representation: the mixture of two equal density matrices is that matrix: 0 up to eigh rounding.
    assert representation_jsd(p, p) == pytest.approx(0.0, abs=1e-9)
    # Classifier: every row sits in both classes, so the best held-out D is 1/2 (value 0); fitting noise
    # only lowers the variational value, which is clipped at 0. 0.01 is ~1.5% of ln 2.
    assert classifier_jsd(p, p) <= 0.01


def test_independent_samples_of_one_distribution_read_near_zero_and_the_representation_bias_shrinks_with_n():
    p, q = shifted(400, 8, 0.0, seed=1)
    assert classifier_jsd(p, q) <= 0.02
    assert representation_jsd(p, q) <= 0.02  # measured 0.005 at D = 8, N = 400
    # The finite-sample bias of the representation estimate (rank of the mixture): larger at small N, high D.
    small = representation_jsd(*shifted(50, 64, 0.0, seed=2))
    large = representation_jsd(*shifted(800, 64, 0.0, seed=2))
    assert small > 0.2 and large < 0.05 and small > 5 * large  # measured 0.33 and 0.02


def test_separated_distributions_approach_ln2():
    rng = np.random.default_rng(3)
    # Orthogonal supports: block-diagonal mixture, so the representation D_JS is ln 2 exactly.
    p = np.abs(rng.standard_normal((60, 16))) * np.r_[np.ones(8), np.zeros(8)]
    q = np.abs(rng.standard_normal((60, 16))) * np.r_[np.zeros(8), np.ones(8)]
    assert representation_jsd(p, q) == pytest.approx(LN2, abs=1e-9)
    assert classifier_jsd(*shifted(100, 16, 12.0, seed=4)) > 0.65  # analytic 0.6931 at shift 12


def test_one_hot_categories_give_the_plug_in_jsd_and_approach_the_population_value():
    """One-hot rows make every density matrix diagonal: the representation D_JS *is* the plug-in D_JS."""
    p_true = np.array([0.3, 0.25, 0.2, 0.15, 0.1, 0.0])
    q_true = p_true[::-1].copy()
    population = plug_in_jsd(p_true, q_true)  # 0.2447
    rng = np.random.default_rng(5)
    a, b = rng.choice(6, 800, p=p_true), rng.choice(6, 800, p=q_true)
    onehot_p, onehot_q = np.eye(6)[a], np.eye(6)[b]
    empirical = plug_in_jsd(np.bincount(a, minlength=6) / 800, np.bincount(b, minlength=6) / 800)
    assert representation_jsd(onehot_p, onehot_q) == pytest.approx(empirical, abs=1e-9)
    assert representation_jsd(onehot_p, onehot_q) == pytest.approx(population, abs=0.03)
    assert classifier_jsd(onehot_p, onehot_q) == pytest.approx(population, abs=0.04)  # measured 0.228


@pytest.mark.parametrize("shift", [1.0, 2.0, 3.0])
def test_shifted_gaussians_against_the_analytic_jsd(shift):
    """Classifier lands near the analytic D_JS; the representation one stays under it (Holevo bound).

    Unit-normalised rows keep only the directions of x, and the representation D_JS of the directions is a
    Holevo quantity, at most their classical D_JS, itself at most the Gaussians' (data processing).
    """
    truth = gaussian_jsd(shift)  # 0.111, 0.337, 0.540
    p, q = shifted(400, 8, shift, seed=6)
    assert classifier_jsd(p, q) == pytest.approx(truth, abs=0.06)
    assert representation_jsd(p, q) <= truth + 0.01


def test_both_estimators_grow_with_the_shift():
    values = {name: [jsd(*shifted(300, 8, s, seed=7), estimator=name) for s in (0.0, 1.5, 3.0, 6.0)]
              for name in ESTIMATORS}
    for name, series in values.items():
        assert all(a < b for a, b in zip(series, series[1:], strict=False)), (name, series)


def test_representation_matches_the_reference_form_and_weighs_each_sample_half():
    """With N = M it is the reference code's form: von Neumann entropies of P^T P, Q^T Q and their mean."""
    rng = np.random.default_rng(8)
    p = rng.standard_normal((40, 12))
    q = rng.standard_normal((40, 12)) + 0.7
    p /= np.linalg.norm(p, axis=1, keepdims=True)
    q /= np.linalg.norm(q, axis=1, keepdims=True)

    def entropy(matrix: np.ndarray) -> float:  # D x D, eigenvalues rescaled to sum 1
        lam = np.linalg.eigvalsh(matrix)
        lam = lam[lam > 0] / lam[lam > 0].sum()
        return float(-(lam * np.log(lam)).sum())

    cov_p, cov_q = p.T @ p, q.T @ q  # [D, D]
    reference = entropy((cov_p + cov_q) / 2) - 0.5 * (entropy(cov_p) + entropy(cov_q))
    assert representation_jsd(p, q) == pytest.approx(reference, abs=1e-9)
    # Repeating every row of P leaves rho_P unchanged: each sample weighs 1/2 whatever its size.
    assert representation_jsd(np.concatenate([p, p]), q) == pytest.approx(representation_jsd(p, q), abs=1e-9)
    assert representation_jsd(p, q) == pytest.approx(representation_jsd(q, p), abs=1e-12)


def test_classifier_is_deterministic_given_a_seed():
    p, q = shifted(60, 32, 1.0, seed=9)
    assert classifier_jsd(p, q, seed=3) == classifier_jsd(p, q, seed=3)


def test_bad_inputs_raise():
    good = np.ones((10, 4))
    with pytest.raises(ValueError, match="2-D"):
        representation_jsd(np.ones(4), good)
    with pytest.raises(ValueError, match="different dimensions"):
        representation_jsd(good, np.ones((10, 5)))
    with pytest.raises(ValueError, match="non-finite"):
        classifier_jsd(np.full((10, 4), np.nan), good)
    with pytest.raises(ValueError, match="at least 5 rows"):
        classifier_jsd(np.ones((3, 4)), good)
    with pytest.raises(ValueError, match="all zero"):
        representation_jsd(np.zeros((10, 4)), good)
    with pytest.raises(ValueError, match="unknown estimator"):
        jsd(good, good, estimator="knn")


# --------------------------------------------------------------------------- texts and the mini benchmark


class CountingEmbedder(CharNgramEmbedder):
    """The offline embedder, counting the texts it encodes."""

    def __init__(self) -> None:
        super().__init__()
        self.encoded: list[str] = []

    def encode(self, texts, batch_size=None):
        self.encoded.extend(texts)
        return super().encode(texts, batch_size)


@pytest.fixture(scope="module")
def subsets(mini_samples):
    return select_subsets(mini_samples, EVAL_SUBSETS)


@pytest.fixture(scope="module")
def table(subsets):
    """D_JS(ID || subset) per OOD subset and component: representation, with the classifier as check."""
    embedder = CharNgramEmbedder()
    return {name: component_divergences(subsets["id"], subsets[name], embedder) for name in EVAL_SUBSETS[1:]}


def test_component_divergences_encode_each_text_once_and_report_every_term(subsets):
    embedder = CountingEmbedder()
    out = component_divergences(subsets["id"][:40], subsets["german"][:30], embedder, check=None)
    assert len(embedder.encoded) == len(set(embedder.encoded))
    texts = {component_texts(s)[z] for s in subsets["id"][:40] + subsets["german"][:30] for z in COMPONENTS}
    assert set(embedder.encoded) == texts
    assert out["encoder"] == embedder.name and out["estimator"] == "representation" and "check" not in out
    assert (out["n_id"], out["n_ood"]) == (40, 30)
    assert all(0.0 <= out[z] <= LN2 for z in COMPONENTS)
    sample = subsets["id"][0]
    parts = component_texts(sample)
    assert parts["user"] == sample.user_persona
    assert parts["input"] == "\n".join((parts["user"], parts["character"], parts["dialogue"]))


@pytest.mark.slow
def test_estimators_agree_in_rank_across_the_eleven_shifts(table):
    rows = [f"{'subset':<12}" + "".join(f"{z:>22}" for z in COMPONENTS)]
    for name, out in table.items():
        rows.append(f"{name:<12}" + "".join(f"{out[z]:>11.3f}/{out['check'][z]:<10.3f}" for z in COMPONENTS))
    rho = {z: stats.spearmanr([t[z] for t in table.values()], [t["check"][z] for t in table.values()])[0]
           for z in COMPONENTS}
    print("\nD_JS(ID || subset), representation / classifier, char n-grams\n" + "\n".join(rows))
    print("Spearman", {z: round(float(r), 3) for z, r in rho.items()})
    assert rho["input"] > 0.5  # measured 0.85 (user 0.72, character 0.96, dialogue 0.58)
    assert rho["character"] > 0.5


@pytest.mark.slow
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_the_shifted_component_dominates(table, estimator):
    """Appendix B.2: the largest divergence term is the one the subset's shift family moves.

    Under a user shift the dialogue is written in the user's language too, so the classifier separates both
    components almost perfectly (both within 0.005 of ln 2): ties are allowed to 0.01.
    """
    for family, names in SHIFT_FAMILIES.items():
        if family == "id":
            continue
        for name in names:
            out = table[name] if estimator == "representation" else table[name]["check"]
            others = [out[z] for z in FAMILY_COMPONENT.values() if z != FAMILY_COMPONENT[family]]
            assert out[FAMILY_COMPONENT[family]] >= max(others) - 0.01, (name, estimator, out)


def test_response_divergence(subsets):
    embedder = CharNgramEmbedder()
    english = [s.golden_response for s in subsets["id"][:40]]
    chinese = [s.golden_response for s in subsets["chinese"][:40]]
    assert response_divergence(english, english, embedder) == pytest.approx(0.0, abs=1e-9)
    for estimator in ESTIMATORS:
        far = response_divergence(english, chinese, embedder, estimator)
        near = response_divergence(english[:20], english[20:], embedder, estimator)
        assert far > 0.5 and far > near + 0.3, (estimator, far, near)
    with pytest.raises(ValueError, match="need model and golden"):
        response_divergence([], english, embedder)
