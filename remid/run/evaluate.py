"""``evaluate(cfg)``: R-EMI / R-EMID of each RPM on ID and the shifted subsets (paper section 3).

Every generation and score is cached under ``paths.cache_dir``, keyed by model fingerprint, text and
settings: a killed evaluation resumes where it stopped and a re-run recomputes nothing.
"""

from __future__ import annotations

import gc
import json
import logging
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from tqdm.auto import tqdm

from remid.analysis.shift import id_delta, shift_severity, subset_bound
from remid.cache import JsonlCache
from remid.data.readers import load_samples, select_subsets
from remid.data.schema import EVAL_SUBSETS, Sample
from remid.embeddings import CachedEmbedder
from remid.estimators.club import bootstrap_difference, bootstrap_mi, bootstrap_remid, club_mi
from remid.estimators.diagnostics import PairDiagnostics, pair_diagnostics
from remid.estimators.remi import Estimator, SubsetScores
from remid.estimators.scoring import CachedScorer
from remid.generation.base import SamplingParams
from remid.judge import judge_responses
from remid.methods.rpm import RPMSpec, rpm_spec
from remid.models.chat import context_text, fit_prompt
from remid.models.loading import load_model, model_fingerprint, resolve_model_path
from remid.models.logprobs import REDUCTIONS
from remid.plan import before_launch
from remid.results import (
    EMPTY_WARN,
    METRICS,
    EvaluationResults,
    ModelResults,
    SubsetEstimate,
    analysis_table_markdown,
    comparison_table_markdown,
    estimator_table_markdown,
    remid_table_csv,
    remid_table_markdown,
    significant_differences,
    table_rows,
    uninformative_subsets,
)
from remid.run.common import build_logger, check_choice, closing_wandb

log = logging.getLogger(__name__)


def prepare_estimator(cfg: DictConfig) -> None:
    """Train each module in ``estimator.prepare`` (method -> extra train overrides) that has no hf/ model yet."""
    from hydra import compose

    from remid.run.train import train

    est = cfg.estimator
    for method, extra in (est.prepare or {}).items():
        run_dir = Path(cfg.paths.runs_dir) / method / est.base_model
        if (run_dir / "hf" / "config.json").exists():
            continue
        log.info("preparing estimator module %s on %s", method, est.base_model)
        overrides = [f"method={method}", f"model={est.base_model}", f"paths.runs_dir={cfg.paths.runs_dir}",
                     f"data.source={cfg.data.source}" if cfg.data.source else "data.source=null",
                     "logger=csv", *(extra or [])]
        train(compose(config_name="train", overrides=overrides))


def generator_dtype(cfg: DictConfig) -> str:
    """The generation backend's precision: part of every generation cache's name."""
    return str(cfg.generation.generator.get("dtype", "auto"))


def check_modules(est: DictConfig) -> None:
    """Fail before any work when an estimator module is missing, saying which command makes it (``train_command``)."""
    missing = []
    for path in (est.reasoner, est.policy):
        try:
            if path:
                resolve_model_path(path)
        except FileNotFoundError:
            missing.append(str(path))
    if missing:
        hint = f": make it with `{est.train_command}`" if est.get("train_command") else ""
        raise FileNotFoundError(f"estimator={est.name} needs {' and '.join(missing)}, which do not exist{hint}")


