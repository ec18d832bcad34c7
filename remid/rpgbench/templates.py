"""The prompt templates of the RPGBench construction (paper appendix A, tables 4-7), word for word
except for the output-format blocks, whose stray quotes and doubled braces are normalised to valid JSON.

Each ``TABLE*`` template is a ``str.format`` string (literal braces doubled); ``render`` fills one
into a single user message.
"""

from __future__ import annotations

import json

# Step 1 domains (table 4 "{str_PRE_DEFINED_DOMAINS}" with their "{str_PRE_DEFINED_DOMAINS_DESC}").
DOMAINS: dict[str, str] = {
    "Real-world figures": "people who actually lived or live, e.g. scientists, artists, athletes, leaders",
    "Literature": "characters created in novels, short stories, poems or plays read as literature",
    "Film & Television": "characters of films, television series and animation",
    "Theater": "characters of stage plays, musicals and opera",
    "Gaming": "characters of video games and tabletop games",
}

# Table 4, "initial character collection".
INITIAL_CHARACTERS = """You are given a user's persona description and conversation history. Your task is to infer about {num_domains} characters from the following categories ({str_PRE_DEFINED_DOMAINS}): "{str_PRE_DEFINED_DOMAINS_DESC}" For each selected character, provide:
- The category they belong to
- Their name
- A brief description of who they are
- An explanation of why this character would be interesting for the user to chat with

### User Information
#### User Persona Description
"{user_persona}"
#### User Conversation History
"{user_chat_history}"

Format your response strictly as a JSON array using the structure below:
```json
[{{"category": "", "character_name": "", "character_description": "", "explanation": ""}}, ...]
```"""

# Table 4, "web-based character information retrieval and refinement" (the retrieved text, when a
# retrieval hook is configured, is inserted as its own section before the domain).
REFINE_CHARACTER = """Please summarize the relevant details of the character "{character_name}" from 4 aspects: character source (in which the character is mentioned or created), basic character information (such as age, place of birth, education level, and other basic information), character background, and character personality.

# Character Information
## Character Name
"{character_name}"
## Character Description
"{character_description}"
{retrieved}## Character Domain
Please note that this character is mentioned or created in the "{character_domain}" domain.

Output your response in JSON format as shown below (Please strictly follow the following format):
```json
{{"{character_name}": {{"character_source": "", "basic_character_information": "", "character_background": "", "character_personality": ""}}}}
```"""
RETRIEVED_SECTION = "## Retrieved Information\n\"{text}\"\n"

# Table 4, "character type classification".
CLASSIFY_CHARACTER = """Your task is to determine whether the given character is a Real-Life Role or a Fictional Role.

## Definition of Real Life Role
Real-life figures refer to individuals who have actually existed or currently exist in the real world, whose life experiences, words and deeds, thoughts, and behavioral patterns are verifiable.
## Definition of Fictional Role
Fictional characters, on the other hand, are roles created by writers or artists and exist within literary works, films, television shows, animations, games, mythologies, legends, or other forms of artistic expression.

The character information: {character_information}

Please determine whether this character is a Real-Life Role or a Fictional Role, and provide your choice. Output your classification result in JSON format as shown below (Please strictly follow the format):
```json
{{"classification_result": "... (Real Life Role or Fictional Role)"}}
```"""

# Table 5, "user persona expansion" part 1.
PERSONA_VARIANTS = """You are designing potential user personas who would be interested in interacting with an AI agent that has the following personality traits:

Agent Character Traits: "{character_information}"

The original user persona is: "{original_user_persona}"

Based on these traits, imagine 5 different types of users who might be willing to engage with this agent, each coming from one of the following linguistic-cultural backgrounds:
- German
- Spanish
- Chinese
- Japanese
- Korean

For each variant, ensure the user persona reflects cultural nuances, communication styles, goals, or situational context relevant to their respective language background. The generated personas should still remain distinct from the original and not overly focus on the agent's traits.

Output your response in JSON format as shown below (Please strictly follow the format):
```json
{{"user_persona_variant1": "<German-speaking user> (Described in German)", "user_persona_variant2": "<Spanish-speaking user> (Described in Spanish)", "user_persona_variant3": "<Chinese-speaking user> (Described in Chinese)", "user_persona_variant4": "<Japanese-speaking user> (Described in Japanese)", "user_persona_variant5": "<Korean-speaking user> (Described in Korean)"}}
```"""
VARIANT_LANGUAGES = ("german", "spanish", "chinese", "japanese", "korean")  # user_persona_variant1..5
VARIANT_KEYS = tuple(f"user_persona_variant{i}" for i in range(1, 6))

