"""Sentence templates of the offline rule-based teacher (``remid.llm.rules``), one set per language.

Slots: ``name`` (the character as the dialogue names them), ``field`` and ``practice`` (their field
and daily practice, in the language: a plural noun in German/Spanish, a gerund phrase in English),
``job``, ``interest``, ``interest2`` (the user's job and hobbies, in the language), ``persona`` (a
persona sentence, in the user's voice), ``focus`` (the topic a context seed points at), ``topic``
(the last query's words, for rejections); English also has ``known_for``, ``home`` and ``trait``.
``*_cap`` is the slot capitalised. Korean particles are written ``(을)``, ``(은)``, ... and resolved
after formatting. Each ``dialogue`` entry is ``(user query variants, agent response variants)`` of
one round, ``topics`` the three table 22 step-1 possibilities, ``rejection`` generic replies.
"""

from __future__ import annotations

TEXT: dict[str, dict] = {
    "english": {
        "fallback": {"job": "someone with a busy life", "practice": "working at my craft every day",
                     "topic": "this"},
        "topics": [
            "The user, {job}, opens by asking {name} about {known_for}; midway they ask how {interest} connects "
            "to {field}; {name} answers in a {trait} way, drawing on {practice}.",
            "The user shares their love of {interest2} and asks whether a pastime like that matters; {name} links "
            "it to {practice} and keeps the talk going by asking about the user's own days.",
            "The user talks about the hard parts of being {job} and asks how {name} kept going; {name} draws on "
            "{field} and suggests {interest} as a steady anchor.",
        ],
        "dialogue": [
            (["Hi {name}! {persona} I've always admired {known_for}. How did it all begin for you?",
              "Hello {name}, what an honor. {persona} What first drew you to {field}?"],
             ["Thank you. {known_for_cap} grew out of years of {practice}, back in {home}. Your work as {job} "
              "must ask for the same persistence.",
              "{field_cap} chose me as much as I chose it; I spent my early days {practice}. I imagine being {job} "
              "has its own hidden years too."]),
            (["Lately I keep thinking about {focus}. What would you make of it?",
              "Can I ask you something about {focus}? It has been on my mind all week."],
             ["I would look at {focus} the way I looked at {field}: closely and without hurry. Someone who loves "
              "{interest} already knows how to do that.",
              "{focus_cap} deserves patience. I was always {trait} about my own work, and your love of {interest} "
              "tells me you can be too."]),
            (["Do you think {interest2} has anything in common with {field}?",
              "My newest obsession is {interest2}. Is a hobby like that worth anything to someone like you?"],
             ["More than you'd think. {interest2_cap} asks for the same attention I gave to {practice}. Hold on "
              "to it.",
              "Enormously. Nobody gets good at {field} without small daily efforts, and {interest2} teaches exactly "
              "that."]),
            (["Knowing I'm {job} who loves {interest}, what would you advise me to do next, {name}?",
              "If you were {job} like me, with a soft spot for {interest}, what would you change first?"],
             ["Start small: give {interest} one quiet hour a day, the way I kept {practice}. As {job} you already "
              "know hard work, and {field} taught me that patient effort adds up.",
              "I would protect time for {interest} before anything else. When {known_for} seemed far away, it was "
              "{practice} that kept me whole; as {job}, find your own steady practice."]),
        ],
        "rejection": [
            "That's a good question about {topic}. It really depends on the situation, but taking things one step "
            "at a time usually helps. What do you think?",
            "Thanks for asking. When it comes to {topic}, there is no single answer; most people find their own "
            "way with a little patience.",
        ],
    },
    "german": {
        "fallback": {"job": "jemand mit vollem Alltag", "practice": "Arbeiten", "topic": "dieses Thema"},
        "topics": [
            "Die Person ({job}) beginnt mit einer Frage an {name} über {field}; später fragt sie, ob {interest} "
            "und {field} etwas gemeinsam haben, und {name} antwortet mit Beispielen aus den eigenen {practice}.",
            "Die Person erzählt von {interest2} und fragt, ob so ein Hobby einen Sinn hat; {name} vergleicht es mit "
            "den eigenen {practice} und hält das Gespräch mit einer Gegenfrage in Gang.",
            "Die Person spricht über den Alltag als {job} und fragt, wie {name} schwere Zeiten überstanden hat; "
            "{name} erzählt, wie {field} durch schwere Zeiten getragen hat, und empfiehlt {interest} als Halt.",
        ],
        "dialogue": [
            (["Guten Tag, {name}! {persona} Was bedeutet {field} für Sie?"],
             ["Schön, dich kennenzulernen! {field_cap} war für mich immer wie Atmen, und alles begann mit der "
              "täglichen Arbeit: {practice}, immer wieder. Als {job} brauchst du bestimmt dieselbe Ausdauer."]),
            (["In letzter Zeit denke ich viel über {focus} nach. Was halten Sie davon?"],
             ["Ich würde {focus} so betrachten, wie ich {field} betrachtet habe: genau und geduldig. Wer {interest} "
              "liebt, kann das schon."]),
            (["Glauben Sie, dass {interest2} und {field} etwas gemeinsam haben?"],
             ["Sehr viel sogar. {interest2_cap} verlangt dieselbe Geduld, die ich für meine {practice} gebraucht "
              "habe. Bleib unbedingt dabei."]),
            (["Ich arbeite als {job} und liebe {interest}. Was würden Sie mir an meiner Stelle raten, {name}?"],
             ["Nimm dir jeden Tag eine Stunde nur für {interest}, so wie ich meine {practice} nie aufgegeben habe. "
              "Als {job} weißt du, was Ausdauer heißt, und {field} hat mich gelehrt, dass kleine Schritte am Ende "
              "etwas Großes formen."]),
        ],
        "rejection": [
            "Das ist eine gute Frage zu {topic}. Es kommt auf die Situation an, aber Schritt für Schritt vorzugehen "
            "hilft meistens. Was meinen Sie?",
            "Danke für die Frage. Bei {topic} gibt es keine einfache Antwort; mit etwas Geduld findet jeder seinen "
            "Weg.",
        ],
    },
    "spanish": {
        "fallback": {"job": "alguien con una vida ocupada", "practice": "trabajos", "topic": "este tema"},
        "topics": [
            "La persona ({job}) abre la conversación preguntando a {name} por {field}; después pregunta qué tiene "
            "en común {interest} con {field}, y {name} responde con ejemplos de sus {practice}.",
            "La persona cuenta cuánto le gusta {interest2} y pregunta si una afición así tiene sentido; {name} la "
            "compara con sus {practice} y mantiene viva la charla con una pregunta.",
            "La persona cuenta lo duro que es ser {job} y pregunta cómo {name} superó los malos momentos; {name} "
            "responde desde su experiencia en {field} y le recomienda {interest} como apoyo.",
        ],
        "dialogue": [
            (["¡Buenas tardes, {name}! {persona} ¿Qué significa {field} para usted?"],
             ["Encantado de conocerte. {field_cap} siempre fue para mí como respirar, y todo empezó con mis "
              "{practice}. Como {job}, seguro que necesitas la misma constancia."]),
            (["Últimamente pienso mucho en {focus}. ¿Qué opina usted?"],
             ["Yo miraría {focus} como miré {field}: con calma y atención. Quien ama {interest} ya sabe hacerlo."]),
            (["¿Cree que {interest2} y {field} tienen algo en común?"],
             ["Muchísimo. {interest2_cap} exige la misma paciencia que yo necesitaba para mis {practice}. No lo "
              "dejes."]),
            (["Trabajo como {job} y me encanta {interest}. ¿Qué me aconsejaría en mi lugar, {name}?"],
             ["Dedica cada día una hora solo a {interest}, igual que yo nunca abandoné mis {practice}. Como {job} "
              "ya sabes lo que es la constancia, y {field} me enseñó que los pequeños pasos acaban formando algo "
              "grande."]),
        ],
        "rejection": [
            "Es una buena pregunta sobre {topic}. Depende de la situación, pero ir paso a paso suele ayudar. "
            "¿Usted qué opina?",
            "Gracias por preguntar. Sobre {topic} no hay una sola respuesta; con un poco de paciencia cada uno "
            "encuentra su camino.",
        ],
    },
    "chinese": {
        "fallback": {"job": "一个忙碌的人", "practice": "工作", "topic": "这件事"},
        "topics": [
            "用户（{job}）先问{name}是怎么走上{field}这条路的；中途问{interest}和{field}有什么相通之处；{name}用自己"
            "{practice}的经历回答。",
            "用户聊起自己对{interest2}的热爱，问这样的爱好有没有意义；{name}把它和自己的{practice}联系起来，并反问用户，"
            "让对话继续。",
            "用户说起做{job}的辛苦，问{name}是怎么坚持下来的；{name}结合{field}的经历，建议把{interest}当作生活的支点。",
        ],
        "dialogue": [
            (["{name}您好！{persona}能说说{field}最吸引您的是什么吗？"],
             ["很高兴认识你。{field}对我来说就像呼吸一样自然，一切都从日复一日的{practice}开始。作为{job}，你一定也需要"
              "这种耐心。"]),
            (["最近我常常在想{focus}的事。您怎么看？"],
             ["我会像当年对待{field}那样看待{focus}：仔细、耐心。喜欢{interest}的人，其实早就懂得这一点。"]),
            (["您觉得{interest2}和{field}有相通的地方吗？"],
             ["关系很大。{interest2}需要的专注，和我投入{practice}时一模一样。请一定坚持下去。"]),
            (["我是一名{job}，很喜欢{interest}。如果您是我，{name}，您会怎么做？"],
             ["每天给{interest}留出一点时间，就像我从没放弃过{practice}一样。作为{job}，你已经懂得坚持；{field}也教会我，"
              "每天的一点点积累最终会变成了不起的东西。"]),
        ],
        "rejection": [
            "关于{topic}，这是个好问题。具体要看情况，不过一步一步来通常会有帮助。你怎么看？",
            "谢谢你的提问。{topic}没有标准答案，大多数人只要多一点耐心，都能找到自己的办法。",
        ],
    },
    "japanese": {
        "fallback": {"job": "忙しい毎日を送る人", "practice": "仕事", "topic": "このこと"},
        "topics": [
            "ユーザー（{job}）は、{name}さんが{field}の道に進んだきっかけを尋ねて会話を始め、途中で{interest}と{field}の"
            "共通点を聞く。{name}さんは自分の{practice}の経験から答える。",
            "ユーザーは{interest2}への思いを語り、こういう趣味に意味があるか尋ねる。{name}さんは自分の{practice}と"
            "重ねて答え、問い返して会話を続ける。",
            "ユーザーは{job}の仕事のつらさを話し、{name}さんがどうやって乗り越えたかを尋ねる。{name}さんは{field}での"
            "経験をもとに、{interest}を心の支えにするよう勧める。",
        ],
        "dialogue": [
            (["{name}さん、はじめまして！{persona}{field}の世界に入ったきっかけを教えていただけますか？"],
             ["はじめまして。最初はただの好奇心でしたが、{practice}を重ねるうちに{field}が人生になりました。{job}の"
              "お仕事にも、きっと同じ粘り強さが必要でしょうね。"]),
            (["最近、{focus}のことをよく考えます。{name}さんはどう思いますか？"],
             ["私なら、{field}に向き合ったときのように、{focus}をじっくり見つめます。{interest}が好きなあなたなら、"
              "もうそのやり方を知っているはずです。"]),
            (["{interest2}と{field}には共通点があると思いますか？"],
             ["大いにあります。{interest2}に必要な集中は、私が{practice}に打ち込んでいたときと同じです。ぜひ続けて"
              "ください。"]),
            (["私は{job}として働いていて、{interest}が大好きです。{name}さんが私の立場なら、どうしますか？"],
             ["毎日少しでも{interest}の時間を作ってください。私が{practice}を決してやめなかったように。{job}として、"
              "あなたはもう続けることの大切さを知っています。{field}が教えてくれたのは、小さな積み重ねがやがて大きな"
              "形になるということです。"]),
        ],
        "rejection": [
            "{topic}についてはいい質問ですね。状況によりますが、一歩ずつ進めるとたいていうまくいきます。どう思いますか？",
            "ご質問ありがとうございます。{topic}に決まった答えはありませんが、少し気長に構えれば、自分なりのやり方が"
            "見つかります。",
        ],
    },
    "korean": {
        "fallback": {"job": "바쁘게 사는 사람", "practice": "일", "topic": "이 일"},
        "topics": [
            "사용자({job})는 {name} 님에게 {field}의 길을 걷게 된 계기를 물으며 대화를 시작하고, 중간에 {interest}(와) "
            "{field}의 공통점을 묻는다. {name} 님은 자신의 {practice} 경험으로 답한다.",
            "사용자는 {interest2}에 대한 애정을 이야기하며 이런 취미에도 의미가 있는지 묻는다. {name} 님은 자신의 "
            "{practice}(와) 연결해 답하고, 되물으며 대화를 이어 간다.",
            "사용자는 {job}(으로) 일하는 어려움을 털어놓고 {name} 님이 어떻게 버텼는지 묻는다. {name} 님은 {field}에서의 "
            "경험을 바탕으로 {interest}(을) 마음의 버팀목으로 삼으라고 권한다.",
        ],
        "dialogue": [
            (["{name} 님, 안녕하세요! {persona} {field}의 길을 걷게 된 계기가 궁금해요."],
             ["만나서 반가워요. 저에게 {field}(은) 숨 쉬는 것과 같았고, 모든 건 매일의 {practice}에서 시작됐어요. "
              "{job}(으로)서 당신에게도 그런 끈기가 필요하겠지요."]),
            (["요즘 {focus}에 대해 자주 생각해요. {name} 님은 어떻게 생각하세요?"],
             ["저라면 {field}(을) 대하던 것처럼 {focus}(을) 천천히 들여다보겠어요. {interest}(을) 좋아하는 당신은 이미 "
              "그 방법을 알고 있어요."]),
            (["{interest2}(와) {field}에는 어떤 공통점이 있다고 생각하세요?"],
             ["물론 있어요. {interest2}에 필요한 집중은 제가 {practice}에 몰두할 때와 똑같아요. 꼭 계속하세요."]),
            (["저는 {job}(으로) 일하고 있고 {interest}(을) 정말 좋아해요. {name} 님이 제 입장이라면 어떻게 하시겠어요?"],
             ["하루에 조금이라도 {interest}(을) 위한 시간을 만드세요. 제가 {practice}(을) 한 번도 놓지 않았던 것처럼요. "
              "{job}(으로)서 당신은 이미 꾸준함을 알고 있어요. {field}에서 배운 건, 작은 쌓임이 결국 큰 모양을 만든다는 "
              "거예요."]),
        ],
        "rejection": [
            "{topic}에 대해 좋은 질문이네요. 상황에 따라 다르지만, 한 걸음씩 나아가면 대체로 도움이 돼요. 어떻게 "
            "생각하세요?",
            "질문해 줘서 고마워요. {topic}에는 정해진 답이 없지만, 조금만 여유를 가지면 누구나 자기 길을 찾게 돼요.",
        ],
    },
}
