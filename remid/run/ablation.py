"""Table 1's ablation (``remid.corl.ablation``): python -m remid.run.ablation [estimator.base_model=...] [shift=all]."""

from __future__ import annotations

import copy
import gc
import json
from collections.abc import Callable
from pathlib import Path

from omegaconf import DictConfig, OmegaConf, open_dict

from remid.core.atomic import write_text_atomic
from remid.corl.ablation import family_means, score_variant, tables_markdown
from remid.data.readers import load_samples, select_subsets
from remid.run.assemble import build_estimator
from remid.run.cli import hydra_main
from remid.run.evaluate import prepare_estimator


def with_estimator(cfg: DictConfig, overrides: dict) -> DictConfig:
    """A copy of ``cfg`` whose estimator takes ``overrides`` (reasoner, policy, prepare, ...; not its label)."""
    out = copy.deepcopy(cfg)
    with open_dict(out):
        for key, value in overrides.items():
            if key != "label":
                out.estimator[key] = value
    return out


def ablation(cfg: DictConfig, prepare: Callable[[DictConfig], None] | None = None) -> dict[str, dict]:
    """Score every variant of ``cfg.estimator.ablation`` on ``cfg.shift.subsets``; write ablation.json and
    ablation_table.md to ``cfg.run_dir``. ``prepare(cfg)`` trains a variant's missing modules (``estimator.prepare``)."""
    run_dir = Path(cfg.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    if not cfg.estimator.get("ablation"):
        raise ValueError(f"estimator={cfg.estimator.name} lists no ablation variants (estimator.ablation)")
    subsets = select_subsets(load_samples(cfg.data.source, cfg.data.skip_invalid), cfg.shift.subsets,
                             cfg.data.eval_limit)
    variants = OmegaConf.to_container(cfg.estimator.ablation, resolve=True)
    results = {}
    for name, overrides in variants.items():
        variant = with_estimator(cfg, overrides or {})
        label = (overrides or {}).get("label", name)
        estimator = build_estimator(variant, prepare)
        scored = score_variant(estimator, variant.estimator.reduction, subsets, label)
        del estimator
        gc.collect()
        results[label] = {"reasoner": variant.estimator.reasoner, "policy": variant.estimator.policy,
                          "families": family_means(scored), "subsets": scored}
    write_text_atomic(run_dir / "ablation.json", json.dumps(results, indent=2) + "\n")
    write_text_atomic(run_dir / "ablation_table.md", tables_markdown(results) + "\n")
    return results


def run_ablation(cfg: DictConfig) -> dict[str, dict]:
    """Score the variants (training any missing module first), write the tables and print them."""
    results = ablation(cfg, prepare=prepare_estimator)
    print(f"\nTable 1 ablation: perplexity of golden responses (lower is better) -> {Path(cfg.run_dir) / 'ablation.json'}\n"
          f"{tables_markdown(results)}\n")
    return results


def main(cfg: DictConfig) -> None:
    run_ablation(cfg)


if __name__ == "__main__":
    hydra_main(main, "ablation", "other")
