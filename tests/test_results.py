"""The results format: JSON round trip and the table 20 layout."""

import pytest
from synthetic_results import LABELS, PAPER_SFT, results

from remid.data.schema import EVAL_SUBSETS
from remid.results import EvaluationResults
from remid.tables import remid_table_csv, remid_table_markdown


def cells(table: str, line: int) -> list[str]:
    return [c.strip() for c in table.splitlines()[line].strip().strip("|").split("|")]


def test_json_round_trip(tmp_path):
    original = results(drop=("korean",))
    path = tmp_path / "out" / "results.json"
    original.to_json(path)
    loaded = EvaluationResults.from_json(path)
    assert loaded == original
    assert isinstance(loaded.models[0].subsets["german"].r_emi_ci, tuple)
    assert loaded.models[0].subsets["id"].r_emid is None and loaded.models[0].subsets["id"].r_emid_ci is None
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]  # no temp file left behind


def test_markdown_table_has_the_paper_layout_and_average():
    table = remid_table_markdown(results())
    family = cells(table, 0)
    assert family[2] == "User shift" and family[7] == "Character shift" and family[11] == "Dialogue shift"
    assert cells(table, 2)[1:] == LABELS
    row = cells(table, 3)
    assert row[0] == "qwen3_4b (sft)"
    assert row[1:13] == [f"{v:.3f}" for v in PAPER_SFT]
    assert row[13] == "-0.057"  # the paper's Avg. for this row: the mean of all 12 columns


def test_missing_subsets_render_a_dash_and_are_left_out_of_the_average():
    table = remid_table_markdown(results(drop=("word_level",)))
    row = cells(table, 3)
    assert row[12] == "–"
    assert float(row[13]) == pytest.approx(sum(PAPER_SFT[:11]) / 11, abs=5e-4)
    tiny = cells(table, 4)  # hand-made: ID 0.5, G. 0.25, the rest missing
    assert tiny[0] == "tiny (icl)" and tiny[1:3] == ["0.500", "0.250"] and tiny[3:13] == ["–"] * 10
    assert tiny[13] == "0.375"


def test_r_emid_table_and_csv():
    row = cells(remid_table_markdown(results(), metric="r_emid"), 3)
    assert row[1] == "–" and row[2] == f"{PAPER_SFT[0] - PAPER_SFT[1]:.3f}"
    assert float(row[13]) == pytest.approx(sum(PAPER_SFT[0] - v for v in PAPER_SFT[1:]) / 11, abs=5e-4)
    csv = remid_table_csv(results(), metric="r_emi").splitlines()
    assert csv[0] == "model," + ",".join(EVAL_SUBSETS) + ",avg"
    assert csv[2] == "tiny (icl),0.500000,0.250000" + "," * 10 + ",0.375000"
    with pytest.raises(ValueError, match="unknown metric"):
        remid_table_markdown(results(), metric="winrate")


def with_diagnostics(informative_ref: dict[str, bool]) -> EvaluationResults:
    """``results()`` whose first model carries diagnostics; the subsets in ``informative_ref`` get them."""
    import json

    import numpy as np

    from remid.estimators.diagnostics import pair_diagnostics

    out = results()
    perfect = pair_diagnostics(np.eye(10) * 5).as_dict()
    blind = pair_diagnostics(np.zeros((10, 10))).as_dict()
    for subset, good in informative_ref.items():
        est = out.models[0].subsets[subset]
        est.diagnostics = {"model": perfect, "ref": json.loads(json.dumps(perfect if good else blind))}
        est.mi_ref_ci = (0.2, 0.4) if good else (-0.1, 0.1)
    return out


def test_uninformative_subsets_are_marked_and_explained():
    table = remid_table_markdown(with_diagnostics({"id": True, "german": False}))
    row = cells(table, 3)
    assert row[1] == "-0.067" and row[2] == "-0.047†" and row[3] == "-0.051"  # unchecked subsets stay unmarked
    assert "not informative" in table.splitlines()[-1]
    assert "†" not in remid_table_markdown(with_diagnostics({"id": True, "german": True}))


def test_informative_needs_both_the_rank_test_and_a_positive_interval():
    res = with_diagnostics({"id": True, "german": True})
    est = res.models[0].subsets["german"]
    assert est.informative is True
    est.mi_ref_ci = (-0.01, 0.3)
    assert est.informative is False
    assert res.models[0].subsets["spanish"].informative is None  # no diagnostics: not checked


def test_estimator_table_and_json_carry_the_diagnostics(tmp_path):
    from remid.tables import estimator_table_markdown

    res = with_diagnostics({"id": True, "german": False})
    table = estimator_table_markdown(res)
    id_row, german_row = cells(table, 2), cells(table, 3)
    assert id_row[0] == "ID (id)" and id_row[3] == "0.0 (4.5)" and id_row[7] == "100% (10%)" and id_row[-1] == "yes"
    assert german_row[3] == "4.5 (4.5)" and german_row[6] == "4.5" and german_row[-1] == "NO: near chance"
    res.to_json(tmp_path / "results.json")
    import json

    raw = json.loads((tmp_path / "results.json").read_text())["models"][0]["subsets"]
    assert raw["german"]["informative"] is False and raw["german"]["diagnostics"]["ref"]["mean_rank"] == 4.5
    assert EvaluationResults.from_json(tmp_path / "results.json") == res


def test_empty_responses_are_marked_and_explained():
    res = results()
    res.models[0].subsets["film"].extra["empty_responses"] = 0.84
    res.models[0].subsets["id"].extra["empty_responses"] = 0.1
    table = remid_table_markdown(res)
    row = cells(table, 3)
    assert row[EVAL_SUBSETS.index("film") + 1].endswith("‡") and not row[1].endswith("‡")
    assert "most of this RPM's responses on this subset are empty" in table
    assert "‡" not in remid_table_markdown(results())
