"""German user-shift pools (slots: see ``remid.tiny.pools``)."""

from __future__ import annotations

GERMAN = {
    "local_names": None,
    "cities": [
        ("Hamburg", "die Speicherstadt", "Fischbrötchen"), ("München", "den Englischen Garten", "Weißwurst mit Brezn"),
        ("Berlin", "die East Side Gallery", "Currywurst"), ("Köln", "den Dom", "Reibekuchen"),
        ("Dresden", "die Frauenkirche", "Eierschecke"), ("Stuttgart", "den Schlossplatz", "Maultaschen"),
        ("Nürnberg", "die Kaiserburg", "Nürnberger Rostbratwürste"), ("Frankfurt", "den Römerberg", "Grüne Soße"),
        ("Freiburg", "das Münster", "Schwarzwälder Kirschtorte"), ("Leipzig", "das Völkerschlachtdenkmal", "Leipziger Lerchen"),
    ],
    "jobs": [
        ("Grundschullehrerin", "die Korrekturen fressen jeden Abend auf"),
        ("Krankenpfleger", "die Nachtschichten rauben mir die Kraft"),
        ("Softwareentwickler", "vor jedem Release arbeite ich bis spät in die Nacht"),
        ("Bäckermeisterin", "ich stehe jeden Tag um drei Uhr auf und die Kosten steigen ständig"),
        ("Ingenieur bei einem Autozulieferer", "der Druck in der Branche wird immer größer"),
        ("Doktorandin in Chemie", "meine Dissertation kommt einfach nicht voran"),
        ("Busfahrer", "der Verkehr und der Zeitdruck machen mich mürbe"),
        ("Erzieherin in einer Kita", "zwanzig Kinder am Tag kosten unglaublich viel Energie"),
        ("Winzer an der Mosel", "ein einziger Hagelsturm kann die ganze Ernte zerstören"),
        ("Sachbearbeiterin im Bürgeramt", "die Arbeit fühlt sich oft eintönig an"),
    ],
    "hobbies": [
        ("Wandern", "die Ruhe auf dem Gipfel"), ("Chorsingen", "das Gefühl, wenn alle Stimmen zusammenklingen"),
        ("Gärtnern", "die erste reife Tomate im Sommer"), ("Schach", "die Spannung vor einem entscheidenden Zug"),
        ("Brotbacken", "das Knistern einer frischen Kruste"), ("Fotografie", "das Abendlicht in alten Gassen"),
        ("Segeln", "die Stille auf dem See am frühen Morgen"), ("Radfahren", "jede lange Tour entlang der Elbe"),
        ("Modellbau", "die Liebe zum winzigen Detail"), ("Vogelbeobachtung", "die Stille früh am Morgen im Moor"),
        ("Töpfern", "das Gefühl, wenn der Ton auf der Scheibe Form annimmt"), ("Klettern", "die Konzentration an der Felswand"),
    ],
    "events": [
        "ich bin vor Kurzem Opa geworden", "ich habe nach zwanzig Jahren meinen Job gekündigt",
        "wir sind gerade in eine neue Wohnung gezogen", "ich laufe im Herbst meinen ersten Marathon",
        "meine Tochter hat gerade ihr Abitur bestanden", "ich übernehme bald den Betrieb meiner Eltern",
        "ich habe mich endlich für ein Fernstudium eingeschrieben", "ich gehe nächstes Jahr in Rente",
    ],
    "media": [
        ("einen Blog", "dein Blog", "deine Leserinnen und Leser", "einem einzigen Beitrag"),
        ("einen Podcast", "dein Podcast", "deine Hörerinnen und Hörer", "einer einzigen Folge"),
        ("einen YouTube-Kanal", "dein Kanal", "deine Zuschauer", "einem einzigen Video"),
        ("einen Newsletter", "dein Newsletter", "deine Abonnenten", "einer einzigen Ausgabe"),
        ("einen Kurs an der Volkshochschule", "dein Kurs", "deine Teilnehmenden", "einer einzigen Kursstunde"),
        ("eine kleine Fotoausstellung", "deine Ausstellung", "deine Besucherinnen und Besucher", "einem einzigen Bild"),
    ],
    "fields": {
        "science": ("die Naturwissenschaft", "Experimente"), "life": ("die Biologie", "Beobachtungen"),
        "computing": ("die Mathematik", "Berechnungen"), "invention": ("die Technik", "Versuche"),
        "art": ("die Kunst", "Skizzen"), "design": ("die Gestaltung", "Entwürfe"),
        "music": ("die Musik", "Übungsstunden"), "writing": ("die Literatur", "Manuskripte"),
        "exploration": ("die Entdeckung der Welt", "Expeditionen"), "sports": ("die Welt des Sports", "Trainingseinheiten"),
        "leadership": ("die Arbeit für eine gerechtere Gesellschaft", "Gespräche mit Menschen"),
        "philosophy": ("die Philosophie", "Gespräche"), "performance": ("die Schauspielkunst", "Proben"),
    },
    "personas": [
        "Ich bin {job} in {city} und esse am liebsten {food}. In meiner Freizeit dreht sich alles um {hobby1}, und seit Kurzem probiere ich {hobby2} aus. {event_cap}.",
        "Ich lebe in {city} und arbeite als {job}. Meine große Leidenschaft ist {hobby1}, aber auch {hobby2} begeistert mich. {event_cap}.",
        "Als {job} in {city} habe ich selten Zeit für mich. Wenn doch, gehört sie {hobby1} und {hobby2}. Sonntags gibt es bei uns {food}.",
    ],
    "opener": (
        ["Guten Tag, {name}! Ich bin {job} in {city} und bewundere Sie schon lange. Wie sind Sie eigentlich zu Ihrem Lebenswerk gekommen?",
         "Was für eine Ehre, {name}! Ich arbeite als {job} in {city}. Was bedeutet {field} für Sie?"],
        ["Danke, das freut mich sehr. Am Anfang war es reine Neugier, aber durch die vielen {practice} wurde {field} zu meinem Leben.",
         "Schön, dich kennenzulernen! {field_cap} war für mich immer wie Atmen, und alles begann mit der täglichen Arbeit. Als {job} in {city} brauchst du bestimmt dieselbe Ausdauer."],
    ),
    "moves": {
        "hobby2": (
            ["Neben der Arbeit habe ich {hobby2} für mich entdeckt. Besonders liebe ich {detail2}. Glauben Sie, dass so etwas einen Sinn hat?",
             "Lachen Sie nicht, aber nichts entspannt mich so sehr wie {hobby2}. Glauben Sie, dass so ein kleines Hobby einen Sinn hat?"],
            ["Natürlich hat es einen Sinn! Wer {detail2} zu schätzen weiß, kennt die Geduld, die ich für meine {practice} gebraucht habe. Bleib unbedingt dabei.",
             "Sehr sogar. {hobby2_cap} lehrt dich Geduld, und Geduld ist alles. Mir haben meine {practice} auf dieselbe Weise Ruhe geschenkt."]),
        "job": (
            ["Als {job} ist es nicht immer leicht. Ehrlich gesagt: {struggle}. Wie haben Sie in schweren Zeiten durchgehalten?",
             "In letzter Zeit ist es hart, denn {struggle}. Manchmal möchte ich einfach aufgeben. Kennen Sie dieses Gefühl?"],
            ["Ich kenne das gut. Auf meinem Weg gab es viel mehr Rückschläge als Erfolge. Wenn ich nicht mehr konnte, habe ich mir die einfachsten {practice} vorgenommen und so Schritt für Schritt Vertrauen zurückgewonnen.",
             "Das kenne ich nur zu gut. Achte zuerst auf dich selbst. Und such dir eine kleine Sache, die du jeden Tag tun kannst; für mich waren das meine {practice}."]),
        "city": (
            ["Wenn Sie einmal nach {city} kommen, zeige ich Ihnen {spot} und lade Sie auf {food} ein!",
             "In {city} muss man unbedingt {food} probieren. Hätten Sie Lust darauf?"],
            ["Darauf freue ich mich! In einer fremden Stadt schaue ich am liebsten zu, wie die Menschen leben. {spot_cap} und {food} merke ich mir.",
             "Sehr gern! Gutes Essen ist wie ein gutes Werk: Es trägt die Seele eines Ortes in sich."]),
        "event": (
            ["Darf ich Ihnen etwas erzählen? {event_cap}. Ich freue mich, aber ich bin auch ein bisschen nervös.",
             "Bei mir hat sich viel verändert: {event}. Manchmal weiß ich nicht, ob ich dem gewachsen bin."],
            ["Herzlichen Glückwunsch! Es ist ganz natürlich, an einem Wendepunkt nervös zu sein. Auch ich habe das Wichtigste immer in Zeiten des Wandels gelernt.",
             "Du schaffst das, da bin ich sicher. Große Veränderungen sind wie meine {practice}: Man lernt sie nur, indem man sie wagt."]),
    },
    "finals": {
        "project": (
            ["Ich überlege, {medium_acc} über {topic} zu starten. Wie kann ich die Menschen wirklich berühren?",
             "Ich möchte {medium_acc} nur über {topic} machen, aber ich habe Angst, dass sich niemand dafür interessiert. Was raten Sie mir?"],
            ["Eine wunderbare Idee! Schreib zuerst über das, was dich selbst bewegt, zum Beispiel {detail}. So wie ich meine {practice} Tag für Tag fortgesetzt habe, wird {medium_nom} Stück für Stück wachsen, und {audience} werden deine Leidenschaft spüren.",
             "Fang einfach an. Als ich anfing, glaubte kaum jemand an mich. Fang mit {unit} an und zeig ehrlich, was dich an {topic} begeistert, etwa {detail}.",
             "Ich würde mit {detail} beginnen. {topic_cap} ist nicht nur eine Technik, sondern eine Lebenshaltung. Wenn du auch deinen Alltag in {city} einfließen lässt, wird {medium_nom} einzigartig."]),
        "job_advice": (
            ["Wenn Sie an meiner Stelle als {job} arbeiten würden, was würden Sie als Erstes ändern?",
             "Was raten Sie mir als {job}, wenn sich jeder Tag gleich anfühlt?"],
            ["Ich würde mir zuerst jeden Tag eine Stunde nur für mich nehmen, gern für {hobby1}. Mich haben meine {practice} durch die schwersten Zeiten getragen. Was dich heute belastet, bleibt nicht für immer.",
             "Unterschätze die kleinen Schritte nicht. Echter Fortschritt wächst oft im Verborgenen, das hat mich {field} gelehrt. Schreib einmal pro Woche auf, was dir gelungen ist, und du wirst staunen, wie weit du gekommen bist.",
             "Versuch, den Blickwinkel zu ändern. Die Menschen, die dir als {job} begegnen, sind Lernstoff, so wie es für mich meine {practice} waren. Auch im Alltag von {city} wartet noch viel Neues auf dich."]),
        "city_visit": (
            ["Wenn Sie einen Tag in {city} verbringen könnten, was würden Sie tun?",
             "Was würden Sie sich in {city} als Erstes ansehen?"],
            ["Zuerst würde ich {spot} besuchen und einfach still beobachten, so wie ich es mein Leben lang getan habe. Dann unbedingt {food}! Und zum Schluss würde ich gern mit dir {hobby1} ausprobieren.",
             "Ich würde {food} essen und mit den Leuten ins Gespräch kommen, denn so lernt man eine Stadt am schnellsten kennen. Abends würde ich mir {spot} ansehen."]),
        "hobby_link": (
            ["Glauben Sie, dass {hobby1} und {field} etwas gemeinsam haben?",
             "Kann man durch {hobby1} etwas über Ihre Arbeit lernen?"],
            ["Sehr viel sogar. Die Aufmerksamkeit, die {detail1} verlangt, ist dieselbe, die ich für meine {practice} gebraucht habe. Wer mit Ernst bei der Sache ist, wächst auf jedem Weg.",
             "Auf jeden Fall. Bei beiden gibt es keine Abkürzungen; kleine tägliche Schritte formen am Ende etwas Großes. Die Geduld, die du dabei lernst, hilft dir sicher auch als {job}."]),
    },
}
