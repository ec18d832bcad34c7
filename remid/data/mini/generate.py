"""Build the offline mini-RPGBench: python -m remid.data.mini.generate

Writes ``remid/data/mini/mini_rpgbench.json`` in the original RPGBench layout (split name -> list of
samples) with the paper's three shifts (appendix A): English personas + real-world figures + 4-turn
dialogues for ID; German/Spanish/Chinese/Japanese/Korean personas and dialogues (user shift);
fictional characters from literature, film & television, theater and gaming (character shift);
8-turn turn-level compositions of two ID dialogues and word-level edits of the last query with a
changed golden response (dialogue compositional shift).

Departure from the paper: samples are composed from hand-written phrase pools and templates by a
seeded random generator instead of being written by LLMs, so the file is small, offline and
byte-identical on every run. Responses still depend on the persona (job, hobbies, values, place),
the character (field, story, personality) and the dialogue (the final question's intent).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from remid.data.mini.languages import LANGUAGES
from remid.data.mini.pools import FICTIONAL, HOBBIES, JOBS, LIFE_EVENTS, PLACES, REAL, VALUES

SEED = 20251123
OUT = Path(__file__).with_name("mini_rpgbench.json")
SIZES = {"IDTrain": 820, "IDTest": 210, "per_ood_subset": 64}
DOMAIN_TAGS = {"Literature": "Literature", "Film & Television": "Film & Television", "Theater": "Theater",
               "Gaming": "Gaming"}

PERSONA_EN = [
    "I am a {age}-year-old {job} from {place}. I love {hobby} and {hobby2}. I {life}. I value {value} above almost everything.",
    "i work as a {job} in {place}. my favourite pastime is {hobby}. i also enjoy {hobby2}. i {life}.",
    "{place} is home. I'm a {job}, and I {life}. Weekends are for {hobby}, evenings for {hobby2}. {value_cap} matters to me.",
    "I'm {age}, a {job}, and I could talk about {hobby} for hours. Lately I've picked up {hobby2}. My friends say I'm all about {value}.",
]
Q1 = ["Hi {name}! I'm a {job} from {place}, and most weekends you'll find me {hobby}.",
      "Hello {name}. I {life}, and {hobby} keeps my head clear. I'm a {job}, by the way.",
      "Good to meet you, {name}! I work as a {job} and I'm a bit obsessed with {hobby}."]
R1 = ["Welcome! A {job} who loves {hobby}? I suspect we will get along. {story}.",
      "It is a pleasure. People usually ask me about {field}, but I would rather hear about your {hobby}.",
      "Hello, friend from {place}. {story}, so I understand devotion to something like {hobby}."]
Q2 = ["What first drew you to {field}?", "Was there a moment when you almost gave up on {field}?",
      "How did you get so good at {field}?", "What is the hardest thing about {field} that nobody talks about?"]
R2 = ["{story}. After that, {field} was never just work for me.",
      "More than once. People remember this: {background} Nobody saw the doubts, only the {trait1} face I showed.",
      "Practice and curiosity. {story}. Every day I tried to be a little less wrong.",
      "The loneliness of it. {background} You need people who believe in you."]
Q3 = ["I also love {hobby2}. Do you think it has anything in common with {field}?",
      "When I'm not {hobby}, I spend my time on {hobby2}. Did you have a pastime like that?",
      "My friends say I should take {hobby2} more seriously. What do you think?"]
R3 = ["More than you might think: both {hobby2} and {field} reward patience and attention.",
      "I did, though I never called it that. A mind needs play as much as work; {hobby2} sounds perfect.",
      "Take {hobby2} as seriously as it makes you happy, and no more. That is how I came to {field}."]
GOALS = {  # final query (intent) -> golden-response openers
    "spirit": ("As a {job}, how could I bring some of your spirit into my {hobby}?",
               ["Bring the same stubborn attention to {hobby} that I gave to {field}: notice one small thing each time and improve it.",
                "Treat every session of {hobby} as an experiment rather than a performance; that is how {field} works for me."]),
    "teach": ("I'm thinking of teaching {hobby} to kids in my neighbourhood. How would you make them care about it?",
              ["Children follow joy, not duty, so let them see why {hobby} delights you before you teach a single rule.",
               "Give the kids a small mystery to solve through {hobby}, the way {field} first hooked me."]),
    "tired": ("Some days being a {job} leaves me too tired for {hobby}. What would you tell me?",
              ["Tiredness after a shift as a {job} is a signal, not a failure: keep {hobby} small, ten minutes, and protect it.",
               "Rest first, then return to {hobby} gently; even in {field} my best ideas came after sleep."]),
    "blog": ("I want to start a blog about {hobby} that shows how much I value {value}. Where should I start?",
             ["Start with one honest story about {hobby} and let {value} show in what you choose to tell.",
              "Write the first post about the day {hobby} surprised you; readers trust {value} more than polish."]),
    "day": ("If you spent a day with me {hobby}, what would you want to talk about?",
            ["We would spend the morning {hobby} and the evening arguing happily about {field}.",
             "First you would teach me {hobby}, and then I would show you how {field} looks from the inside."]),
    "value": ("How do I stay true to {value} when work as a {job} pushes me the other way?",
              ["Hold on to {value} in small daily choices; the pressure of being a {job} is loudest when you are tired.",
               "Name the moment when {value} is tested and decide in advance what you will do; I did the same with {field}."]),
    "compete": ("I'm nervous about my first {hobby} competition next month. Any advice?",
                ["Nerves mean you care: rehearse your {hobby} until it feels boring, then let it be joyful on the day.",
                 "Compete against your last attempt, not the others; that is how I survived the pressure of {field}."]),
    "field": ("Could {hobby} ever teach me something about {field}?",
              ["Certainly. {hobby_cap} trains patience and careful observation, which is exactly what {field} demands.",
               "More than you think: {hobby} teaches you to fail and try again, and {field} is mostly that."]),
}
CHARACTER_LINE = ["{story}, so I know how small efforts add up.",
                  "Being {traits} myself, I can only tell you what worked for me.",
                  "That is how I, {name}, learned to love {field}."]
PERSONA_LINE = ["And as a {job} from {place}, you already know more about persistence than you think.",
                "Keep {value} at the centre and the rest will follow.",
                "Tell me next time how your {hobby2} is going, too."]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _character(entry: tuple, fictional_domain: str | None = None) -> tuple[dict, dict]:
    """(RPGBench character dict, slots used by templates)."""
    if fictional_domain is None:
        name, domain, basic, background, personality, field, story = entry
        record = {"character_name": name, "character_domain": domain, "character_source": domain,
                  "basic_character_information": basic, "character_background": background,
                  "character_personality": personality}
    else:
        name, source, background, personality, field, story = entry
        domain = fictional_domain
        record = {"character_name": name, "character_domain": domain, "character_source": source,
                  "basic_character_information": f"A fictional character from {source}.",
                  "character_background": background, "character_personality": personality}
    traits = personality.rstrip(".").lower()
    slots = {"name": name, "field": field, "story": story, "background": background, "traits": traits,
             "trait1": traits.split(",")[0].split(" and ")[0].strip(), "domain": domain}
    return record, slots


def _english_persona(rng: random.Random) -> dict:
    (hobby, _), (hobby2, _) = rng.sample(HOBBIES, 2)
    value = rng.choice(VALUES)
    slots = {"age": rng.randint(18, 74), "job": rng.choice(JOBS), "place": rng.choice(PLACES), "hobby": hobby,
             "hobby2": hobby2, "value": value, "value_cap": _cap(value), "life": rng.choice(LIFE_EVENTS)}
    slots["persona"] = _cap(rng.choice(PERSONA_EN).format(**slots))
    return slots


def _english_dialogue(rng: random.Random, persona: dict, char: dict, goal: str | None = None) -> dict:
    s = {**persona, **char, "hobby_cap": _cap(persona["hobby"])}
    goal = goal or rng.choice(sorted(GOALS))
    turns = [rng.choice(Q1), rng.choice(R1), rng.choice(Q2), rng.choice(R2), rng.choice(Q3), rng.choice(R3)]
    choice = (rng.randrange(2), rng.randrange(3), rng.randrange(3))
    return {"turns": turns, "goal": goal, "choice": choice, "slots": s}


def _render_english(d: dict, slots: dict | None = None) -> tuple[list[str], str]:
    s = slots or d["slots"]
    query, openers = GOALS[d["goal"]]
    a, b, c = d["choice"]
    texts = [t.format(**s) for t in d["turns"]] + [query.format(**s)]
    golden = " ".join([openers[a].format(**s), CHARACTER_LINE[b].format(**s), PERSONA_LINE[c].format(**s)])
    return texts, golden


def _context(texts: list[str]) -> list[dict]:
    return [{"user_query" if i % 2 == 0 else "agent_response": t} for i, t in enumerate(texts)]


def _record(split: str, index: int, persona: str, character: dict, texts: list[str], golden: str, tag: str) -> dict:
    return {"sample_ID": f"{split}-{index}", "user_persona": persona, "agent_character": character,
            "dialogue_context": _context(texts), "agent_golden_response": golden, "subset_tag": tag}


def _id_samples(rng: random.Random, split: str, n: int, seen: set) -> list[dict]:
    out = []
    while len(out) < n:
        persona = _english_persona(rng)
        character, char = _character(rng.choice(REAL))
        texts, golden = _render_english(_english_dialogue(rng, persona, char))
        if golden in seen:
            continue
        seen.add(golden)
        out.append(_record(split, len(out), persona["persona"], character, texts, golden, split))
    return out


def _language_sample(rng: random.Random, lang: str) -> tuple[str, dict, list[str], str]:
    pool = LANGUAGES[lang]
    character, char = _character(rng.choice(REAL))
    hobby, hobby2 = rng.sample(pool["hobbies"], 2)
    value = rng.choice(pool["values"])
    s = {"age": rng.randint(18, 74), "job": rng.choice(pool["jobs"]), "city": rng.choice(pool["cities"]),
         "hobby": hobby, "hobby2": hobby2, "value": value, "value_short": value, "name": char["name"],
         "field": pool["field"].get(char["domain"], pool["field"]["History"])}
    persona = rng.choice(pool["persona"]).format(**s)
    goal, query = rng.choice(pool["q4"])
    texts = [rng.choice(pool[k]).format(**s) for k in ("q1", "r1", "q2", "r2", "q3", "r3")] + [query.format(**s)]
    golden = pool.get("sep", " ").join(
        rng.choice(pool[part] if part != "open" else pool["open"][goal]).format(**s) for part in ("open", "char", "close"))
    return persona, character, texts, golden


def _fictional_sample(rng: random.Random, domain: str) -> tuple[str, dict, list[str], str]:
    persona = _english_persona(rng)
    character, char = _character(rng.choice(FICTIONAL[domain]), fictional_domain=domain)
    texts, golden = _render_english(_english_dialogue(rng, persona, char))
    return persona["persona"], character, texts, golden


def turn_level(rng: random.Random) -> tuple[str, dict, list[str], str]:
    """Recombine the turns of two 4-turn dialogues of one persona and character into 8 non-linear turns."""
    persona = _english_persona(rng)
    character, char = _character(rng.choice(REAL))
    first_goal, second_goal = rng.sample(sorted(GOALS), 2)
    a_texts, a_golden = _render_english(_english_dialogue(rng, persona, char, first_goal))
    b_texts, b_golden = _render_english(_english_dialogue(rng, persona, char, second_goal))
    a_turns = [(a_texts[i], a_texts[i + 1]) for i in range(0, 6, 2)] + [(a_texts[6], a_golden)]
    b_turns = [(b_texts[i], b_texts[i + 1]) for i in range(0, 6, 2)]
    order = [a_turns[0], b_turns[1], a_turns[1], b_turns[2], a_turns[2], b_turns[0], a_turns[3]]
    texts = [t for pair in order for t in pair] + [b_texts[6]]
    return persona["persona"], character, texts, b_golden


def word_level(rng: random.Random) -> tuple[str, dict, list[str], str, str]:
    """Swap the last query's hobby for the second hobby mentioned earlier; the golden response follows."""
    persona = _english_persona(rng)
    character, char = _character(rng.choice(REAL))
    goal = rng.choice([g for g, (query, _) in sorted(GOALS.items()) if "{hobby}" in query])
    dialogue = _english_dialogue(rng, persona, char, goal)
    original, _ = _render_english(dialogue)
    swapped = {**dialogue["slots"], "hobby": persona["hobby2"], "hobby2": persona["hobby"],
               "hobby_cap": _cap(persona["hobby2"])}
    _, golden = _render_english(dialogue, swapped)
    last = GOALS[goal][0].format(**swapped)
    return persona["persona"], character, original[:-1] + [last], golden, original[-1]


