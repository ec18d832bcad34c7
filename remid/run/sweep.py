"""``sweep(cfg)``: train every (model, method), evaluate each model's RPMs, then write the analysis report.

A thin orchestrator over ``remid.run.train.train``, ``remid.run.evaluate.evaluate`` and
``remid.analysis.report.build_report`` (paper section 3.4 and 4: figures 4, 5, 7, tables 12, 13). Configs
are composed from the same tree as ``train.py`` / ``evaluate.py`` (``hydra.compose``), so any of their
overrides passes through ``train_overrides`` / ``evaluate_overrides``. Each job runs inside its own
try/except: a failure is recorded with its traceback (``failures`` in the report) and the rest go on.

Reuse: a (model, method) whose run dir holds ``hf/config.json`` is not retrained (one with only
``checkpoints/last.ckpt`` resumes); an evaluation writes to ``<run_dir>/evaluate/<model>/<remi|emi>`` with a
``job.json`` of its overrides and its RPMs' file times, and is reused while both match (``refresh=true``
re-runs it, still served by the generation and score caches under ``paths.cache_dir``).

Launcher: the sweep's ``hydra/launcher`` (``python sweep.py hydra/launcher=slurm``, or ``local``; conf/hydra/launcher)
runs every train and evaluate job as a submitit job (a SLURM job with the job's own ``trainer.num_nodes`` and
``trainer.devices``); the jobs of one stage (the methods of a model at the same ``init_from`` depth) run at once.
On SLURM every train stage of a model is submitted at once, each job behind the job of the run it starts from
(``--dependency=afterok``); a model's evaluations are submitted when its train jobs have ended, with the methods
that trained. A failed job is recorded with its own error and the path of its log.
Hydra's ``basic`` launcher (the default) runs them here, one after another.
"""

from __future__ import annotations

import json
import logging
import traceback
from pathlib import Path

from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import InterpolationResolutionError

log = logging.getLogger(__name__)


def _compose(config_name: str, overrides: list[str]) -> DictConfig:
    from hydra import compose

    return compose(config_name=config_name, overrides=overrides)


def _fingerprint(run_dir: Path) -> dict[str, int]:
    """Modification times of what an evaluation reads from a train run (its hf/ files, else its config)."""
    files = sorted((run_dir / "hf").glob("*")) if (run_dir / "hf").is_dir() else [run_dir / "config.yaml"]
    return {str(f.relative_to(run_dir)): f.stat().st_mtime_ns for f in files if f.is_file()}


def logger_choice(logger) -> str:
    """The ``logger`` option a composed logger node came from: ``wandb``, ``csv`` or ``none`` (empty)."""
    target = str((logger or {}).get("_target_", ""))
    return "wandb" if target.endswith("WandbLogger") else "csv" if target.endswith("CSVLogger") else "none"


def report_wandb(cfg: DictConfig) -> dict:
    """The report's W&B settings: the sweep logger's project and offline flag; mode ``none`` unless it is W&B."""
    if logger_choice(cfg.get("logger")) != "wandb":
        return {"mode": "none"}
    return {"mode": "offline" if cfg.logger.get("offline", True) else "online",
            "project": cfg.logger.get("project", "remid"), "name": f"sweep-{cfg.name}"}


def launcher_config(cfg: DictConfig) -> DictConfig | None:
    """The launcher jobs go to: ``cfg.launcher`` when set, else the app's ``hydra.launcher``; None outside Hydra."""
    if cfg.get("launcher") is not None:
        return cfg.launcher
    from hydra.core.hydra_config import HydraConfig

    return HydraConfig.get().launcher if HydraConfig.initialized() else None


def launcher_cluster(launcher: DictConfig | None) -> str | None:
    """``slurm`` or ``local`` for a hydra-submitit-launcher config, None for any other launcher (or none)."""
    target = str((launcher or {}).get("_target_", ""))
    return "slurm" if target.endswith("SlurmLauncher") else "local" if target.endswith("LocalLauncher") else None


