"""Spanish user-shift pools (slots: see ``remid.tiny.pools``)."""

from __future__ import annotations

SPANISH = {
    "local_names": None,
    "cities": [
        ("Sevilla", "la Giralda", "el salmorejo"), ("Valencia", "la Ciudad de las Artes y las Ciencias", "la paella"),
        ("Madrid", "el Retiro", "el cocido madrileño"), ("Barcelona", "el barrio Gótico", "el pan con tomate"),
        ("Bilbao", "el Guggenheim", "los pintxos"), ("Granada", "la Alhambra", "las tapas del Albaicín"),
        ("Ciudad de México", "el Zócalo", "los tacos al pastor"), ("Buenos Aires", "el barrio de La Boca", "las empanadas"),
        ("Oaxaca", "el mercado Benito Juárez", "el mole negro"), ("Bogotá", "La Candelaria", "el ajiaco"),
        ("Lima", "el Malecón de Miraflores", "el ceviche"),
    ],
    "jobs": [
        ("maestra de primaria", "corrijo exámenes hasta medianoche casi todos los días"),
        ("enfermero", "los turnos de noche me dejan sin fuerzas"),
        ("programadora", "antes de cada entrega trabajo hasta la madrugada"),
        ("camarero en un bar de tapas", "los fines de semana no paro ni un minuto"),
        ("agricultor de olivos", "una sola sequía puede arruinar la cosecha de todo el año"),
        ("estudiante de doctorado", "mi tesis no avanza como esperaba"),
        ("taxista", "paso diez horas al día atrapado en el tráfico"),
        ("dueña de una panadería", "me levanto a las cuatro y los costes no dejan de subir"),
        ("funcionaria del ayuntamiento", "el trabajo se vuelve muy monótono"),
        ("guía turístico", "repito las mismas explicaciones cada día y pierdo la ilusión"),
    ],
    "hobbies": [
        ("el flamenco", "el momento en que la guitarra y el zapateado se encuentran"),
        ("el senderismo", "el silencio en la cima de la montaña"),
        ("la fotografía", "la luz de la tarde en las calles antiguas"),
        ("la cocina", "el aroma de un sofrito bien hecho"),
        ("el fútbol", "la emoción del partido del domingo con los amigos"),
        ("el ajedrez", "la tensión antes de una jugada decisiva"),
        ("la jardinería", "el primer tomate maduro del verano"),
        ("la guitarra", "una tarde tocando con la ventana abierta"),
        ("el ciclismo", "cada ruta larga junto al mar"),
        ("la cerámica", "el instante en que el barro toma forma en el torno"),
        ("la salsa", "la energía de bailar en pareja"),
        ("la lectura", "una noche tranquila con una buena novela"),
    ],
    "events": [
        "acabo de ser abuela", "me mudé hace poco a otra ciudad", "voy a correr mi primer maratón en otoño",
        "mi hija acaba de entrar en la universidad", "dejé mi trabajo de toda la vida para emprender",
        "me caso el próximo verano", "voy a jubilarme el año que viene",
        "estoy aprendiendo inglés para trabajar en el extranjero",
    ],
    "media": [
        ("un blog", "tu blog", "tus lectores", "una sola entrada"),
        ("un pódcast", "tu pódcast", "tus oyentes", "un solo episodio"),
        ("un canal de YouTube", "tu canal", "tus espectadores", "un solo vídeo"),
        ("un boletín por correo", "tu boletín", "tus suscriptores", "un solo número"),
        ("un taller en el centro cultural del barrio", "tu taller", "tus participantes", "una sola sesión"),
        ("una pequeña exposición de fotos", "tu exposición", "tus visitantes", "una sola foto"),
    ],
    "fields": {
        "science": ("la ciencia", "experimentos"), "life": ("la biología", "observaciones"),
        "computing": ("la matemática", "cálculos"), "invention": ("la invención", "prototipos"),
        "art": ("el arte", "bocetos"), "design": ("el diseño", "diseños"),
        "music": ("la música", "ensayos"), "writing": ("la literatura", "manuscritos"),
        "exploration": ("la exploración", "expediciones"), "sports": ("el deporte", "entrenamientos"),
        "leadership": ("la lucha por la justicia", "conversaciones con la gente"),
        "philosophy": ("la filosofía", "diálogos"), "performance": ("la actuación", "ensayos"),
    },
    "personas": [
        "Soy {job} en {city} y mi comida favorita es {food}. En mi tiempo libre me encanta {hobby1}, y últimamente también {hobby2}. {event_cap}.",
        "Vivo en {city}, donde trabajo como {job}. Mi gran pasión es {hobby1}, aunque {hobby2} también me llena. {event_cap}.",
        "Trabajo como {job} y casi no tengo tiempo libre, pero los domingos son sagrados: familia, {food}, {hobby1} y, si queda tiempo, {hobby2}. Vivo en {city}.",
    ],
    "opener": (
        ["¡Buenas tardes, {name}! Soy {job} en {city} y le admiro desde hace años. ¿Cómo empezó todo para usted?",
         "¡Qué honor hablar con usted, {name}! Trabajo como {job} en {city}. ¿Qué significa para usted {field}?"],
        ["Gracias, me alegra mucho. Al principio fue pura curiosidad, pero a fuerza de {practice}, {field} se convirtió en mi vida.",
         "¡Un placer conocerte! Para mí, {field} siempre fue como respirar, y todo empezó con el trabajo de cada día. Como {job} en {city}, seguro que tú también necesitas esa constancia."],
    ),
    "moves": {
        "hobby2": (
            ["Fuera del trabajo, me apasiona {hobby2}. Lo que más me gusta es {detail2}. ¿Cree que algo así tiene sentido?",
             "No se ría, pero nada me relaja tanto como {hobby2}. ¿Cree que una afición tan pequeña tiene sentido?"],
            ["¡Claro que tiene sentido! Quien sabe apreciar {detail2} conoce la paciencia que yo necesité para mis {practice}. No lo dejes.",
             "Muchísimo. {hobby2_cap} te enseña paciencia, y la paciencia lo es todo. A mí, mis {practice} me dieron esa misma calma."]),
        "job": (
            ["Ser {job} no siempre es fácil. Sinceramente, {struggle}. ¿Cómo aguantó usted en los momentos difíciles?",
             "Últimamente lo paso mal porque {struggle}. A veces quiero rendirme. ¿Conoce esa sensación?"],
            ["Conozco bien esos momentos. En mi camino hubo muchos más fracasos que éxitos. Cuando ya no podía más, volvía a lo más básico, a mis {practice}, y así recuperaba la confianza poco a poco.",
             "Te entiendo perfectamente. Primero cuídate tú. Y busca una pequeña cosa que puedas hacer cada día; para mí eran mis {practice}."]),
        "city": (
            ["Si algún día viene a {city}, le enseño {spot} y le invito a probar {food}.",
             "En {city} hay que probar {food}. ¿Le apetecería?"],
            ["¡Qué ilusión! En una ciudad nueva me gusta observar cómo vive la gente. No olvidaré {spot} ni {food}.",
             "¡Con mucho gusto! La buena comida es como una buena obra: lleva dentro el alma de un lugar."]),
        "event": (
            ["¿Puedo contarle algo? {event_cap}. Estoy feliz, pero también me dan un poco de nervios.",
             "Mi vida está cambiando mucho: {event}. A veces no sé si estaré a la altura."],
            ["¡Enhorabuena! Es natural sentir nervios en un momento de cambio. Yo también aprendí lo más importante en las épocas de transformación.",
             "Podrás con ello, no tengo ninguna duda. Los grandes cambios son como mis {practice}: solo se aprenden atreviéndose."]),
    },
    "finals": {
        "project": (
            ["Estoy pensando en crear {medium_acc} sobre {topic}. ¿Cómo puedo llegar de verdad a la gente?",
             "Quiero hacer {medium_acc} solo sobre {topic}, pero me da miedo que a nadie le interese. ¿Qué me aconseja?"],
            ["¡Qué idea tan bonita! Empieza por lo que a ti te emociona, por ejemplo {detail}. Igual que yo seguí con mis {practice} día tras día, {medium_nom} crecerá poco a poco y {audience} sentirán tu pasión.",
             "Adelante, sin miedo. Cuando empecé, casi nadie creía en mí. Empieza con {unit} y cuenta con honestidad por qué te apasiona {topic}, como {detail}.",
             "Yo empezaría por {detail}. {topic_cap} no es solo una técnica, sino una forma de vivir. Si además incluyes tu día a día en {city}, nadie podrá copiar {medium_nom}."]),
        "job_advice": (
            ["Si usted estuviera en mi lugar como {job}, ¿qué cambiaría primero?",
             "¿Qué me aconseja como {job} cuando todos los días parecen iguales?"],
            ["Primero me reservaría una hora al día solo para mí, quizá para {hobby1}. A mí mis {practice} me sostuvieron en los peores momentos. Lo que hoy te pesa no durará para siempre.",
             "No subestimes los pasos pequeños. {field_cap} me enseñó que el verdadero progreso crece en silencio. Apunta cada semana algo que te haya salido bien y te sorprenderá lo lejos que has llegado.",
             "Intenta cambiar la mirada. Las personas que conoces como {job} son una fuente de aprendizaje, igual que lo fueron para mí mis {practice}. En el día a día de {city} aún te esperan muchas cosas nuevas."]),
        "city_visit": (
            ["Si pudiera pasar un día en {city}, ¿qué haría?",
             "¿Qué sería lo primero que querría ver en {city}?"],
            ["Primero visitaría {spot} y simplemente observaría en silencio, como he hecho toda mi vida. Después, ¡a probar {food}! Y al final me gustaría que me enseñaras {hobby1}.",
             "Probaría {food} y charlaría con la gente del barrio, porque así se conoce una ciudad de verdad. Por la tarde iría a ver {spot}."]),
        "hobby_link": (
            ["¿Cree que {hobby1} y {field} tienen algo en común?",
             "¿Cree que {hobby1} puede enseñarme algo sobre su trabajo?"],
            ["Muchísimo. La atención que exige {detail1} es la misma que yo necesitaba para mis {practice}. Quien se toma en serio lo que ama crece en cualquier camino.",
             "Sin duda. En los dos no hay atajos; los pequeños pasos diarios acaban formando algo grande. La paciencia que te da {hobby1} te ayudará también como {job}."]),
    },
}
