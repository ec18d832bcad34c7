"""Train a role-playing model: python train.py method=sft model=tiny_qwen3 (see conf/train.yaml)."""

import hydra
from omegaconf import DictConfig

from remid.run.train import train


@hydra.main(version_base="1.3", config_path="conf", config_name="train")
def main(cfg: DictConfig) -> None:
    train(cfg)


if __name__ == "__main__":
    main()