def submitit_executor(launcher: DictConfig, folder: Path, job: DictConfig, min_gpus: int = 0):
    """A submitit executor for one job from a hydra-submitit-launcher config; None for any other launcher.

    Keys map as the launcher plugin maps them (shared ones plain, the rest ``<cluster>_``-prefixed); nodes, tasks
    and GPUs per node come from the job's own trainer (keys interpolating ``trainer.*`` cannot resolve here), at
    least ``min_gpus`` GPUs on SLURM (an evaluation generates and scores on one whatever its trainer says). A value
    set on the command line (``hydra.launcher.gpus_per_node=0`` on a CPU cluster) is kept as given.
    """
    cluster = launcher_cluster(launcher)
    if cluster is None:
        return None
    import submitit
    from hydra_plugins.hydra_submitit_launcher.config import BaseQueueConf

    params = {}
    for key in launcher:
        try:
            params[key] = launcher[key]
        except InterpolationResolutionError:
            continue
    params = {k: OmegaConf.to_container(v, resolve=True) if OmegaConf.is_config(v) else v for k, v in params.items()}
    trainer = job.get("trainer") or {}
    devices = trainer.get("devices", 1)
    devices = devices if isinstance(devices, int) else 1
    on_gpu = str(trainer.get("accelerator", "cpu")) in ("gpu", "cuda")
    own = {"nodes": int(trainer.get("num_nodes", 1)), "tasks_per_node": devices if cluster == "slurm" else 1,
           "gpus_per_node": max(devices if on_gpu else 0, min_gpus) if cluster == "slurm" else None}
    params.update({k: v for k, v in own.items() if not isinstance(params.get(k), int)})
    executor = submitit.AutoExecutor(folder=str(folder / "%j"), cluster=cluster,
                                     **({"slurm_max_num_timeout": params["max_num_timeout"]}
                                        if "max_num_timeout" in params else {}))
    base = set(OmegaConf.structured(BaseQueueConf).keys())
    executor.update_parameters(**{k if k in base else f"{cluster}_{k}": v for k, v in params.items()
                                  if k not in {"_target_", "submitit_folder", "max_num_timeout"}})
    return executor


