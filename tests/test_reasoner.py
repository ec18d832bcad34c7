"""The offline rule-based reasoner and core-feature extraction."""

from remid.data.schema import Sample, Turn
from remid.estimators.reasoner import extract_core_features, rule_based_reasoning
from remid.prompts import CORE_FEATURES_MARKER


def sample(**changes) -> Sample:
    fields = dict(sample_id="s-1", user_persona="I love birdwatching. I work as a nurse.",
                  agent_character={"character_name": "Charles Darwin", "character_domain": "Science",
                                   "character_source": "Science", "basic_character_information": "Born 1809.",
                                   "character_background": "Sailed on the Beagle.",
                                   "character_personality": "Patient, meticulous and gently humorous."},
                  dialogue_context=(Turn("user", "How did you study finches?"),),
                  golden_response="Patience with the Galápagos finches taught me everything.", subset_tag="IDTest")
    fields.update(changes)
    return Sample(**fields)


def test_trace_has_the_marker_and_features_follow_it():
    trace = rule_based_reasoning(sample())
    assert trace.count(CORE_FEATURES_MARKER) == 1 and len(trace) < 1200
    features = extract_core_features(trace)
    assert features.startswith("## I. Content Characteristics")
    assert "Charles Darwin" in features and "birdwatching" in features and "finches" in features
    assert rule_based_reasoning(sample()) == trace


def test_without_reference_no_golden_only_words_leak():
    trace = rule_based_reasoning(sample(), with_reference=False)
    assert "galápagos" not in trace.lower() and "galápagos" in rule_based_reasoning(sample()).lower()


def test_japanese_sample():
    s = sample(user_persona="東京で看護師をしています。休日は登山を楽しんでいます。",
               dialogue_context=(Turn("user", "どうして科学の道に進んだのですか？"),),
               golden_response="最初は好奇心でした。", subset_tag="japanese")
    trace = rule_based_reasoning(s)
    assert "東京で看護師をしています" in trace and "科学の道に進んだのですか" in trace


def test_extract_without_marker_returns_whole_trace():
    assert extract_core_features('  "warm and curious"  ') == "warm and curious"