# Table 5, "user persona expansion" part 2.
EXPAND_PERSONA = """Your task is to take the provided user persona and expand it comprehensively.

Please elaborate on the following aspects:
1. **Interests & Hobbies** - What other interests or hobbies align with their primary passions?
2. **Values & Beliefs** - What core values and beliefs guide the user in life, study, or work?
3. **Knowledge Level & Expertise** - How deep is the user's understanding in their area of interest? Do they have any specialized knowledge or skills?
4. **Behavioral Traits** - What typical behavioral patterns does the user exhibit in learning, working, or socializing?
5. **Communication Style** - How does the user typically communicate? Formally, casually, analytically, emotionally?
6. **Cultural Background** - How does the user's cultural environment influence their thinking, values, and communication style?

The original user persona: {step1_ReversedUserPersona}

Make sure the expanded user persona is in the same language as the original. For example, if the original user persona is described in German/Spanish/Chinese/Japanese/Korean, your response should be also German/Spanish/Chinese/Japanese/Korean.

Output your response in JSON format as shown below (Please strictly follow the format):
```json
{{"interests_hobbies": "...", "values_beliefs": "...", "knowledge_expertise": "...", "behavioral_traits": "...", "communication_style": "...", "cultural_background": "..."}}
```"""
EXPANSION_KEYS = ("interests_hobbies", "values_beliefs", "knowledge_expertise", "behavioral_traits",
                  "communication_style", "cultural_background")

# Table 6, "ID dialogue construction".
ID_DIALOGUE = """You are tasked with generating a realistic 4-round dialogue between a user and an agent.

Given the following information:
- **User Persona**: "{user_persona}"
- **Chat History Context Seed (for background reference only)**: "{context_seed}"
- **Agent Character Profile**: "{agent_character}"

Instructions:
1. Generate a natural and coherent 4-round conversation between the user and the agent.
2. Ensure that each round logically follows from the previous one, building a meaningful interaction.
3. The agent's responses must reflect their personality, tone, and traits as described in the character profile.
4. When crafting *user_query_4*, design it in such a way that the agent can provide a relevant and accurate response **only if** both the user persona **and** the agent's character traits are taken into account.
5. You may introduce new topics or scenarios not present in the context seed, as long as they align with the personas and maintain logical flow.
6. Output the result strictly in the JSON format shown below.
7. [Important!] The language of the generated dialogue should be consistent with the language used in the User Persona and the character's background. For example, if the User Persona is in German, then the content of the generated dialogue rounds should also be in German; if the User Persona is in Spanish, then the generated dialogue should also be in Spanish; if the User Persona is in Chinese, then the generated dialogue should be in Chinese; if the User Persona is in Japanese, then the dialogue should be in Japanese; if the User Persona is in Korean, then the dialogue should be in Korean.

Output Format:
```json
{format}
```"""

# Table 7, "OOD dialogue construction (turn-level compositional shift)".
TURN_LEVEL = """You are tasked with generating a realistic 8-round dialogue between a user and an agent based on the two provided dialogue histories.

Given the following information:
- **User Persona**: "{user_persona}"
- **Agent Character Profile**: "{agent_character}"
- **Dialogue 1**: "{dialogue_1}"
- **Dialogue 2**: "{dialogue_2}"

Instructions:
1. Generate a natural 8-round conversation between the user and the agent.
2. The agent's responses must reflect their personality, tone, and traits as described in the character profile.
3. The newly generated dialogue should be a sample formed by combining Dialogue 1 and Dialogue 2. Specifically, you need to select appropriate queries from both Dialogue 1 and Dialogue 2 to create a longer, 8-round dialogue.
4. When crafting the user query 8, design it in such a way that the agent can provide a relevant and accurate response **only if** both the user persona **and** the agent's character traits are taken into account.
5. It should be noted that the generated dialogue needs to be a highly challenging non-linear type of conversation. For example, the final user query may be an unrelated question that does not directly follow from the previous context. Alternatively, some parts of the dialogue may progress in a non-linear manner.

Output the result strictly in the JSON format shown below.

Output Format:
```json
{format}
```"""

