"""The one LLM client: every teacher and judge role asks through ``LLMClient``.

Backends: ``OpenAIChatBackend`` (any OpenAI-compatible server: OpenAI, vLLM), ``TransformersBackend``
(a local model through ``HFGenerator``) and ``RulesBackend`` (the offline, deterministic, weak
teacher). ``conf/llm/*.yaml`` instantiate a client with one of them.
"""

from remid.llm.client import LLMClient, LLMStats
from remid.llm.http import OpenAIChatBackend
from remid.llm.local import TransformersBackend, render_messages
from remid.llm.parsing import JSONAnswerError, extract_json_object, parse_json_answer
from remid.llm.rules import DIALOGUE_KEYS, TOPIC_KEYS, RulesBackend
from remid.llm.types import Backend, ChatRequest, ChatResult, FatalError, RetryableError

__all__ = [
    "DIALOGUE_KEYS", "TOPIC_KEYS", "Backend", "ChatRequest", "ChatResult", "FatalError", "JSONAnswerError",
    "LLMClient", "LLMStats", "OpenAIChatBackend", "RetryableError", "RulesBackend", "TransformersBackend",
    "extract_json_object", "parse_json_answer", "render_messages",
]
