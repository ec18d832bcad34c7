"""Train, evaluate and report over models x methods: python sweep.py models=[...] methods=[...] (conf/sweep.yaml)."""

import hydra
from omegaconf import DictConfig

from remid.run.sweep import sweep


@hydra.main(version_base="1.3", config_path="conf", config_name="sweep")
def main(cfg: DictConfig) -> None:
    sweep(cfg)


if __name__ == "__main__":
    main()