# Table 7, "OOD dialogue construction (word-level compositional shift, part 1)".
WORD_VARIANTS = """You are tasked with generating 5 possible variants of the user query perturbation.

Given the following information:
- **User Persona**: "{user_persona}"
- **Agent Character Profile**: "{agent_character}"
- **Reference User Chat History**: "{str_reference_user_chat_history}"
- **Dialogue Context**: "{str_dialogue_context_without_last_query}"
- **Original User Query**: "{original_user_query}"
- **Original Golden Agent Response**: "{original_golden_agent_response}"

Instructions:
1. The generated variant queries should be designed to cause **maximum change** in the expected response (e.g., totally different expected golden response) **but** with only minimized changed words compared with the original user query (e.g., only a single word or phrase differs from the original user query).
2. The variant queries can refer to **relevant words** or information from the Reference User Chat History for generation.
3. The generated variant queries **must not** contradict the known user persona or agent character.
4. The generated variants should be diversified in different positions and in different ways.
5. Finally, output your selection in the specified JSON format below.

Output the result strictly in the JSON format shown below.

Output Format:
```json
[{{"user_query_variant": "", "golden_agent_response_variant": ""}}, {{"user_query_variant": "", "golden_agent_response_variant": ""}}, {{"user_query_variant": "", "golden_agent_response_variant": ""}}, {{"user_query_variant": "", "golden_agent_response_variant": ""}}, {{"user_query_variant": "", "golden_agent_response_variant": ""}}]
```"""

# Table 7, "OOD dialogue construction (word-level compositional shift, part 2)".
WORD_SELECT = """You are tasked with selecting one variant from the 5 candidate user query perturbations that best satisfies:

1) It causes the **maximum change** in the expected response with the **least change** to the input (i.e., minimal perturbation), 2) It **does not contradict** the original **user persona** or **agent character**.

Given the following information:
- **User Persona**: "{user_persona}"
- **Agent Character Profile**: "{agent_character}"
- **Dialogue Context**: "{str_dialogue_context_without_last_query}"
- **Original User Query**: "{original_user_query}"
- **Original Golden Agent Response**: "{original_golden_agent_response}"
- **Candidate Variants**: ```json {str_candidate_variants}```

Instructions:
1. Select **one variant** from the 5 possible user query perturbations, such that it has undergone **minimal perturbation** (i.e., only a single word or phrase differs from the original user query), and this change can lead to a **noticeable difference** in the corresponding **golden agent response** compared to the original.
2. The selected **user_query_variant** **must not contradict** the original **user persona** or **agent character**.
4. Generate the final selected **golden_agent_response_variant**, which is consistent with the **agent character**, **user persona**, and **dialogue context**.
5. Finally, output your selection in the **specified JSON format**.

Output the result strictly in the JSON format shown below.

Output Format:
```json
{{"selected_user_query_variant": "", "selected_golden_agent_response_variant": ""}}
```"""
WORD_SELECT_KEYS = ("selected_user_query_variant", "selected_golden_agent_response_variant")


def dialogue_keys(rounds: int) -> tuple[str, ...]:
    """``user_query_1, agent_response_1, ..., agent_response_{rounds}`` (tables 6-7)."""
    return tuple(f"{who}_{i}" for i in range(1, rounds + 1) for who in ("user_query", "agent_response"))


def dialogue_format(rounds: int) -> str:
    return json.dumps({key: "" for key in dialogue_keys(rounds)})


def render(template: str, **slots: str) -> list[dict[str, str]]:
    """One user message holding ``template`` filled with ``slots``."""
    return [{"role": "user", "content": template.format(**slots)}]


def character_text(character: dict[str, str]) -> str:
    """A character profile as the prompts show it (the RPGBench record, as JSON)."""
    return json.dumps(character, ensure_ascii=False)


def turns_text(turns: list[str] | tuple[str, ...], speakers: tuple[str, str] = ("User", "Agent")) -> str:
    """Alternating turns of two speakers as the prompts show them."""
    return "\n".join(f"{speakers[i % 2]}: {t}" for i, t in enumerate(turns))
