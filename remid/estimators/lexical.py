"""The lexical floor: how well plain string matching tells a response's own context from the others'.

Each (context, response) pair of a subset is scored by the cosine of character 3-5-gram TF-IDF vectors
(scikit-learn's ``TfidfVectorizer``, ``analyzer="char_wb"``, sublinear term frequencies, fitted on the
subset's contexts and responses), context = user persona + agent character + dialogue turns. The N x N
cosine matrix goes through the same diagonal-rank diagnostics as the estimator's CLUB matrices
(``remid.estimators.diagnostics``). It is a floor the estimator should beat, not an estimate of mutual
information: a response that reuses its context's words is found by it, one that answers in other words is
not. Where the estimator ranks own contexts worse than this floor, it misses dependence that is there.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from remid.core.prompts import character_text
from remid.core.schema import Sample

NGRAMS = (3, 5)


def context_string(sample: Sample) -> str:
    """The raw input X of a sample: persona, character and every dialogue turn, one per line."""
    return "\n".join([sample.user_persona, character_text(sample), *(t.text for t in sample.dialogue_context)])


def lexical_matrix(samples: Sequence[Sample], responses: Sequence[str]) -> np.ndarray:
    """``out[i, j]`` = TF-IDF cosine of context i and response j (character 3-5-grams). -> [N, N] float64"""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(samples) != len(responses):
        raise ValueError(f"{len(samples)} samples but {len(responses)} responses")
    contexts = [context_string(s) for s in samples]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True)
    vectors = vectorizer.fit_transform([*contexts, *(r if r.strip() else " " for r in responses)])
    n = len(contexts)
    # Rows are L2-normalised by the vectorizer, so the product is the cosine.
    return np.asarray((vectors[:n] @ vectors[n:].T).todense(), dtype=np.float64)
