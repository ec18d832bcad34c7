"""``evaluate(cfg)``: R-EMI / R-EMID of each RPM on ID and the shifted subsets (paper section 3).

The orchestration only: the estimator (``remid.estimators.build``), the RPM responses
(``remid.evaluation.responses``), the summaries and comparisons (``remid.analysis.summary``), the
analyses (``remid.analysis.attach``) and the files (``remid.evaluation.outputs``) live in the library.
Every generation and score is cached under ``paths.cache_dir``, keyed by model fingerprint, text and
settings: a killed evaluation resumes where it stopped and a re-run recomputes nothing.
"""

from __future__ import annotations

import functools
import gc
import logging
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf

from remid.analysis.attach import EvaluationContext, attach_analyses
from remid.analysis.calibration import write_calibration
from remid.analysis.claims import write_claims
from remid.analysis.summary import baseline_of, compare, summarize, uninformative_warnings
from remid.core.cache import JsonlCache
from remid.core.progress import progress_bar
from remid.core.validation import ConfigError, check_choice, check_int
from remid.data.readers import load_samples, select_subsets
from remid.estimators.matrices import save_matrices
from remid.estimators.remi import SubsetScores
from remid.estimators.scoring import CachedScorer
from remid.evaluation.outputs import write_outputs
from remid.evaluation.responses import rpm_entropies, rpm_responses
from remid.evaluation.results import METRICS, EvaluationResults, ModelResults, metric_names
from remid.evaluation.rpm import RPMSpec, folder_decoding, has_chat_template, rpm_spec
from remid.evaluation.tables import estimator_records, significant_differences, table_records
from remid.generation.base import SamplingParams
from remid.models.embedding_cache import CachedEmbedder
from remid.models.loading import load_model, model_fingerprint, resolve_model_path
from remid.run.assemble import build_estimator, configured_sampling, generator_dtype
from remid.run.common import build_logger, closing_wandb
from remid.run.plan import before_launch

log = logging.getLogger(__name__)


def prepare_estimator(cfg: DictConfig) -> None:
    """Train each module in ``estimator.prepare`` (method -> extra train overrides) that has no hf/ model yet,
    on this evaluation's ``data.source`` and ``data.train_limit`` (a module's own extra overrides come after
    them); one line says what it trains, on how many samples and where, and one when it is done."""
    from hydra import compose

    from remid.run.train import checkpoint_step, last_checkpoint, train

    est = cfg.estimator
    for method, extra in (est.prepare or {}).items():
        run_dir = Path(cfg.paths.runs_dir) / method / est.base_model
        limit = cfg.data.get("train_limit")
        overrides = [f"method={method}", f"model={est.base_model}", f"paths.runs_dir={cfg.paths.runs_dir}",
                     f"data.source={cfg.data.source}" if cfg.data.source else "data.source=null",
                     f"data.train_limit={_limit(limit)}", "logger=csv", *(extra or [])]
        train_cfg = compose(config_name="train", overrides=overrides)
        if (run_dir / "hf" / "config.json").exists():
            record = run_dir / "config.yaml"
            trained = OmegaConf.load(record).data.get("train_limit") if record.exists() else "?"
            log.info("estimator=%s: reusing its %s module in %s (trained with data.train_limit=%s)", est.name, method,
                     run_dir, _limit(trained))
            if trained not in ("?", train_cfg.data.train_limit):
                log.warning("estimator=%s: %s was trained with data.train_limit=%s, this evaluation asks %s; delete the "
                            "folder to retrain it", est.name, run_dir, _limit(trained), _limit(train_cfg.data.train_limit))
            continue
        steps = train_cfg.trainer.get("max_steps") or -1
        log.info("estimator=%s: training its %s module from %s on %s for %s, into %s", est.name, method,
                 est.base_model, training_set(train_cfg),
                 f"at most {steps} steps" if steps > 0 else f"{train_cfg.trainer.max_epochs} epoch(s)", run_dir)
        start = time.monotonic()
        train(train_cfg)
        ckpt = last_checkpoint(run_dir)
        log.info("estimator=%s: %s trained in %.0f s, %s optimizer step(s) -> %s", est.name, method,
                 time.monotonic() - start, checkpoint_step(ckpt) if ckpt else "?", run_dir / "hf")


def training_set(train_cfg: DictConfig) -> str:
    """``"48 of the 416 ID training samples (data.train_limit=48)"``: what a train run's datamodule reads."""
    from remid.data.readers import by_subset

    dm = train_cfg.method.get("datamodule") or {}
    total = len(by_subset(load_samples(train_cfg.data.source, train_cfg.data.skip_invalid)).get("id_train", []))
    limit = dm.get("train_limit")
    used = total if limit is None else min(int(limit), total)
    return f"{used} of the {total} ID training samples (data.train_limit={_limit(limit)})"


