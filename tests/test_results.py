"""The results format: JSON round trip and the table 20 layout."""

import json

import numpy as np
import pytest
from synthetic_results import (
    LABELS,
    PAPER_SFT,
    analysed_results,
    flag_uninformative,
    results,
    with_diagnostics,
)

from remid.core.schema import EVAL_SUBSETS
from remid.evaluation.results import EvaluationResults
from remid.evaluation.tables import remid_table_csv, remid_table_markdown


def cells(table: str, line: int) -> list[str]:
    return [c.strip() for c in table.splitlines()[line].strip().strip("|").split("|")]


def values(row: list[str]) -> list[str]:
    """The numbers of table cells, without their marks and intervals ("-0.047† [-0.147, 0.053]" -> "-0.047")."""
    return [c.split(" [")[0].rstrip("†‡§") for c in row]


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
    assert values(row[1:13]) == [f"{v:.3f}" for v in PAPER_SFT]
    assert row[1] == f"{PAPER_SFT[0]:.3f} [{PAPER_SFT[0] - 0.1:.3f}, {PAPER_SFT[0] + 0.1:.3f}]"  # its 95% interval
    assert row[13] == "-0.057"  # the paper's Avg. for this row: the mean of all 12 columns


def test_missing_subsets_render_a_dash_and_are_left_out_of_the_average():
    table = remid_table_markdown(results(drop=("word_level",)))
    row = cells(table, 3)
    assert row[12] == "–"
    assert float(row[13]) == pytest.approx(sum(PAPER_SFT[:11]) / 11, abs=5e-4)
    tiny = cells(table, 4)  # hand-made: ID 0.5, G. 0.25, the rest missing
    assert tiny[0] == "tiny (icl)" and values(tiny[1:3]) == ["0.500", "0.250"] and tiny[3:13] == ["–"] * 10
    assert tiny[13] == "0.375"


def test_r_emid_table_and_csv():
    row = cells(remid_table_markdown(results(), metric="r_emid"), 3)
    assert row[1] == "–" and values(row[2:3]) == [f"{PAPER_SFT[0] - PAPER_SFT[1]:.3f}"]
    assert float(row[13]) == pytest.approx(sum(PAPER_SFT[0] - v for v in PAPER_SFT[1:]) / 11, abs=5e-4)
    csv = remid_table_csv(results(), metric="r_emi").splitlines()
    assert csv[0] == "split,model,subset,n,value,ci_low,ci_high,informative,responses_hit_cap,empty_responses,marks"
    assert csv[1] == "test,qwen3_4b (sft),id,10,-0.067000,-0.167000,0.033000,,,,"
    assert csv[-1] == "test,tiny (icl),german,10,0.250000,0.150000,0.350000,,,,"
    with pytest.raises(ValueError, match="unknown metric"):
        remid_table_markdown(results(), metric="winrate")


def test_uninformative_subsets_are_marked_and_explained():
    table = remid_table_markdown(with_diagnostics({"id": True, "german": False}))
    row = cells(table, 3)
    assert values(row[1:4]) == ["-0.067", "-0.047", "-0.051"]
    assert row[2].startswith("-0.047† [") and "†" not in row[1] + row[3]  # unchecked subsets stay unmarked
    assert row[13] == "-0.057†" and "it averages in subsets where the estimator is near chance" in table
    assert "numbers on this subset are not informative" in table
    assert "†" not in remid_table_markdown(with_diagnostics({"id": True, "german": True}))


def test_informative_needs_both_the_rank_test_and_a_positive_interval():
    res = with_diagnostics({"id": True, "german": True})
    est = res.models[0].subsets["german"]
    assert est.informative is True
    est.mi_ref_ci = (-0.01, 0.3)
    assert est.informative is False
    assert res.models[0].subsets["spanish"].informative is None  # no diagnostics: not checked


