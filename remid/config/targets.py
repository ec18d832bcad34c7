"""Start-up validation of ``_target_`` nodes: every keyword a node gives must be a parameter of its target.

Hydra reports a misspelt keyword only when the node is instantiated, and a ``_partial_`` node (a method's
module, its prepare steps) is instantiated late: after the prepare steps have run for minutes or hours.
``check_targets`` reads each node's keys (values are neither resolved nor built) and checks them against
``inspect.signature`` of the target, so the run fails before it starts, naming the key and the valid ones.
"""

from __future__ import annotations

import difflib
import inspect

from hydra.utils import get_object
from omegaconf import DictConfig, ListConfig


class TargetKeyError(TypeError):
    """A ``_target_`` node gives a keyword its target does not take."""


def _parameters(target: str, where: str) -> list[str] | None:
    """The keyword parameters of ``target``; None when it takes ``**kwargs`` (any keyword is valid)."""
    try:
        obj = get_object(target)
    except Exception as error:
        raise TargetKeyError(f"{where}._target_={target!r} cannot be imported: {error}") from error
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):  # a builtin without a signature: nothing to check against
        return None
    params = signature.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return None
    return [p.name for p in params if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)]


def check_targets(node, where: str) -> None:
    """Raise ``TargetKeyError`` for the first keyword of a ``_target_`` node under ``node`` (at ``where``, e.g.
    ``"method"``) that is not a parameter of its target. Interpolations (``${llm}``) are not followed."""
    if isinstance(node, DictConfig):
        if node._is_none() or node._is_missing() or node._is_interpolation():
            return
        keys = [str(k) for k in node]
        if "_target_" in keys and not node._get_node("_target_")._is_interpolation():
            allowed = _parameters(str(node._target_), where)
            unknown = [k for k in keys if not k.startswith("_") and allowed is not None and k not in allowed]
            if unknown:
                near = difflib.get_close_matches(unknown[0], allowed, n=1, cutoff=0.6)
                raise TargetKeyError(f"{where}.{unknown[0]}: {node._target_} takes no keyword {unknown[0]!r}; " + (
                    f"did you mean {where}.{near[0]}?" if near else f"it takes {', '.join(allowed)}"))
        for key in keys:
            check_targets(node._get_node(key), f"{where}.{key}")
    elif isinstance(node, ListConfig):
        if node._is_none() or node._is_missing() or node._is_interpolation():
            return
        for i in range(len(node)):
            check_targets(node._get_node(i), f"{where}[{i}]")
