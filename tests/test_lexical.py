"""The lexical floor (character n-gram TF-IDF, scikit-learn) and Holm's correction across subsets."""

import numpy as np
import pytest

from remid.data.readers import load_samples, select_subsets
from remid.estimators.diagnostics import holm, pair_diagnostics
from remid.estimators.lexical import context_string, lexical_matrix


@pytest.fixture(scope="module")
def german():
    return select_subsets(load_samples(None, False), ["german"], 24, "test", True)["german"]

def test_the_floor_finds_planted_copies_and_nothing_in_shuffled_ones(german):
    # Known answer: a response that repeats its own context's last query is found; responses drawn from an
    # unrelated pool carry no dependence and rank own contexts at chance.
    copies = [s.dialogue_context[-1].text for s in german]
    found = pair_diagnostics(lexical_matrix(german, copies))
    assert found.column_mean_rank < 1 and found.informative
    rng = np.random.default_rng(0)
    null = [pair_diagnostics(lexical_matrix(german, [copies[j] for j in rng.permutation(len(german))]))
            for _ in range(20)]
    assert abs(np.mean([d.column_mean_rank for d in null]) - found.chance_rank) < 1.5
    assert np.mean([d.informative for d in null]) <= 0.1

def test_the_floor_is_a_cosine_of_raw_context_and_response(german):
    from sklearn.feature_extraction.text import TfidfVectorizer

    refs = [s.golden_response for s in german]
    m = lexical_matrix(german, refs)
    assert m.shape == (24, 24) and np.all((m >= 0) & (m <= 1 + 1e-12))
    # Recomputed from the vectors: cosine = normalised dot product, for one pair.
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    x = vec.fit_transform([*(context_string(s) for s in german), *refs]).toarray()
    a, b = x[3], x[24 + 5]
    assert m[3, 5] == pytest.approx(a @ b / np.linalg.norm(a) / np.linalg.norm(b), rel=1e-9)
    assert german[0].user_persona in context_string(german[0])

def test_holm_matches_its_definition_by_enumeration():
    rng = np.random.default_rng(1)
    for m in (1, 2, 5, 12):
        raw = dict(zip("abcdefghijkl", rng.uniform(0, 0.2, m), strict=False))
        adjusted = holm(raw)
        order = sorted(raw, key=raw.get)
        for k, name in enumerate(order):
            expected = max(min(1.0, (m - j) * raw[order[j]]) for j in range(k + 1))
            assert adjusted[name] == pytest.approx(expected)
        assert all(adjusted[k] >= raw[k] for k in raw)
    # Family-wise error: with 12 null subsets, some raw p < 0.01 in ~11% of runs, some Holm p < 0.01 in <= 1%.
    null = [holm(dict(zip(range(12), rng.uniform(size=12), strict=True))) for _ in range(4000)]
    assert np.mean([min(h.values()) < 0.01 for h in null]) <= 0.015

def test_informative_uses_the_holm_corrected_p_value():
    from synthetic_results import results

    est = results().models[0].subsets["german"]
    blind_p = 0.004
    diag = pair_diagnostics(np.eye(10) * 5).as_dict() | {"column_p_value": blind_p}
    est.diagnostics, est.mi_ref_ci = {"ref": diag}, (0.1, 0.2)
    assert est.informative is True  # uncorrected
    est.diagnostics["holm"] = {"ref": 0.048}
    assert est.informative is False

def test_the_estimator_table_shows_the_floor_and_marks_a_weaker_estimator():
    from synthetic_results import results

    from remid.analysis.summary import uninformative_warnings
    from remid.evaluation.tables import estimator_table_markdown

    res = results()
    for name, est in res.models[0].subsets.items():
        good = pair_diagnostics(np.eye(10) * 5).as_dict()
        last = pair_diagnostics(-np.eye(10) * 5).as_dict()  # own context ranked last
        est.diagnostics = {"ref": last if name == "korean" else good, "model": good, "lexical_ref": good,
                           "holm": {"ref": 1e-4}}
        est.mi_ref_ci = (0.1, 0.2)
    table = estimator_table_markdown(res)
    korean = next(line for line in table.splitlines() if "(korean)" in line)
    german = next(line for line in table.splitlines() if "(german)" in line)
    assert "¶" in korean and "¶" not in german and "0.0 / 0.0" in korean
    assert "lexical floor" in table.splitlines()[-1]
    warnings = [w for w in uninformative_warnings(res) if "lexical floor" in w]
    assert len(warnings) == 1 and "korean" in warnings[0] and "german" not in warnings[0]

def test_equal_ranks_are_not_below_the_floor():
    from synthetic_results import results

    from remid.evaluation.tables import below_floor

    est = results().models[0].subsets["id"]
    d = pair_diagnostics(np.eye(4)).as_dict()
    est.diagnostics = {"ref": d, "lexical_ref": d}
    assert not below_floor(est)