def build_estimator(cfg: DictConfig) -> Estimator:
    est = cfg.estimator
    check_choice(est.reduction, REDUCTIONS, "estimator.reduction")
    if est.negatives is not None and (not isinstance(est.negatives, int) or est.negatives < 1):
        raise ValueError(f"estimator.negatives must be null or a positive integer, got {est.negatives!r}")
    if est.prepare:
        prepare_estimator(cfg)
    check_modules(est)
    cache_dir = Path(cfg.paths.cache_dir)
    policy, policy_tok = load_model(est.policy, dtype=est.dtype)
    scorer = CachedScorer(policy, policy_tok, JsonlCache(cache_dir / "scores" / f"{model_fingerprint(est.policy)}-{est.dtype}.jsonl"),
                          est.reduction, est.batch_size)
    limits = {"max_prompt_tokens": cfg.data.max_prompt_tokens,
              "response_max_new_tokens": cfg.generation.sampling.max_new_tokens,
              "negatives_replace": est.get("negatives_replace", True)}
    seed = cfg.seed if est.get("negatives_seed") is None else est.negatives_seed
    if not est.reasoner:
        return Estimator(scorer, negatives=est.negatives, seed=seed, **limits)
    reasoner = instantiate(cfg.generation.generator)(resolve_model_path(est.reasoner))
    return Estimator(
        scorer, reasoner, reasoner_tokenizer=reasoner.tokenizer if hasattr(reasoner, "tokenizer") else policy_tok,
        reasoning_cache=JsonlCache(cache_dir / "reasoning" / f"{model_fingerprint(est.reasoner)}-{generator_dtype(cfg)}.jsonl"),
        reasoning_sampling=SamplingParams(max_new_tokens=est.reasoning_max_new_tokens,
                                          repetition_penalty=est.reasoning_repetition_penalty),
        negatives=est.negatives, seed=seed, **limits,
    )


def rpm_responses(cfg: DictConfig, rpm: RPMSpec, subsets: dict[str, list[Sample]], bar: tqdm) -> dict[str, list[str]]:
    """Greedy RPM responses (the RPM's own prompt, stopped at its stop strings, then parsed), cached per sample."""
    from remid.cache import cache_key

    path = resolve_model_path(rpm.model)
    cache = JsonlCache(Path(cfg.paths.cache_dir) / "responses" / f"{model_fingerprint(path)}-{generator_dtype(cfg)}.jsonl")
    sampling = SamplingParams(**{**OmegaConf.to_container(cfg.generation.sampling),
                                 **({"max_new_tokens": rpm.max_new_tokens} if rpm.max_new_tokens else {})},
                              stop=rpm.stop)
    generator = None
    out: dict[str, list[str]] = {}
    for name, samples in subsets.items():
        prompts = rpm.prompts(samples)  # fitted to data.max_prompt_tokens below, per tokenizer
        keys = [cache_key("rpm", s.sample_id, p.text, sampling.as_dict()) for s, p in zip(samples, prompts, strict=True)]
        todo = [i for i, k in enumerate(keys) if k not in cache]
        bar.update(len(samples) - len(todo))
        if todo:
            generator = generator or instantiate(cfg.generation.generator)(path)
            step = getattr(generator, "batch_size", 16)
            for start in range(0, len(todo), step):
                chunk = todo[start:start + step]
                contexts = [context_text(generator.tokenizer, fit_prompt(generator.tokenizer, prompts[i],
                                                                         cfg.data.max_prompt_tokens)[0]) for i in chunk]
                texts = generator.generate(contexts, sampling)
                cache.put_many([(keys[i], t[0]) for i, t in zip(chunk, texts, strict=True)])
                bar.update(len(chunk))
        out[name] = [rpm.response(cache.get(k)) for k in keys]
    del generator
    gc.collect()
    return out


def matrix_stem(label: str, subset: str) -> str:
    """File stem of one saved matrix (labels may hold dots, as in hub ids: never use Path.suffix on it)."""
    return f"{label.replace('/', '_')}__{subset}"


