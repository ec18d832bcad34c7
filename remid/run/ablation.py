"""Table 1's ablation (``remid.corl.ablation``): python -m remid.run.ablation [estimator.base_model=...] [shift=all]."""

from __future__ import annotations

from pathlib import Path

from omegaconf import DictConfig

from remid.corl.ablation import ablation, tables_markdown
from remid.run.cli import hydra_main
from remid.run.evaluate import prepare_estimator


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
