"""Turn a ``Prompt`` into model text and token ids, the same way for training, generation and scoring."""

from __future__ import annotations

from remid.prompts import Prompt


def context_text(tokenizer, prompt: Prompt) -> str:
    """The chat-rendered user turn plus the fixed response prefix (plain text if no chat template)."""
    if getattr(tokenizer, "chat_template", None):
        rendered = tokenizer.apply_chat_template(
            [{"role": "user", "content": prompt.text}], tokenize=False, add_generation_prompt=True
        )
    else:
        rendered = prompt.text + "\n\n"
    return rendered + prompt.response_prefix


def encode(tokenizer, text: str) -> list[int]:
    return tokenizer(text, add_special_tokens=False)["input_ids"]


def encode_pair(tokenizer, prompt: Prompt, response: str, add_eos: bool = False,
                max_context: int | None = None) -> tuple[list[int], list[int]]:
    """``(context_ids, response_ids)``; ``add_eos`` appends the suffix and EOS (training targets).

    ``max_context`` keeps the last tokens of an over-long context (the dialogue end matters most).
    """
    context = encode(tokenizer, context_text(tokenizer, prompt))
    if max_context is not None and len(context) > max_context:
        context = context[-max_context:]
    target = encode(tokenizer, prompt.target(response) if add_eos else response)
    if add_eos:
        target.append(tokenizer.eos_token_id)
    return context, target