class Sweep:
    """State of one sweep: its config, the failures so far and the results written."""

    def __init__(self, cfg: DictConfig) -> None:
        self.cfg = cfg
        self.root = Path(cfg.run_dir)
        self.failures: list[dict] = []
        self.logger = logger_choice(cfg.get("logger"))
        self.paths = [f"paths.runs_dir={cfg.paths.runs_dir}", f"paths.cache_dir={cfg.paths.cache_dir}",
                      f"logger={self.logger}"]
        self.launcher = launcher_config(cfg)

    def run_jobs(self, stage: str, jobs: list[tuple[str, object, DictConfig]]) -> list:
        """Run ``fn(cfg)`` for each ``(name, fn, cfg)``: here in turn, or all at once through a submitit launcher;
        a failure is recorded (``attempt``) and its result is None."""
        if self.launcher is None or launcher_cluster(self.launcher) is None:
            return [self.attempt(stage, name, fn, cfg) for name, fn, cfg in jobs]
        submitted = [self.submit(stage, name, fn, cfg) for name, fn, cfg in jobs]
        return [None if job is None else self.collect(stage, name, job)
                for job, (name, _, _) in zip(submitted, jobs, strict=True)]

    def submit(self, stage: str, name: str, fn, cfg: DictConfig, after: list | None = None):
        """Submit ``fn(cfg)`` through the launcher; on SLURM it starts once every job in ``after`` has succeeded
        (``--dependency=afterok:<id>:...``: SLURM holds it, nothing here waits). None when submitting failed."""
        executor = submitit_executor(self.launcher, self.root / ".submitit", cfg, 1 if stage.startswith("evaluate") else 0)
        if after:
            executor.update_parameters(slurm_dependency="afterok:" + ":".join(job.job_id for job in after))
        job = self.attempt(stage, name, executor.submit, fn, cfg)
        if job is not None:
            log.info("sweep: %s %s is submitit job %s%s", stage, name, job.job_id,
                     f" (after {', '.join(j.job_id for j in after)})" if after else "")
        return job

    def collect(self, stage: str, name: str, job):
        """Wait for a submitted job's result; a failure is recorded with the job's own error and its log file."""
        try:
            return job.result()
        except Exception as error:  # one failed job must not sink the sweep
            trace = str(error)
            if "----------------------\n" in trace:  # submitit's FailedJobError: the job's traceback between rules
                trace = trace.split("----------------------\n")[1]
            lines = [line for line in trace.strip().splitlines() if line.strip()]
            log.error("sweep: %s %s failed (log: %s)", stage, name, job.paths.stderr)
            self.failures.append({"stage": stage, "job": name, "error": lines[-1] if lines else type(error).__name__,
                                  "traceback": trace, "log": str(job.paths.stderr)})
            return None

    def attempt(self, stage: str, job: str, fn, *args):
        """Run ``fn(*args)``; on an exception record it (stage, job, error, traceback) and return None."""
        try:
            return fn(*args)
        except Exception as error:  # one failed job must not sink the sweep
            log.exception("sweep: %s %s failed", stage, job)
            self.failures.append({"stage": stage, "job": job, "error": f"{type(error).__name__}: {error}",
                                  "traceback": traceback.format_exc()})
            return None

    def train_jobs(self, model: str) -> list[str]:
        """Train (or reuse) each method on ``model``, runs that others start from (``init_from``) first."""
        from remid.run.train import train

        composed = {}
        for method in self.cfg.methods:
            cfg = self.attempt("train", f"{model}/{method}", _compose, "train",
                               [f"model={model}", f"method={method}", *self.paths, *self.cfg.train_overrides])
            if cfg is not None:
                composed[method] = cfg
        run_dirs = {str(Path(c.run_dir)): m for m, c in composed.items()}

        def depth(method: str, seen: tuple = ()) -> int:
            parent = run_dirs.get(str(Path(composed[method].method.get("init_from") or "")))
            return 0 if parent is None or parent in seen else 1 + depth(parent, (*seen, method))

        done, submitted = [], {}  # on SLURM: method -> its job, submitted behind the job of its init_from run
        slurm = launcher_cluster(self.launcher) == "slurm"
        for level in sorted({depth(m) for m in composed}):  # a stage: the methods at one init_from depth
            todo = []
            for method in [m for m in composed if depth(m) == level]:
                cfg, run_dir = composed[method], Path(composed[method].run_dir)
                if (run_dir / "hf" / "config.json").exists():
                    log.info("sweep: reusing %s", run_dir)
                    done.append(method)
                    continue
                if (run_dir / "checkpoints" / "last.ckpt").exists():
                    with open_dict(cfg):
                        cfg.resume = True
                todo.append(method)
            if slurm:  # every stage at once; SLURM starts a later one when the runs it starts from have succeeded
                for m in todo:
                    parent = run_dirs.get(str(Path(composed[m].method.get("init_from") or "")))
                    if parent is not None and parent not in submitted and parent not in done:
                        self.failures.append({"stage": "train", "job": f"{model}/{m}", "traceback": "",
                                              "error": f"not run: it starts from {model}/{parent}, which failed"})
                    elif job := self.submit("train", f"{model}/{m}", train, composed[m],
                                            [submitted[parent]] if parent in submitted else []):
                        submitted[m] = job
                continue
            results = self.run_jobs("train", [(f"{model}/{m}", train, composed[m]) for m in todo])
            done += [m for m, r in zip(todo, results, strict=True) if r is not None]
        failed = set()
        for m, job in submitted.items():  # in submission order: a run before the runs that start from it
            parent = run_dirs.get(str(Path(composed[m].method.get("init_from") or "")))
            if parent in failed:  # SLURM would hold it forever (DependencyNeverSatisfied)
                job.cancel(check=False)
                self.failures.append({"stage": "train", "job": f"{model}/{m}", "traceback": "",
                                      "error": f"not run: it starts from {model}/{parent}, which failed",
                                      "log": str(job.paths.stderr)})
            elif self.collect("train", f"{model}/{m}", job) is not None:
                done.append(m)
                continue
            failed.add(m)
        return [m for m in self.cfg.methods if m in done]

    def evaluate_job(self, model: str, methods: list[str], tag: str, extra: list[str]) -> str | None:
        """One evaluation of ``methods`` on ``model`` at ``<run_dir>/evaluate/<model>/<tag>``; its results.json."""
        from remid.run.evaluate import evaluate

        out = self.root / "evaluate" / model / tag
        overrides = [f"model={model}", f"methods=[{','.join(methods)}]", *self.paths, f"run_dir={out}",
                     *self.cfg.evaluate_overrides, *extra]
        runs = Path(self.cfg.paths.runs_dir)
        job = {"overrides": overrides, "rpms": {m: _fingerprint(runs / m / model) for m in methods}}
        results, job_file = out / "results.json", out / "job.json"
        if (not self.cfg.refresh and results.exists() and job_file.exists()
                and json.loads(job_file.read_text(encoding="utf-8")) == job):
            log.info("sweep: reusing %s", results)
            return str(results)
        cfg = self.attempt(f"evaluate ({tag})", model, _compose, "evaluate", overrides)
        if cfg is None or self.run_jobs(f"evaluate ({tag})", [(model, evaluate, cfg)])[0] is None:
            return None
        job_file.write_text(json.dumps(job, indent=2), encoding="utf-8")
        return str(results)


