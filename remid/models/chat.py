"""Turn a ``Prompt`` into model text and token ids, the same way for training, generation and scoring.

Two rules make the token ids of a context + target pair independent of how they are produced (one
joint string or two pieces), on byte-level BPE tokenizers like Qwen's and Llama's:

* **Token boundary.** Whitespace other than newlines at the end of a context (the table 21 prefix
  ``"<Agent Response> "``) belongs to the *target*: a byte-level BPE merges a space into the next
  word (``ĠThat``), so the context is tokenized without it and the target with it. Every path
  (SFT, generation, CLUB scoring, ``remid.evaluation.verify``) tokenizes contexts through ``encode_context``.
* **BOS.** A context starts with the special tokens the tokenizer itself puts before a text (BOS for
  ``Meta-Llama-3-8B`` base, nothing for Qwen3), exactly once: prepended unless the rendered text
  (a chat template that writes BOS) already starts with them. vLLM receives these ids, not the text.
"""

from __future__ import annotations

from remid.core.prompts import Prompt

HORIZONTAL_SPACE = " \t"


def context_text(tokenizer, prompt: Prompt) -> str:
    """The chat-rendered user turn plus the fixed response prefix (plain text if no chat template)."""
    if getattr(tokenizer, "chat_template", None):
        rendered = tokenizer.apply_chat_template(
            [{"role": "user", "content": prompt.text}], tokenize=False, add_generation_prompt=True
        )
    else:
        rendered = prompt.text + "\n\n"
    return rendered + prompt.response_prefix


def split_boundary(context: str) -> tuple[str, str]:
    """``(head, lead)``: the context without its trailing spaces/tabs, and those spaces (they start the target)."""
    head = context.rstrip(HORIZONTAL_SPACE)
    return head, context[len(head):]


def encode(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def leading_special_ids(tokenizer) -> list[int]:
    """The special-token ids ``tokenizer(text)`` puts before the text ([BOS] for Llama 3 base, [] for Qwen3)."""
    probe = "a"
    full = tokenizer(probe)["input_ids"]
    plain = encode(tokenizer, probe)
    for start in range(len(full) - len(plain) + 1):
        if full[start:start + len(plain)] == plain:
            return full[:start]
    return []


def encode_context(tokenizer, context: str) -> list[int]:
    """Token ids of a context text under both rules (module docstring): no trailing space, BOS once."""
    head, _ = split_boundary(context)
    ids = encode(tokenizer, head)
    bos = leading_special_ids(tokenizer)
    if bos and ids[:len(bos)] != bos:
        ids = bos + ids
    return ids


def encode_response(tokenizer, context: str, response: str) -> list[int]:
    """Token ids of ``response`` as the target after ``context`` (the context's trailing spaces lead it)."""
    return encode(tokenizer, split_boundary(context)[1] + response)


def fit_prompt(tokenizer, prompt: Prompt, max_tokens: int | None) -> tuple[Prompt, int]:
    """``(prompt, turns dropped)``: the oldest dialogue turns dropped inside the template until the
    context is at most ``max_tokens`` tokens (header, persona and character always stay; so does the
    last turn, even when that alone is too long). ``max_tokens=None``: no limit.
    """
    dropped = 0
    while max_tokens is not None and prompt.shorter is not None:
        if len(encode_context(tokenizer, context_text(tokenizer, prompt))) <= max_tokens:
            break
        shorter = prompt.shorter()
        if shorter is None:
            break
        prompt, dropped = shorter, dropped + 1
    return prompt, dropped


def encode_pair(tokenizer, prompt: Prompt, response: str, add_eos: bool = False) -> tuple[list[int], list[int]]:
    """``(context_ids, response_ids)``; ``add_eos`` appends the suffix and EOS (training targets)."""
    context = context_text(tokenizer, prompt)
    target = encode_response(tokenizer, context, prompt.target(response) if add_eos else response)
    if add_eos:
        target.append(tokenizer.eos_token_id)
    return encode_context(tokenizer, context), target
