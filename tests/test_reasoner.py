"""The offline rule-based reasoner (table 16 format, shortened) and core-feature extraction."""

import re

import pytest

from remid.core.reasoning import extract_core_features, rule_based_reasoning
from remid.core.schema import Sample, Turn

MARKER = "[Core Features of the Golden Response]"
SECTIONS = [
    "### Part 1: Restatement of Key Information", "#### Key Information in User Persona",
    "#### Key Information in Agent Character", "#### Key Information in Dialogue Context",
    "### Part 3: Final Feature Set of the Golden Response", MARKER,
    "## I. Content Characteristics", "### 1. Alignment with User Persona", "### 2. Embodiment of Agent Character",
    "### 3. Continuity within Dialogue Context", "## II. Style Characteristics",
    "### 1. Tone and Language Suitable for the User", "### 2. Expression Consistent with Agent Character",
    "### 3. Naturalness within Dialogue Flow",
]


def sample(**changes) -> Sample:
    fields = dict(
        sample_id="s-1",
        user_persona="I love birdwatching on weekends. I work as a night-shift nurse in Leeds.",
        agent_character={"character_name": "Charles Darwin", "character_domain": "Science",
                         "character_source": "Science", "basic_character_information": "Born 1809.",
                         "character_background": "Sailed on the Beagle.",
                         "character_personality": "Patient, meticulous and gently humorous."},
        dialogue_context=(Turn("user", "Hello!"), Turn("agent", "Good day."),
                          Turn("user", "How did you study finches without binoculars?")),
        golden_response="Patience with the Galápagos finches taught me everything; sketches and specimens did "
                        "the rest.",
        subset_tag="IDTest",
    )
    fields.update(changes)
    return Sample(**fields)


def test_trace_follows_the_table_16_layout_and_features_follow_the_marker():
    trace = rule_based_reasoning(sample())
    positions = [trace.index(section) for section in SECTIONS]
    assert positions == sorted(positions) and trace.count(MARKER) == 1
    assert len(trace) < 950
    features = extract_core_features(trace)
    assert features == trace.split(MARKER)[1].strip()
    assert features.startswith("## I. Content Characteristics") and "Part 1" not in features
    assert "Charles Darwin" in features and "birdwatching" in trace and "finches" in features
    assert "- Turn 2" in trace  # the second user turn
    for section in (s for s in SECTIONS if s.startswith("### ") and "Part" not in s):
        body = features.split(section, 1)[1].split("###", 1)[0]
        assert 1 <= body.count("\n- ") + body.startswith("- ") <= 2


def test_trace_is_deterministic():
    assert rule_based_reasoning(sample()) == rule_based_reasoning(sample())
    assert rule_based_reasoning(sample(), with_reference=False) == rule_based_reasoning(sample(), False)


def test_without_reference_no_golden_only_words_appear():
    s = sample()
    seen = set(re.findall(r"\w+", " ".join([s.user_persona, str(s.agent_character), *SECTIONS,
                                             *(t.text for t in s.dialogue_context)]).lower()))
    golden_only = set(re.findall(r"\w+", s.golden_response.lower())) - seen
    assert {"galápagos", "sketches", "specimens"} <= golden_only
    blind = rule_based_reasoning(s, with_reference=False).lower()
    assert not {w for w in golden_only if re.search(rf"\b{re.escape(w)}\b", blind)}
    assert {"galápagos", "sketches", "specimens"} & set(re.findall(r"\w+", rule_based_reasoning(s).lower()))


def test_japanese_sample_without_whitespace():
    s = sample(user_persona="東京で看護師をしています。休日は登山を楽しんでいます。",
               dialogue_context=(Turn("user", "どうして科学の道に進んだのですか？"),),
               golden_response="最初は甲虫の収集でした。好奇心が私を導いたのです。", subset_tag="japanese")
    trace = rule_based_reasoning(s)
    assert trace.count(MARKER) == 1 and len(trace) < 950
    assert "東京で看護師をしています。" in trace  # sentence-split persona
    features = extract_core_features(trace)
    assert "看護師" in features and "科学" in features  # content words without whitespace
    blind = rule_based_reasoning(s, with_reference=False)
    assert not any(word in blind for word in ("甲虫", "収集", "好奇心", "導"))
    assert "甲虫" in trace or "収集" in trace or "好奇心" in trace


def test_plain_string_character_and_korean_persona():
    s = sample(agent_character="A cheerful lighthouse keeper who loves storms.",
               user_persona="저는 부산에서 요리사로 일하고 있어요.",
               dialogue_context=(Turn("user", "등대에서 폭풍을 보면 무섭지 않나요?"),), subset_tag="korean")
    trace = rule_based_reasoning(s)
    assert "Agent" in trace and "부산" in trace and trace.count(MARKER) == 1


def test_extract_core_features_edge_cases():
    assert extract_core_features(f"draft {MARKER} first\n{MARKER}\n“ final features ”\n") == "final features"
    assert extract_core_features('  "warm and curious"  ') == "warm and curious"  # no marker: whole trace
    assert extract_core_features(f'{MARKER} ""\n- a\n- b ""') == "- a\n- b"


@pytest.mark.slow
def test_tiny_estimator_can_write_a_whole_teacher_trace(tiny_qwen3, mini_samples, conf_dir):
    """The configured reasoning budget fits the longest trace the tiny reasoner is trained on."""
    from omegaconf import OmegaConf
    from transformers import AutoTokenizer

    budget = OmegaConf.load(conf_dir / "estimator" / "remi_tiny.yaml").reasoning_max_new_tokens
    tok = AutoTokenizer.from_pretrained(tiny_qwen3)
    longest = max(len(tok(rule_based_reasoning(s), add_special_tokens=False)["input_ids"]) for s in mini_samples)
    assert longest + 1 <= budget  # + EOS
