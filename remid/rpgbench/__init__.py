"""RPGBench construction (paper appendix A, figure 8): characters, user personas, dialogues, shifts.

``python build_bench.py`` (``conf/build_bench.yaml``) runs ``remid.rpgbench.build.build_bench``:

1. characters (table 4): inferred from seed personas and chat histories, refined into the four profile
   fields (an optional retrieval hook feeds the refinement), classified real-life or fictional;
2. user personas (table 5): German/Spanish/Chinese/Japanese/Korean variants of each English seed
   persona paired with a real character, each expanded along six dimensions in its language;
3. dialogues (tables 6-7): 4-round ID dialogues from context seeds, 8-round turn-level compositions
   of two ID dialogues, word-level perturbations of the last query (candidates, then a selection);
4. the split into IDTrain / IDDev / IDTest and the 11 OOD subsets by the appendix A.1 criteria.

Every teacher call goes through ``remid.llm.LLMClient`` and its cache, so a killed build resumes
where it stopped; ``docs/bench.md`` describes seeds, outputs and resuming.
"""