def _limit(value) -> str:
    return "null" if value is None else str(value)


def _response_cache(cfg: DictConfig, rpm: RPMSpec) -> tuple[Path, JsonlCache, SamplingParams, dict]:
    """The RPM's checkpoint, its response cache, the sampling its responses are generated (and keyed) with, and
    the part of that sampling taken from the checkpoint's own generation_config.json (``own_decoding``)."""
    path = resolve_model_path(rpm.model)
    cache = JsonlCache(Path(cfg.paths.cache_dir) / "responses" / f"{model_fingerprint(path)}-{generator_dtype(cfg)}.jsonl")
    own = own_decoding(cfg, rpm, path)
    sampling = SamplingParams(**{**OmegaConf.to_container(cfg.generation.sampling, resolve=True), **own,
                                 **({"max_new_tokens": rpm.max_new_tokens} if rpm.max_new_tokens else {})},
                              stop=rpm.stop)
    return path, cache, sampling, own


def own_decoding(cfg: DictConfig, rpm: RPMSpec, path: str) -> dict:
    """A plain checkpoint's (not a train run's) own generation_config.json decoding, where the config sets none."""
    if rpm.method != "-":
        return {}
    return {k: v for k, v in folder_decoding(path).items() if k not in configured_sampling(cfg)}


def responses_of(cfg: DictConfig, rpm: RPMSpec, subsets, progress) -> dict[str, list[str]]:
    """The RPM's responses through the configured generator and sampling, cached under ``paths.cache_dir``."""
    path, cache, sampling, own = _response_cache(cfg, rpm)
    if rpm.method == "-":
        log.info("%s: prompted %s; decoding temperature=%g top_p=%g repetition_penalty=%g (%s)", rpm.label,
                 "through its chat template" if has_chat_template(path) else "as plain text (no chat template)",
                 sampling.temperature, sampling.top_p, sampling.repetition_penalty,
                 ", ".join(f"{k} from its generation_config.json" for k in own)
                 or "generation.sampling")
    # Loaded on the first miss, prompting as the RPM's run did (model.chat_template).
    generator = functools.cache(lambda: instantiate(cfg.generation.generator)(path, chat_template=rpm.chat_template))
    out = rpm_responses(rpm, subsets, cache, sampling, generator, cfg.data.max_prompt_tokens, progress)
    del generator
    gc.collect()
    return out


def entropies_of(cfg: DictConfig, rpm: RPMSpec, subsets) -> dict:
    """The RPM's own entropies along its cached responses (theorem 3.4's H_hat), cached per pair."""
    path, cache, sampling, _ = _response_cache(cfg, rpm)
    model, tokenizer = load_model(str(path), chat_template=rpm.chat_template)
    scorer = CachedScorer(model, tokenizer, JsonlCache(Path(cfg.paths.cache_dir) / "entropies" /
                                                      f"{model_fingerprint(path)}-float32.jsonl"),
                          "mean", cfg.estimator.batch_size)
    out = rpm_entropies(rpm, subsets, cache, sampling, scorer, cfg.data.max_prompt_tokens)
    del model, scorer
    gc.collect()
    return out


def locate(cfg: DictConfig, spec: str) -> str:
    """A run named in ``rpms=[...]`` as given when it exists, else against ``paths.runs_dir`` (README's
    ``runs/sft/tiny_qwen3`` with ``REMID_RUNS`` set); hub ids and prefixed specs unchanged."""
    path = Path(spec)
    if path.exists() or path.is_absolute() or ":" in spec:
        return spec
    runs = Path(cfg.paths.runs_dir)
    for candidate in (runs / path, runs.joinpath(*path.parts[1:]) if path.parts[0] == "runs" else None):
        if candidate is not None and candidate.exists():
            return str(candidate)
    return spec


def check_trained(cfg: DictConfig, spec: str) -> None:
    """A train run ``<runs_dir>/<method>/<model>`` that is not there: name the command that makes it."""
    path, runs = Path(spec), Path(cfg.paths.runs_dir)
    if path.exists() or path.parent.parent != runs:
        return
    raise FileNotFoundError(f"{spec} holds no trained run; train it first: "
                            f"python train.py method={path.parent.name} model={path.name}")


