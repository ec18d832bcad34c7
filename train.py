"""Train a role-playing model: python train.py method=sft model=tiny_qwen3 (see conf/train.yaml)."""

from omegaconf import DictConfig

from remid.run.cli import hydra_main
from remid.run.train import train


def main(cfg: DictConfig) -> None:
    train(cfg)


if __name__ == "__main__":
    hydra_main(main, "train", "train")
