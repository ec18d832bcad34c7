"""Build an RPGBench from seeds with a teacher LLM: python build_bench.py (see conf/build_bench.yaml)."""

import hydra
from omegaconf import DictConfig

from remid.bench.build import build_bench


@hydra.main(version_base="1.3", config_path="conf", config_name="build_bench")
def main(cfg: DictConfig) -> None:
    build_bench(cfg)


if __name__ == "__main__":
    main()