def calibrate_estimator(run_dir: Path, scores: dict[str, SubsetScores], model: ModelResults, seed: int,
                        form: str, reasoning: bool = True) -> None:
    """analyses.calibration=true: the known-answer check of the estimator on its cached reference matrices."""
    cal = write_calibration(run_dir, {k: s.logp_ref for k, s in scores.items()},
                            {k: e.informative for k, e in model.subsets.items()}, seed, form,
                            metric_names(reasoning))
    failed = [k for k, row in cal["subsets"].items() if not row["passes"]]
    print(f"Calibration (planted dependence, {run_dir / 'calibration.md'}):\n"
          + (run_dir / "calibration.md").read_text())
    if failed:
        log.warning("calibration: the estimator does not recover planted dependence on %s (not monotone in the "
                    "re-assigned fraction, or not consistent with equation 2's value for independent pairs with every pair broken)", ", ".join(failed))


def evaluate(cfg: DictConfig) -> EvaluationResults | None:
    """Evaluate every RPM in ``cfg.rpms`` on ``cfg.shift.subsets``; write results to ``cfg.run_dir``."""
    if before_launch(cfg, evaluation=True):  # plan=true: print the plan of each phase and stop
        return None
    split = cfg.data.get("eval_split", "test")
    check_choice(split, ("test", "dev"), "data.eval_split")
    check_int(cfg.seed, "seed", "0")
    check_choice(cfg.analyses.get("h_hat", "rpm"), ("rpm", "estimator"), "analyses.h_hat")
    for analysis in ("calibration", "claims"):  # both read every RPM's full N x N matrices
        if cfg.analyses.get(analysis) and cfg.estimator.get("negatives") is not None:
            raise ConfigError(f"analyses.{analysis}=true needs the full N x N matrices: set estimator.negatives=null")
    run_dir = Path(cfg.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    specs = ([str(Path(cfg.paths.runs_dir) / m / cfg.model.name) for m in cfg.methods] if cfg.get("methods")
             else [locate(cfg, str(spec)) for spec in cfg.rpms or []])
    if not specs:
        raise ConfigError("rpms is empty: give at least one RPM (train run dir, checkpoint dir or hub id)")
    for spec in specs:
        check_trained(cfg, spec)
    rpms = [rpm_spec(spec) for spec in specs]
    for rpm in rpms:  # fail now, not after the estimator is prepared
        try:
            resolve_model_path(rpm.model)
        except FileNotFoundError as ex:
            raise FileNotFoundError(f"rpms: {ex}; give a train run folder (python train.py writes "
                                    f"{cfg.paths.runs_dir}/<method>/<model>), a checkpoint folder or a hub id") from ex
    subsets = select_subsets(load_samples(cfg.data.source, cfg.data.skip_invalid), cfg.shift.subsets,
                             cfg.data.eval_limit, split, cfg.data.get("dedupe_goldens", True))
    total = sum(map(len, subsets.values()))
    estimator = build_estimator(cfg, prepare=prepare_estimator)
    reasoning: dict[str, list[str] | None] = {name: None for name in subsets}
    if estimator.uses_reasoning:
        with progress_bar(total=total, desc="reasoning r = f_R(x)", unit="sample") as bar:
            reasoning = {name: estimator.reasoning(s, bar.update) for name, s in subsets.items()}
    an = cfg.analyses
    ctx = EvaluationContext(
        subsets, estimator.scorer, seed=cfg.seed, divergence=an.divergence, bound=an.bound,
        divergence_estimator=an.divergence_estimator, judge=instantiate(cfg.judge) if an.judge else None,
        embedder=(CachedEmbedder(instantiate(cfg.embedder), Path(cfg.paths.cache_dir) / "embeddings")
                  if an.divergence or an.bound else None))
    if ctx.embedder is not None:
        log.info("shift severity: D_JS(ID || subset) per input component (%s)", ctx.embedder.name)
        ctx.measure_severity(an.divergence_check)
    models: list[ModelResults] = []
    baseline = None  # the first RPM's response matrices
    matrices: dict[str, dict] = {}  # analyses.claims: every RPM's (model, ref) matrices per subset
    seen: Counter[str] = Counter()
    for rpm in rpms:
        label = rpm.label
        seen[label] += 1
        if seen[label] > 1:  # two runs of one model/method: keep both rows apart
            label = f"{label}#{seen[label]}"
        with progress_bar(total=total, desc=f"{label}: responses", unit="sample") as bar:
            responses = responses_of(cfg, rpm, subsets, bar.update)
        scores: dict[str, SubsetScores] = {}
        with progress_bar(total=2 * total, desc=f"{label}: CLUB scoring", unit="row") as bar:
            for name, samples in subsets.items():
                scores[name] = estimator.score(samples, responses[name], reasoning[name], bar.update)
                if cfg.estimator.save_matrices and scores[name].logp_model is not None:
                    save_matrices(run_dir, label, name, scores[name])
        model = ModelResults(label, rpm.method, rpm.base, summarize(scores, cfg.estimator.n_boot, cfg.seed))
        rpm_entropy = (entropies_of(cfg, rpm, subsets) if an.bound and an.get("h_hat", "rpm") == "rpm" and ctx.severity
                       else None)
        attach_analyses(ctx, model, responses, scores, rpm_entropy)
        if baseline is None:
            baseline = baseline_of(label, scores)
            if an.get("calibration"):  # the reference matrices are every RPM's: once
                calibrate_estimator(run_dir, scores, model, cfg.seed, cfg.estimator.club_form,
                                    estimator.uses_reasoning)
        else:
            model.comparison = compare(baseline, scores, cfg.estimator.n_boot, cfg.seed)
        models.append(model)
        if an.get("claims"):
            matrices[label] = {k: (s.logp_model, s.logp_ref) for k, s in scores.items() if s.logp_model is not None}
    if an.get("claims"):
        write_claims(run_dir, matrices, metric_names(estimator.uses_reasoning), cfg.estimator.n_boot, cfg.seed,
                     cfg.estimator.club_form)
        print(f"Findings 1 and 2 as paired tests ({run_dir / 'claims.md'}):\n" + (run_dir / "claims.md").read_text())
    results = EvaluationResults(
        estimator=OmegaConf.to_container(cfg.estimator, resolve=True), models=models,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"), split=split,
    )
    tables, plots = write_outputs(run_dir, results)
    report(cfg, run_dir, results, tables, plots)
    return results


def report(cfg: DictConfig, run_dir: Path, results: EvaluationResults, tables: dict[str, str],
           plots: dict[str, Path]) -> None:
    """Print the tables and warnings (each once); send metrics, tables, flags and plots to the configured logger."""
    split = f" [{results.split_note}]" if results.split_note else ""
    print(f"\n{results.metric_name('r_emi')} ({cfg.estimator.name}, higher is better){split} -> "
          f"{run_dir / 'results.json'}\n{tables['r_emi']}\n")
    print(f"Estimator diagnostics: can it tell each context's own response from the others'?{split}\n"
          f"{tables['estimator']}\n")
    if tables["comparison"]:
        print(f"{tables['comparison']}\n")
        significant = significant_differences(results)
        print("Differences whose 95% interval excludes 0:" + ("".join(f"\n- {d}" for d in significant) or " none") + "\n")
    if tables["analysis"]:
        print(f"Shift severity, theorem 3.4 bound and judges:\n{tables['analysis']}\n")
    for message in uninformative_warnings(results):
        print(f"WARNING{split}: {message}")
    logger = build_logger(cfg)
    if logger:
        with closing_wandb():
            log_results(logger, results, plots)


def log_results(logger, results: EvaluationResults, plots: dict[str, Path]) -> None:
    """Metrics ``[dev/]<model>/<subset>/<name>`` (intervals and the informative flag included), the metric and
    estimator tables with their intervals and marks, and the plots; every key of a dev run starts ``dev/``."""
    prefix = "" if results.split == "test" else f"{results.split}/"
    for model in results.models:
        metrics = {}
        for subset, est in model.subsets.items():
            key = f"{prefix}{model.name}/{subset}"
            for name in ("r_emi", "mi_model", "mi_ref", "r_emid"):
                if getattr(est, name) is not None:
                    metrics[f"{key}/{name}"] = getattr(est, name)
                ci = getattr(est, f"{name}_ci", None)
                if ci is not None:
                    metrics.update({f"{key}/{name}_ci_low": ci[0], f"{key}/{name}_ci_high": ci[1]})
            if est.informative is not None:
                metrics[f"{key}/informative"] = float(est.informative)
            if est.diagnostics:
                metrics.update({f"{key}/{matrix}_{d}": est.diagnostics[matrix][d] for matrix in ("model", "ref", "lexical_model", "lexical_ref")
                                if matrix in est.diagnostics for d in ("mean_rank", "column_mean_rank", "top1", "p_value")})
        logger.log_metrics(metrics)
    if hasattr(logger, "log_table"):
        for metric in METRICS:
            columns, rows = table_records(results, metric)
            logger.log_table(key=f"{prefix}{metric}_table", columns=columns, data=rows)
        columns, rows = estimator_records(results)
        logger.log_table(key=f"{prefix}estimator_table", columns=columns, data=rows)
    if hasattr(logger, "log_image"):
        for metric, path in plots.items():
            logger.log_image(key=f"{prefix}{metric}_plot", images=[str(path)])
    logger.save()