def sweep(cfg: DictConfig) -> dict:
    """Run the sweep of ``cfg`` (conf/sweep.yaml); returns ``{"report", "results", "emi_results", "failures"}``."""
    from remid.analysis.report import build_report
    from remid.run.common import code_version, command_line

    commit = code_version()  # before the jobs run: the code that made the numbers
    state = Sweep(cfg)
    state.root.mkdir(parents=True, exist_ok=True)
    results, emi = [], []
    for model in cfg.models:
        methods = state.train_jobs(model)
        if not methods:
            state.failures.append({"stage": "evaluate", "job": model, "error": "no trained RPM to evaluate",
                                   "traceback": ""})
            continue
        results.append(state.evaluate_job(model, methods, "remi", list(cfg.remi_overrides)))
        if cfg.emi:
            emi.append(state.evaluate_job(model, methods, "emi", ["estimator=emi", *cfg.emi_overrides]))
    results, emi = [r for r in results if r], [r for r in emi if r]
    about = {"models": list(cfg.models), "methods": list(cfg.methods), "train_overrides": list(cfg.train_overrides),
             "evaluate_overrides": list(cfg.evaluate_overrides), "remi_overrides": list(cfg.remi_overrides),
             "emi": bool(cfg.emi), "emi_overrides": list(cfg.emi_overrides), "sweep_dir": str(state.root),
             "commit": commit, "command": command_line("sweep.py")}
    (state.root / "sweep.json").write_text(json.dumps({**about, "results": results, "emi_results": emi,
                                                       "failures": state.failures}, indent=2), encoding="utf-8")
    report_dir = state.root / "report"
    build_report(results, emi or None, out_dir=report_dir, model=cfg.table12_model, failures=state.failures,
                 about=about, wandb=report_wandb(cfg))
    print(f"sweep report -> {report_dir / 'index.md'}" + (f" ({len(state.failures)} failed jobs: see Failures there)"
                                                           if state.failures else ""))
    if cfg.strict and state.failures:
        raise RuntimeError(f"{len(state.failures)} sweep jobs failed; see {report_dir / 'index.md'}")
    return {"report": str(report_dir), "results": results, "emi_results": emi, "failures": state.failures}
