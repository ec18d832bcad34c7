"""The mini benchmark's hand-written pools: characters, personas, dialogue moves and golden-response templates.

``remid.tiny.generate`` composes them slot by slot (and ``remid.tiny.corpus`` draws the
pretraining corpus from them under another seed). One module per source: ``real`` and ``fictional``
characters, ``english`` personas and moves, and one per user-shift language.

User-shift language pools (``german`` ... ``korean``): native personas, dialogues and golden responses.
Slots: name, field, practice (per character category), job, struggle, city, spot, food,
hobby1/detail1, hobby2/detail2, event, and for the project move topic, detail, medium_acc,
medium_nom, audience, unit.  German/Spanish: field is nominative/accusative with article,
practice a bare plural; Korean particles are written as (을), (은), (이), (와), (으로)... and
resolved after formatting by ``remid.tiny.dialogues._ko_particles``.
"""