def build() -> dict[str, list[dict]]:
    """The whole benchmark, deterministically."""
    rng = random.Random(SEED)
    seen: set[str] = set()
    data = {"IDTrain": _id_samples(rng, "IDTrain", SIZES["IDTrain"], seen),
            "IDTest": _id_samples(rng, "IDTest", SIZES["IDTest"], seen)}
    n = SIZES["per_ood_subset"]
    data["OOD1Test"] = [_record("OOD1Test", i + k * n, *_language_sample(rng, lang), lang)
                        for k, lang in enumerate(LANGUAGES) for i in range(n)]
    data["OOD2Test"] = [_record("OOD2Test", i + k * n, *_fictional_sample(rng, domain), DOMAIN_TAGS[domain])
                        for k, domain in enumerate(FICTIONAL) for i in range(n)]
    turns = [_record("OOD3Test", i, *turn_level(rng), "TurnLevelComposition") for i in range(n)]
    words = [_record("OOD3Test", n + i, *word_level(rng)[:4], "WordLevelComposition") for i in range(n)]
    data["OOD3Test"] = turns + words
    return data


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    data = build()
    OUT.write_text(dumps(data), encoding="utf-8")
    sizes = {split: len(records) for split, records in data.items()}
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB): {sizes}")


if __name__ == "__main__":
    main()
