"""Measure R-EMI / R-EMID of role-playing models: python evaluate.py (see conf/evaluate.yaml)."""

from omegaconf import DictConfig

from remid.run.cli import hydra_main, method_alias
from remid.run.evaluate import evaluate


def main(cfg: DictConfig) -> None:
    evaluate(cfg)


if __name__ == "__main__":
    hydra_main(main, "evaluate", "evaluate", aliases=method_alias)
