"""The report's one W&B run: its tables as ``wandb.Table``s, each scatter analysis as an interactive
``wandb.plot.scatter`` panel, figure 5a as a line panel and every PNG as an image (``remid.analysis.report``).

Offline unless the settings say otherwise (``wandb sync <dir>`` later); ``None``/``"none"`` skips it.
"""

from __future__ import annotations

import re
from pathlib import Path

from remid.analysis.correlations import Pairs

TABLE12_COLUMNS = ["model", "method", "family", "shift", "subset", "d_user", "d_character", "d_dialogue", "d_input",
                   "encoder", "estimator", "check_estimator", "check_user", "check_character", "check_dialogue",
                   "check_input", "h_hat", "delta", "bound", "r_emid", "source"]
CORRELATION_COLUMNS = ["analysis", "n", "pearson", "pearson_p", "spearman", "spearman_p", "dropped", "reason", "excluded"]


def _column(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_").lower() or "value"


def log_wandb(report: dict, scatter: dict[str, Pairs], out: Path, settings: str | dict | None) -> dict:
    """One W&B run for the report (offline unless ``settings`` says otherwise); ``None``/``"none"`` skips it."""
    if isinstance(settings, str):
        settings = {"mode": settings}
    if not settings or str(settings.get("mode", "offline")).lower() in ("none", "false", "disabled", "csv"):
        return {"skipped": "W&B disabled for this report"}
    import wandb

    run = wandb.init(project=settings.get("project", "remid"), name=settings.get("name", f"report-{out.name}"),
                     dir=str(out), mode=settings.get("mode", "offline"), job_type="report", reinit="create_new",
                     config={"sources": report["sources"], "about": report["about"]})
    try:
        logs = {}
        t12 = [[r[c] for c in TABLE12_COLUMNS] for r in report["table12"]]
        logs["tables/table12"] = wandb.Table(columns=TABLE12_COLUMNS, data=t12)
        logs["tables/table13"] = wandb.Table(columns=["family", *CORRELATION_COLUMNS[1:]],
                                             data=[[f, *(v["correlation"][c] for c in CORRELATION_COLUMNS[1:])]
                                                   for f, v in report["table13"].items()])
        logs["tables/r_emi"] = wandb.Table(columns=["model", "subset", "estimator", "r_emi", "r_emid", "source"],
                                           data=[[r["model"], r["subset"], r["estimator"], r["r_emi"], r["r_emid"],
                                                  r["source"]] for r in report["r_emi"]])
        for key, pairs in scatter.items():
            if not pairs.points:
                continue
            x, y = _column(pairs.x_label), _column(pairs.y_label)
            table = wandb.Table(columns=["model", "method", "subset", x, y],
                                data=[[p.model, p.method, p.subset, p.x, p.y] for p in pairs.points])
            corr = pairs.correlation()
            logs[f"scatter/{key}"] = wandb.plot.scatter(table, x, y, title=f"{pairs.name}: {corr.summary()}")
            if corr.ok:
                run.summary.update({f"{key}/pearson": corr.pearson, f"{key}/spearman": corr.spearman})
        curve = [[s["n"], s["correlation"]["pearson"], s["correlation"]["spearman"], s["mean_bound"], s["mean_r_emid"]]
                 for s in report["figure5a"]]
        if curve:
            table = wandb.Table(columns=["n", "pearson", "spearman", "mean_bound", "mean_r_emid"], data=curve)
            logs["scatter/5a"] = wandb.plot.line(table, "n", "pearson", title="Figure 5a: Pearson r of bound vs R-EMID by n")
        for name, fig in report["figures"].items():
            logs[f"figures/{Path(name).stem}"] = wandb.Image(str(out / fig["file"]), caption=fig["reading"][:500])
        run.log(logs)
        run_dir = Path(run.dir).parent
        info = {"mode": settings.get("mode", "offline"), "run_id": run.id, "dir": str(run_dir),
                "sync": f"wandb sync {run_dir}"}
    finally:
        run.finish()
    return info