def test_estimator_table_and_json_carry_the_diagnostics(tmp_path):
    from remid.evaluation.tables import estimator_table_markdown

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
    assert row[EVAL_SUBSETS.index("film") + 1].startswith("-0.062‡ [") and "‡" not in row[1]
    assert "most of this RPM's responses on this subset are empty" in table
    assert "‡" not in remid_table_markdown(results())


def test_subset_labels_name_one_subset_each():
    from remid.evaluation.results import COLUMN_LABELS

    assert len(set(COLUMN_LABELS.values())) == len(COLUMN_LABELS) == len(EVAL_SUBSETS)


def test_responses_at_the_token_cap_are_marked_in_the_tables_and_warned():
    from remid.analysis.summary import uninformative_warnings

    res = results()
    res.models[0].subsets["gaming"].extra["responses_hit_cap"] = 1.0
    row = cells(remid_table_markdown(res), 3)
    assert row[EVAL_SUBSETS.index("gaming") + 1].startswith("-0.079§ [") and "§" not in row[1]
    assert "ran to the token cap" in remid_table_markdown(res)
    assert remid_table_csv(res).splitlines()[10].endswith(",1.000000,,§")
    assert any("100% on gaming of its responses ran to the token cap" in w for w in uninformative_warnings(res))


def test_dev_results_say_dev_and_emi_results_are_named_without_reasoning():
    from remid.evaluation.tables import estimator_table_markdown

    res = with_diagnostics({"id": True, "german": False})
    assert "test split" in remid_table_markdown(res) and "I(X_R; Y_ref)" in estimator_table_markdown(res)
    res.split = "dev"
    res.estimator = {"name": "emi", "reasoner": None}
    table, diag = remid_table_markdown(res), estimator_table_markdown(res)
    assert table.startswith("**DEV SPLIT") and diag.startswith("**DEV SPLIT") and "Cells: EMI [95% bootstrap CI]" in table
    assert "I(X; Y_ref)" in diag and "X_R" not in diag
    assert all(line.startswith("dev,") for line in remid_table_csv(res).splitlines()[1:])


def test_an_estimator_without_reasoning_heads_every_table_and_the_json_emi_whatever_its_name(tmp_path):
    from remid.analysis.calibration import calibrate, calibration_markdown
    from remid.analysis.summary import uninformative_warnings
    from remid.evaluation.outputs import write_outputs
    from remid.evaluation.results import metric_names

    res = flag_uninformative(analysed_results(), {("tiny_qwen3/sft", "german")})
    res.estimator = {"name": "my_scorer", "reasoner": None}  # the kind is the field, not the name
    model = res.models[0]
    model.comparison = {"id": {"baseline": "tiny_qwen3/rl", "diff": 0.1, "ci": [0.05, 0.15]}}
    model.subsets["film"].extra["empty_responses"] = 0.9
    tables, _ = write_outputs(tmp_path, res)
    text = "\n".join([*tables.values(), *uninformative_warnings(res),
                      calibration_markdown(calibrate({"id": np.eye(6) * 3}, draws=2, n_boot=20), {},
                                           metric_names(res.uses_reasoning))])
    assert "R-EMI" not in text and "X_R" not in text
    assert "EMI minus EMI of tiny_qwen3/rl" in tables["comparison"] and "| EMID |" in tables["analysis"]
    assert "I(X; Y_ref) [95% CI]" in tables["estimator"] and "Cells: EMID" in tables["r_emid"]
    assert "its EMI there scores empty answers" in text and "planted RPM EMI at p=1" in text
    names = json.loads((tmp_path / "results.json").read_text())["names"]
    assert names == {"r_emi": "EMI", "r_emid": "EMID", "mi_model": "I(X; Y_model)", "mi_ref": "I(X; Y_ref)", "inputs": "X"}
    res.estimator = {"name": "emi", "reasoner": "pretrained:remi_tiny_reasoner"}  # with reasoning: R-EMI
    assert "R-EMI minus R-EMI of" in write_outputs(tmp_path / "r", res)[0]["comparison"]
