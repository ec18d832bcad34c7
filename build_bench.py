"""Build an RPGBench from seeds with a teacher LLM: python build_bench.py (see conf/build_bench.yaml)."""

from omegaconf import DictConfig

from remid.rpgbench.build import build_bench
from remid.run.cli import hydra_main


def main(cfg: DictConfig) -> None:
    build_bench(cfg)


if __name__ == "__main__":
    hydra_main(main, "build_bench", "other")
