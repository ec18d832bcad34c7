"""The files of one evaluation: results.json, the Markdown/CSV tables and one PNG plot per metric."""

from __future__ import annotations

from pathlib import Path

from remid.core.atomic import write_text_atomic
from remid.evaluation.results import METRICS, EvaluationResults
from remid.evaluation.tables import (
    analysis_table_markdown,
    comparison_table_markdown,
    estimator_table_markdown,
    remid_table_csv,
    remid_table_markdown,
)


def write_outputs(run_dir: str | Path, results: EvaluationResults) -> tuple[dict[str, str], dict[str, Path]]:
    """Write everything under ``run_dir``; return the tables (``r_emi``, ``r_emid``, ``estimator``,
    ``comparison``, ``analysis``: "" when empty) and the plot paths per metric."""
    import matplotlib.pyplot as plt

    from remid.evaluation.plots import plot_metric

    run_dir = Path(run_dir)
    results.to_json(run_dir / "results.json")
    tables, plots = {}, {}
    for metric in METRICS:
        tables[metric] = remid_table_markdown(results, metric=metric)
        write_text_atomic(run_dir / f"{metric}_table.md", tables[metric] + "\n")
        write_text_atomic(run_dir / f"{metric}_table.csv", remid_table_csv(results, metric=metric) + "\n")
        if any(getattr(e, metric) is not None for m in results.models for e in m.subsets.values()):
            plots[metric] = run_dir / f"{metric}.png"
            plt.close(plot_metric(results, metric, plots[metric]))
    tables["estimator"] = estimator_table_markdown(results)
    write_text_atomic(run_dir / "estimator_table.md", tables["estimator"] + "\n")
    tables["comparison"] = comparison_table_markdown(results)
    tables["analysis"] = analysis_table_markdown(results)
    for name in ("comparison", "analysis"):
        if tables[name]:
            write_text_atomic(run_dir / f"{name}_table.md", tables[name] + "\n")
    return tables, plots
