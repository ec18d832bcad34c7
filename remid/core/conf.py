"""Where the ``conf/`` tree is: the checkout's, and the working directory's (e.g. the Docker image's /opt/remid)."""

from __future__ import annotations

from pathlib import Path

CONF_DIR = Path(__file__).resolve().parents[2] / "conf"
MODEL_CONF_DIRS = (CONF_DIR / "model", Path.cwd() / "conf" / "model")


def model_conf_path(name: str | None) -> Path | None:
    """``conf/model/<name>.yaml``: the checkout's, else the working directory's; None when neither exists."""
    return next((d / f"{name}.yaml" for d in MODEL_CONF_DIRS if name and (d / f"{name}.yaml").exists()), None)