def save_matrices(run_dir: Path, label: str, subset: str, scores: SubsetScores) -> None:
    """``<label>__<subset>.npz`` (entry [i, j] = log p(y_j | x_i, r_i)) and the scored texts in order."""
    folder, stem = run_dir / "matrices", matrix_stem(label, subset)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / f"{stem}.npz", model=scores.logp_model, ref=scores.logp_ref)
    with (folder / f"{stem}.jsonl").open("w", encoding="utf-8") as handle:
        for i, context in enumerate(scores.contexts):
            row = {"i": i, "context": context, "model_response": scores.model_responses[i],
                   "ref_response": scores.ref_responses[i]}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def evaluate(cfg: DictConfig) -> EvaluationResults:
    """Evaluate every RPM in ``cfg.rpms`` on ``cfg.shift.subsets``; write results to ``cfg.run_dir``."""
    if before_launch(cfg, evaluation=True):  # plan=true: print the plan of each phase and stop
        return None
    run_dir = Path(cfg.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    specs = ([str(Path(cfg.paths.runs_dir) / m / cfg.model.name) for m in cfg.methods] if cfg.get("methods")
             else list(cfg.rpms or []))
    if not specs:
        raise ValueError("rpms is empty: give at least one RPM (train run dir, checkpoint dir or hub id)")
    rpms = [rpm_spec(spec) for spec in specs]
    for rpm in rpms:
        resolve_model_path(rpm.model)  # fail now, not after the estimator is prepared
    subsets = select_subsets(load_samples(cfg.data.source, cfg.data.skip_invalid), cfg.shift.subsets,
                             cfg.data.eval_limit, cfg.data.get("eval_split", "test"))
    total = sum(map(len, subsets.values()))
    estimator = build_estimator(cfg)
    reasoning: dict[str, list[str] | None] = {name: None for name in subsets}
    if estimator.uses_reasoning:
        with tqdm(total=total, desc="reasoning r = f_R(x)", unit="sample") as bar:
            reasoning = {name: estimator.reasoning(s, bar.update) for name, s in subsets.items()}
    an = cfg.analyses
    embedder = (CachedEmbedder(instantiate(cfg.embedder), Path(cfg.paths.cache_dir) / "embeddings")
                if an.divergence or an.bound else None)
    severity = {}
    if embedder is not None:
        log.info("shift severity: D_JS(ID || subset) per input component (%s)", embedder.name)
        severity = shift_severity(subsets, embedder, an.divergence_estimator, an.divergence_check, cfg.seed)
    judge = instantiate(cfg.judge) if an.judge else None
    models: list[ModelResults] = []
    baseline: tuple[str, dict[str, np.ndarray | None]] | None = None  # the first RPM's response matrices
    seen: Counter[str] = Counter()
    for rpm in rpms:
        label, method, base = rpm.label, rpm.method, rpm.base
        seen[label] += 1
        if seen[label] > 1:  # two runs of one model/method: keep both rows apart
            label = f"{label}#{seen[label]}"
        with tqdm(total=total, desc=f"{label}: responses", unit="sample") as bar:
            responses = rpm_responses(cfg, rpm, subsets, bar)
        scores: dict[str, SubsetScores] = {}
        with tqdm(total=2 * total, desc=f"{label}: CLUB scoring", unit="row") as bar:
            for name, samples in subsets.items():
                scores[name] = estimator.score(samples, responses[name], reasoning[name], bar.update)
                if cfg.estimator.save_matrices and scores[name].logp_model is not None:
                    save_matrices(run_dir, label, name, scores[name])
        model = ModelResults(label, method, base, summarize(scores, cfg.estimator.n_boot, cfg.seed))
        analyse(cfg, model, estimator.scorer, subsets, responses, scores, severity, embedder, judge)
        if baseline is None:
            baseline = (label, {k: v.logp_model for k, v in scores.items()})
        else:
            model.comparison = compare(baseline, scores, cfg.estimator.n_boot, cfg.seed)
        models.append(model)
    results = EvaluationResults(
        estimator=OmegaConf.to_container(cfg.estimator, resolve=True), models=models,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    write_outputs(cfg, run_dir, results, "R-EMI" if estimator.uses_reasoning else "EMI")
    return results


def analyse(cfg: DictConfig, model: ModelResults, scorer: CachedScorer, subsets: dict[str, list[Sample]],
            responses: dict[str, list[str]], scores: dict[str, SubsetScores], severity: dict[str, dict],
            embedder, judge) -> None:
    """Attach shift severity, theorem 3.4's bound and the judges' scores to ``model``'s subsets (cfg.analyses)."""
    an = cfg.analyses
    bounded = an.bound and bool(severity) and "id" in scores  # severity is {} without an ID subset
    delta_p = id_delta(scores["id"], embedder, an.divergence_estimator, cfg.seed) if bounded else None
    for name, est in model.subsets.items():
        est.divergence = severity.get(name) if an.divergence else None
        if bounded and name in severity:
            est.bound = subset_bound(scorer, scores["id"], scores[name], subsets["id"], subsets[name],
                                     severity[name], embedder, delta_p, an.divergence_estimator, cfg.seed)
    if judge is not None:
        with tqdm(total=judge.units(sum(map(len, subsets.values()))), desc=f"{model.name}: judge",
                  unit="judgment") as bar:
            for name, samples in subsets.items():
                model.subsets[name].judge = judge_responses(judge, samples, responses[name], progress=bar.update)


def summarize(scores: dict[str, SubsetScores], n_boot: int, seed: int) -> dict[str, SubsetEstimate]:
    """Point estimates, bootstrap 95% intervals and estimator diagnostics; R-EMID against ``id`` when present."""
    out: dict[str, SubsetEstimate] = {}
    exact = all(s.logp_model is not None for s in scores.values())
    ids = scores.get("id")
    for name, s in scores.items():
        nan = (float("nan"),) * 2
        cis = bootstrap_mi(s.logp_model, s.logp_ref, n_boot, seed) if exact else {}
        r_emid = r_emid_ci = None
        if ids is not None and name != "id":
            r_emid = ids.r_emi - s.r_emi
            if exact:
                r_emid_ci = bootstrap_remid(ids.logp_model, ids.logp_ref, s.logp_model, s.logp_ref, n_boot, seed)
        diagnostics = ({"model": pair_diagnostics(s.logp_model).as_dict(), "ref": pair_diagnostics(s.logp_ref).as_dict()}
                       if exact else None)
        out[name] = SubsetEstimate(subset=name, n=len(s.contexts), mi_model=s.mi_model, mi_ref=s.mi_ref,
                                   r_emi=s.r_emi, r_emi_ci=tuple(cis.get("r_emi", nan)), r_emid=r_emid,
                                   r_emid_ci=r_emid_ci, mi_model_ci=cis.get("mi_model"), mi_ref_ci=cis.get("mi_ref"),
                                   diagnostics=diagnostics,
                                   extra={**{k: v for k, v in s.extra.items() if k != "logp"},
                                          "empty_responses": empty_share(s.model_responses)})
    return out


def empty_share(responses: list[str]) -> float:
    """Share of the RPM's parsed responses that are empty (e.g. a thinking RPM that never closed its thinking)."""
    return sum(not r.strip() for r in responses) / len(responses) if responses else 0.0


def compare(baseline: tuple[str, dict[str, np.ndarray | None]], scores: dict[str, SubsetScores], n_boot: int,
            seed: int) -> dict[str, dict]:
    """R-EMI minus the baseline RPM's per subset, with a paired-bootstrap 95% interval (full matrices only)."""
    name, matrices = baseline
    out = {}
    for subset, s in scores.items():
        base = matrices.get(subset)
        if base is None or s.logp_model is None:
            continue
        lo, hi = bootstrap_difference(s.logp_model, base, n_boot, seed)
        out[subset] = {"baseline": name, "diff": club_mi(s.logp_model) - club_mi(base), "ci": [lo, hi]}
    return out


def warn_uninformative(results: EvaluationResults) -> list[str]:
    """One plain-words warning per subset where the estimator is near chance (also logged)."""
    messages = []
    first = results.models[0] if results.models else None
    for subset in uninformative_subsets(results):
        est = first.subsets[subset]
        ref = est.diagnostics["ref"]
        messages.append(
            f"estimator near chance on {subset}: it cannot tell a context's own reference response from the "
            f"others' ({PairDiagnostics(**ref).summary()}; I(X_R; Y_ref) = {est.mi_ref:.3f}, 95% CI "
            f"[{est.mi_ref_ci[0]:.3f}, {est.mi_ref_ci[1]:.3f}]). Numbers on this subset are not informative.")
    for model in results.models:
        empty = {k: e.extra.get("empty_responses", 0.0) for k, e in model.subsets.items()}
        if any(v > EMPTY_WARN for v in empty.values()):
            messages.append(f"{model.name}: most responses are empty on " + ", ".join(
                f"{k} ({v:.0%})" for k, v in empty.items() if v > EMPTY_WARN) + " (marked ‡): its R-EMI there scores "
                "empty answers (a thinking RPM that never closed its thinking, or one that answers with EOS).")
    if first is not None and any(e.informative is None for e in first.subsets.values()):
        messages.append("estimator diagnostics need the full N x N matrices (estimator.negatives=null): "
                        "not checked in this run.")
    for message in messages:
        log.warning(message)
    return messages


def write_outputs(cfg: DictConfig, run_dir: Path, results: EvaluationResults, title: str) -> None:
    """results.json, Markdown/CSV tables and PNG plots per metric; the same to the configured logger."""
    import matplotlib.pyplot as plt

    from remid.analysis.plots import plot_metric

    results.to_json(run_dir / "results.json")
    tables, plots = {}, {}
    for metric in METRICS:
        tables[metric] = remid_table_markdown(results, metric=metric)
        (run_dir / f"{metric}_table.md").write_text(tables[metric] + "\n", encoding="utf-8")
        (run_dir / f"{metric}_table.csv").write_text(remid_table_csv(results, metric=metric) + "\n", encoding="utf-8")
        if any(getattr(e, metric) is not None for m in results.models for e in m.subsets.values()):
            plots[metric] = run_dir / f"{metric}.png"
            plt.close(plot_metric(results, metric, plots[metric]))
    tables["estimator"] = estimator_table_markdown(results)
    tables["comparison"] = comparison_table_markdown(results)
    if tables["comparison"]:
        (run_dir / "comparison_table.md").write_text(tables["comparison"] + "\n", encoding="utf-8")
    (run_dir / "estimator_table.md").write_text(tables["estimator"] + "\n", encoding="utf-8")
    tables["analysis"] = analysis_table_markdown(results)
    if tables["analysis"]:
        (run_dir / "analysis_table.md").write_text(tables["analysis"] + "\n", encoding="utf-8")
    print(f"\n{title} ({cfg.estimator.name}, higher is better) -> {run_dir / 'results.json'}\n{tables['r_emi']}\n")
    print(f"Estimator diagnostics: can it tell each context's own response from the others'?\n{tables['estimator']}\n")
    if tables["comparison"]:
        print(f"{tables['comparison']}\n")
        significant = significant_differences(results)
        print("Differences whose 95% interval excludes 0:" + ("".join(f"\n- {d}" for d in significant) or " none") + "\n")
    if tables["analysis"]:
        print(f"Shift severity, theorem 3.4 bound and judges:\n{tables['analysis']}\n")
    for message in warn_uninformative(results):
        print(f"WARNING: {message}")
    logger = build_logger(cfg)
    if logger:
        with closing_wandb():
            for model in results.models:
                metrics = {f"{model.name}/{k}/{m}": getattr(v, m) for k, v in model.subsets.items()
                           for m in ("r_emi", "mi_model", "mi_ref", "r_emid") if getattr(v, m) is not None}
                metrics.update({f"{model.name}/{k}/{matrix}_{d}": v.diagnostics[matrix][d]
                                for k, v in model.subsets.items() if v.diagnostics
                                for matrix in ("model", "ref") for d in ("mean_rank", "top1", "p_value")})
                logger.log_metrics(metrics)
            if hasattr(logger, "log_table"):
                for metric in METRICS:
                    rows = [[label, *values, avg] for label, values, avg in table_rows(results, metric)]
                    logger.log_table(key=f"{metric}_table", columns=["model", *EVAL_SUBSETS, "avg"], data=rows)
            if hasattr(logger, "log_image"):
                for metric, path in plots.items():
                    logger.log_image(key=f"{metric}_plot", images=[str(path)])
            logger.save()
