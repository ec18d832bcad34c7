"""Train, evaluate and report over models x methods: python sweep.py models=[...] methods=[...] (conf/sweep.yaml)."""

from omegaconf import DictConfig

from remid.run.cli import hydra_main
from remid.run.sweep import sweep


def main(cfg: DictConfig) -> None:
    sweep(cfg)


if __name__ == "__main__":
    hydra_main(main, "sweep", "other")
