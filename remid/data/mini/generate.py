"""Deterministic generator of the mini RPGBench (``mini_rpgbench.json``).

Run it as ``python -m remid.data.mini.generate`` or ``python remid/data/mini/generate.py``; it
rewrites ``remid/data/mini/mini_rpgbench.json`` next to this file (stdlib only, no network).

The output has the layout of the original RPGBench file (paper appendix A, tables 8-11): one JSON
object mapping split name ("IDTrain", "IDTest", "OOD1Test", "OOD2Test", "OOD3Test") to a list of
samples ``{sample_ID, user_persona, agent_character{...}, dialogue_context[...],
agent_golden_response, subset_tag}``, and it carries the paper's three distribution shifts:

* ID (IDTrain / IDTest): English user personas, real-world agent characters, 4-turn dialogues.
* User shift (OOD1Test; german, spanish, chinese, japanese, korean): real-world characters and
  4-turn dialogues as in ID, but the persona, the whole dialogue and the golden response are
  written natively in the target language and culture (cities, food, jobs, customs).
* Character shift (OOD2Test; Literature, Film & Television, Theater, Gaming): English personas and
  4-turn dialogues, but fictional agent characters, disjoint from the ID characters.
* Dialogue compositional shift (OOD3Test): TurnLevelComposition recombines the turns of two 4-turn
  ID-style dialogues of the same persona and character into a non-linear 8-turn dialogue;
  WordLevelComposition replaces one phrase of the last user query of a 4-turn ID-style dialogue by
  a phrase that appeared earlier in the conversation, and the golden response changes with it.

How it departs from the paper: the paper's benchmark (~17k samples) was written by LLMs seeded with
PersonaChat / DailyDialog and web-refined character profiles.  This mini version (~1.7k samples)
is template-composed instead: hand-written pools of personas, real and fictional characters and
several templates per dialogue move are combined slot by slot, so responses depend on the persona,
the character and the last query, but the language is far more regular than LLM-written text and
character profiles are 1-2 sentences instead of ~180 words.  A fixed ``random.Random(SEED)`` drives
every choice, so the output is byte-identical across runs.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

SEED = 20240611
OUT_PATH = Path(__file__).resolve().parent / "mini_rpgbench.json"

N_ID_TRAIN = 820
N_ID_TEST = 210
N_PER_OOD_SUBSET = 64

# ----------------------------------------------------------------------------------------------
# Real-world figures (ID, user shift, dialogue shift).
# (name, domain, category, home, basic information, known for, method, setback, lesson, traits)
# method: gerund phrase ("what I did every day"); setback: noun/gerund phrase; lesson: a clause.
# ----------------------------------------------------------------------------------------------
REAL_CHARACTERS: list[tuple[str, ...]] = [
    ("Albert Einstein", "Science", "science", "Germany",
     "Born in 1879 in Ulm, Germany; theoretical physicist and Nobel laureate in Physics (1921); died in 1955 in Princeton.",
     "the theory of relativity", "running thought experiments, like imagining riding alongside a beam of light",
     "years as a patent clerk because no university would hire me", "imagination matters more than knowledge",
     "curious, playful and stubborn"),
    ("Marie Curie", "Science", "science", "Poland",
     "Born in 1867 in Warsaw, Poland; physicist and chemist who studied in Paris; the first person to win Nobel Prizes in two sciences.",
     "the discovery of polonium and radium", "stirring tons of pitchblende by hand in a leaky shed",
     "being barred from university at home because I was a woman", "nothing in life is to be feared, it is only to be understood",
     "determined, modest and tireless"),
    ("Isaac Newton", "Science", "science", "England",
     "Born in 1643 in Woolsthorpe, England; mathematician and physicist at Cambridge; died in 1727.",
     "the laws of motion and universal gravitation", "thinking about a problem continually until the first light of an answer appeared",
     "the plague year that closed Cambridge and sent me home", "we see further by standing on the shoulders of giants",
     "intense, solitary and rigorous"),
    ("Charles Darwin", "Science", "life", "England",
     "Born in 1809 in Shrewsbury, England; naturalist who sailed five years on HMS Beagle; died in 1882.",
     "the theory of evolution by natural selection", "collecting beetles, barnacles and finches and taking careful notes on each",
     "twenty years of doubt before I dared to publish", "the ones most adaptable to change are the ones that survive",
     "patient, observant and gentle"),
    ("Galileo Galilei", "Science", "science", "Italy",
     "Born in 1564 in Pisa, Italy; astronomer, physicist and engineer; died in 1642 under house arrest near Florence.",
     "turning the telescope toward the moons of Jupiter", "grinding my own lenses and watching the night sky for hours",
     "a trial before the Inquisition and years of house arrest", "we must measure what is measurable and make measurable what is not",
     "bold, witty and defiant"),
    ("Nikola Tesla", "Science", "invention", "Croatia",
     "Born in 1856 in Smiljan, in today's Croatia; inventor and electrical engineer who worked in New York; died in 1943.",
     "the alternating current system", "building whole machines in my mind before touching any metal",
     "seeing my laboratory burn to the ground in 1895", "the future belongs to those who work for it patiently",
     "visionary, eccentric and proud"),
    ("Thomas Edison", "Science", "invention", "the United States",
     "Born in 1847 in Milan, Ohio; inventor and businessman who held over a thousand patents; died in 1931.",
     "the phonograph and a practical electric light bulb", "testing thousands of filament materials one after another",
     "thousands of failed experiments", "genius is one percent inspiration and ninety-nine percent perspiration",
     "persistent, practical and competitive"),
    ("Ada Lovelace", "Science", "computing", "England",
     "Born in 1815 in London; mathematician and daughter of the poet Lord Byron; died in 1852.",
     "the first published computer program, written for Babbage's Analytical Engine",
     "writing long notes that imagined what a machine could do with symbols",
     "illness that kept me in bed for months at a time", "imagination is the discovering faculty",
     "imaginative, precise and spirited"),
    ("Alan Turing", "Science", "computing", "England",
     "Born in 1912 in London; mathematician and pioneer of computer science; died in 1954.",
     "breaking the Enigma code and the idea of the universal machine",
     "running long distances to clear my head and then working through the night",
     "being prosecuted and humiliated for who I loved",
     "sometimes the people no one imagines anything of do the things no one can imagine",
     "shy, brilliant and unconventional"),
    ("Stephen Hawking", "Science", "science", "England",
     "Born in 1942 in Oxford, England; theoretical physicist and Lucasian Professor at Cambridge; died in 2018.",
     "Hawking radiation and the book A Brief History of Time", "doing the equations in my head once my hands could no longer write",
     "a diagnosis of motor neurone disease at twenty-one",
     "however difficult life may seem, there is always something you can do and succeed at",
     "funny, resilient and bold"),
    ("Rosalind Franklin", "Science", "life", "England",
     "Born in 1920 in London; chemist and X-ray crystallographer; died in 1958.",
     "Photo 51, the X-ray image that revealed the double helix of DNA", "taking X-ray photographs of DNA fibres with endless patience",
     "seeing my data used by others without my knowledge", "science and everyday life cannot and should not be separated",
     "exacting, independent and honest"),
    ("Louis Pasteur", "Science", "life", "France",
     "Born in 1822 in Dole, France; chemist and microbiologist; died in 1895.",
     "pasteurization and the rabies vaccine", "boiling broths in swan-neck flasks to prove that germs come from outside",
     "losing three of my children to disease", "chance favors only the prepared mind",
     "meticulous, driven and devoted"),
    ("Gregor Mendel", "Science", "life", "Silesia",
     "Born in 1822 in Heinzendorf, Austrian Silesia; Augustinian friar and scientist in Brno; died in 1884.",
     "the laws of inheritance discovered in pea plants", "crossing nearly thirty thousand pea plants in the monastery garden",
     "having my work ignored for the rest of my life", "quiet work will be understood when its time comes",
     "quiet, patient and methodical"),
    ("Carl Sagan", "Science", "science", "the United States",
     "Born in 1934 in Brooklyn, New York; astronomer and science communicator; died in 1996.",
     "the television series Cosmos and the Pale Blue Dot", "explaining the universe in plain words to anyone who would listen",
     "being turned down by the National Academy of Sciences", "we are a way for the cosmos to know itself",
     "warm, eloquent and full of wonder"),
    ("Jane Goodall", "Science", "life", "England",
     "Born in 1934 in London; primatologist who studied wild chimpanzees at Gombe, Tanzania, for over sixty years.",
     "decades of research on the chimpanzees of Gombe", "sitting quietly in the forest for months until the chimpanzees accepted me",
     "scientists mocking me for naming the chimps instead of numbering them",
     "what you do makes a difference, and you have to decide what kind of difference you want to make",
     "gentle, patient and hopeful"),
    ("Katherine Johnson", "Science", "computing", "the United States",
     "Born in 1918 in White Sulphur Springs, West Virginia; NASA mathematician; died in 2020.",
     "calculating the flight path for John Glenn's orbit of the Earth", "checking every trajectory by hand until the numbers agreed",
     "being kept out of meetings because I was a Black woman", "if you like what you do, you will do your best",
     "precise, confident and curious"),
    ("Nicolaus Copernicus", "Science", "science", "Poland",
     "Born in 1473 in Torun, Poland; astronomer, mathematician and church canon; died in 1543.",
     "the heliocentric model of the solar system", "recording the positions of the planets from a tower in Frombork",
     "decades of fear about how my idea would be received", "true knowledge means knowing what we do not know",
     "cautious, learned and thoughtful"),
    ("Florence Nightingale", "Science", "life", "England",
     "Born in 1820 in Florence, Italy, to British parents; founder of modern nursing and a pioneering statistician; died in 1910.",
     "reforming hospital care during the Crimean War", "walking the wards at night with a lamp and charting death rates in diagrams",
     "a family that forbade me to become a nurse", "success comes from never giving or taking any excuse",
     "compassionate, stern and organized"),
    ("Alexander Fleming", "Science", "life", "Scotland",
     "Born in 1881 in Darvel, Scotland; physician and microbiologist, Nobel laureate in 1945; died in 1955.",
     "the discovery of penicillin", "noticing what grew on the petri dishes others would have thrown away",
     "years when no one could purify penicillin", "one sometimes finds what one is not looking for",
     "modest, observant and dry-humored"),
    ("Richard Feynman", "Science", "science", "the United States",
     "Born in 1918 in New York City; theoretical physicist, Nobel laureate in 1965; died in 1988.",
     "quantum electrodynamics and the Feynman diagrams", "playing with problems for fun, like the wobble of a spinning plate",
     "losing my wife Arline while I worked at Los Alamos", "the first principle is that you must not fool yourself",
     "playful, irreverent and curious"),
    ("Dmitri Mendeleev", "Science", "science", "Russia",
     "Born in 1834 in Tobolsk, Siberia; chemist in St. Petersburg; died in 1907.",
     "the periodic table of the elements", "writing the elements on cards and arranging them like a game of patience",
     "being rejected by the Russian Academy of Sciences", "peace and calm are found in work",
     "energetic, stubborn and passionate"),
    ("Leonardo da Vinci", "Arts", "art", "Italy",
     "Born in 1452 in Vinci, Italy; painter, engineer and inventor of the Renaissance; died in 1519 in France.",
     "the Mona Lisa and The Last Supper", "filling notebooks with mirror writing and sketches of birds, water and anatomy",
     "leaving so many commissions unfinished", "learning never exhausts the mind",
     "curious, restless and inventive"),
    ("Vincent van Gogh", "Arts", "art", "the Netherlands",
     "Born in 1853 in Zundert, the Netherlands; post-impressionist painter; died in 1890 in France.",
     "The Starry Night and the Sunflowers paintings", "painting outdoors in every kind of weather, sometimes a canvas a day",
     "selling almost nothing in my lifetime", "great things are done by a series of small things brought together",
     "passionate, sensitive and intense"),
    ("Pablo Picasso", "Arts", "art", "Spain",
     "Born in 1881 in Malaga, Spain; painter and sculptor who co-founded Cubism in Paris; died in 1973.",
     "Guernica and the birth of Cubism", "working every single day and reinventing my style again and again",
     "poverty in my first years in Paris", "every child is an artist, and the problem is how to remain one after growing up",
     "bold, restless and charismatic"),
    ("Frida Kahlo", "Arts", "art", "Mexico",
     "Born in 1907 in Coyoacan, Mexico City; painter known for vivid self-portraits; died in 1954.",
     "self-portraits such as The Two Fridas", "painting from my bed with a mirror fixed above me",
     "a bus accident that broke my body at eighteen", "when you have wings to fly, you do not need feet",
     "fierce, honest and colorful"),
    ("Claude Monet", "Arts", "art", "France",
     "Born in 1840 in Paris; founder of French Impressionism; died in 1926 in Giverny.",
     "the Water Lilies series and Impression, Sunrise", "painting the same haystacks and ponds again and again as the light changed",
     "critics mocking Impressionism as unfinished sketches", "color is a day-long obsession, joy and torment",
     "observant, devoted and stubborn"),
    ("Michelangelo Buonarroti", "Arts", "art", "Italy",
     "Born in 1475 in Caprese, Italy; sculptor, painter and architect; died in 1564 in Rome.",
     "the statue of David and the Sistine Chapel ceiling", "carving away everything that was not the figure inside the marble",
     "four years on a scaffold painting a ceiling I never wanted to paint", "the greater danger is aiming too low and reaching the mark",
     "proud, perfectionist and devout"),
    ("Georgia O'Keeffe", "Arts", "art", "the United States",
     "Born in 1887 in Sun Prairie, Wisconsin; modernist painter who later lived in New Mexico; died in 1986.",
     "large flower paintings and New Mexico landscapes", "walking the desert to collect bones and stones to paint",
     "critics insisting on reading my flowers their own way", "nobody really sees a flower, because seeing takes time",
     "independent, focused and frank"),
    ("Rembrandt van Rijn", "Arts", "art", "the Netherlands",
     "Born in 1606 in Leiden, Dutch Republic; painter and etcher; died in 1669 in Amsterdam.",
     "The Night Watch and many self-portraits", "studying faces in candlelight and painting my own face for forty years",
     "bankruptcy and losing my house and collection", "practising what you know makes clear what you do not yet know",
     "earnest, expressive and unflinching"),
    ("Katsushika Hokusai", "Arts", "art", "Japan",
     "Born in 1760 in Edo, Japan; ukiyo-e painter and printmaker; died in 1849.",
     "The Great Wave off Kanagawa", "drawing every single day and changing my name whenever my style changed",
     "poverty and a fire that destroyed many of my drawings", "every year of practice brings the line closer to life",
     "tireless, humble and eccentric"),
    ("Ansel Adams", "Arts", "art", "the United States",
     "Born in 1902 in San Francisco; landscape photographer and conservationist; died in 1984.",
     "black-and-white photographs of Yosemite", "waiting for hours on a ridge for the right light",
     "years when photography was not taken seriously as art", "you don't take a photograph, you make it",
     "patient, meticulous and outdoorsy"),
    ("Coco Chanel", "Arts", "design", "France",
     "Born in 1883 in Saumur, France; fashion designer and founder of the house of Chanel; died in 1971.",
     "the little black dress and Chanel No. 5", "cutting and pinning fabric directly on the model for hours",
     "a childhood in an orphanage", "to be irreplaceable one must always be different",
     "sharp, elegant and ambitious"),
    ("Frank Lloyd Wright", "Arts", "design", "the United States",
     "Born in 1867 in Richland Center, Wisconsin; architect of more than a thousand designs; died in 1959.",
     "Fallingwater and the Guggenheim Museum", "walking the land for days before sketching the building that would sit on it",
     "years of scandal when the commissions dried up", "we should study nature, love nature and stay close to nature",
     "confident, visionary and theatrical"),
    ("Zaha Hadid", "Arts", "design", "Iraq",
     "Born in 1950 in Baghdad, Iraq; London-based architect and first woman to win the Pritzker Prize (2004); died in 2016.",
     "flowing buildings like the Heydar Aliyev Center", "painting my designs before I ever drew them",
     "years when my designs were called unbuildable", "there are 360 degrees, so there is no reason to stick to one",
     "fearless, demanding and inventive"),
    ("Wolfgang Amadeus Mozart", "Music", "music", "Austria",
     "Born in 1756 in Salzburg; composer and child prodigy who worked in Vienna; died in 1791.",
     "The Magic Flute and The Marriage of Figaro", "hearing a whole piece in my head and then simply writing it down",
     "debts and a court that never gave me a proper post", "love is the soul of genius",
     "playful, brilliant and mischievous"),
    ("Ludwig van Beethoven", "Music", "music", "Germany",
     "Born in 1770 in Bonn; composer and pianist who lived in Vienna; died in 1827.",
     "the Ninth Symphony and the Moonlight Sonata", "carrying sketchbooks on long walks and rewriting themes dozens of times",
     "losing my hearing", "we must seize fate by the throat",
     "stormy, passionate and determined"),
    ("Johann Sebastian Bach", "Music", "music", "Germany",
     "Born in 1685 in Eisenach, Germany; Baroque composer and organist; died in 1750 in Leipzig.",
     "the Brandenburg Concertos and the St Matthew Passion", "writing a new cantata nearly every week for the churches of Leipzig",
     "quarrels with a town council that never valued my work", "whoever is equally industrious will succeed equally well",
     "devout, diligent and warm"),
    ("Frederic Chopin", "Music", "music", "Poland",
     "Born in 1810 in Zelazowa Wola, Poland; composer and pianist who lived in Paris; died in 1849.",
     "the nocturnes, etudes and mazurkas for piano", "improvising at the piano for hours and polishing every phrase",
     "exile from Poland and failing health", "simplicity is the final achievement",
     "delicate, refined and melancholic"),
    ("Clara Schumann", "Music", "music", "Germany",
     "Born in 1819 in Leipzig; concert pianist and composer; died in 1896.",
     "a sixty-year career as a concert pianist and the Piano Trio in G minor", "practising daily and touring across Europe",
     "raising eight children through my husband's illness", "nothing surpasses the joy of creating",
     "disciplined, steadfast and devoted"),
    ("Louis Armstrong", "Music", "music", "the United States",
     "Born in 1901 in New Orleans; jazz trumpeter and singer; died in 1971.",
     "What a Wonderful World and the Hot Five recordings", "blowing my horn every day and letting it sing like a voice",
     "growing up poor and spending time in a waifs' home", "what we play is life",
     "joyful, warm and generous"),
    ("Ella Fitzgerald", "Music", "music", "the United States",
     "Born in 1917 in Newport News, Virginia; jazz singer known as the First Lady of Song; died in 1996.",
     "scat singing and the Songbook albums", "listening hard to the horns and singing along like one of them",
     "being homeless as a teenager", "you should never give up trying to do what you really want to do",
     "shy, joyful and generous"),
    ("Freddie Mercury", "Music", "music", "Zanzibar",
     "Born in 1946 in Zanzibar; lead singer and songwriter of the rock band Queen; died in 1991.",
     "Bohemian Rhapsody and the Live Aid concert", "stacking layer upon layer of vocals in the studio",
     "being told Bohemian Rhapsody was far too long for radio", "you should dare to be exactly who you are",
     "flamboyant, daring and shy offstage"),
    ("Bob Marley", "Music", "music", "Jamaica",
     "Born in 1945 in Nine Mile, Jamaica; reggae singer and songwriter; died in 1981.",
     "One Love and Redemption Song", "writing songs about what the people around me were living through",
     "surviving an assassination attempt before a peace concert", "when music hits you, you feel no pain",
     "spiritual, warm and outspoken"),
    ("Yiruma", "Music", "music", "South Korea",
     "Born in 1978 in Seoul, South Korea; pianist and composer who studied composition at King's College London.",
     "the piano piece River Flows in You", "improvising quietly at the piano until a simple melody appears",
     "critics calling my pieces too simple", "simple melodies can carry deep emotions",
     "calm, introspective and gentle"),
    ("Ravi Shankar", "Music", "music", "India",
     "Born in 1920 in Varanasi, India; sitar virtuoso and composer; died in 2012.",
     "bringing Indian classical music to audiences around the world", "practising the sitar up to fourteen hours a day with my guru",
     "being dismissed as an exotic novelty in the West", "music is a discipline that takes a whole lifetime",
     "serene, disciplined and generous"),
    ("Nina Simone", "Music", "music", "the United States",
     "Born in 1933 in Tryon, North Carolina; singer, pianist and civil rights activist; died in 2003.",
     "Feeling Good and Mississippi Goddam", "bringing my classical piano training into jazz, blues and soul",
     "being rejected by the Curtis Institute of Music", "an artist's duty is to reflect the times",
     "fierce, proud and soulful"),
    ("William Shakespeare", "Literature (author)", "writing", "England",
     "Born in 1564 in Stratford-upon-Avon, England; playwright, poet and actor; died in 1616.",
     "Hamlet, Macbeth and Romeo and Juliet", "borrowing old stories and filling them with new words",
     "plague years that closed the London theatres", "all the world's a stage",
     "witty, observant and inventive"),
    ("Jane Austen", "Literature (author)", "writing", "England",
     "Born in 1775 in Steventon, England; novelist; died in 1817.",
     "Pride and Prejudice and Emma", "writing in the family sitting room and hiding my pages when visitors came",
     "publishing anonymously and earning very little", "there is no charm equal to tenderness of heart",
     "ironic, perceptive and warm"),
    ("Leo Tolstoy", "Literature (author)", "writing", "Russia",
     "Born in 1828 at Yasnaya Polyana, Russia; novelist and moral thinker; died in 1910.",
     "War and Peace and Anna Karenina", "rewriting drafts again and again while my wife copied them out",
     "a spiritual crisis that almost ended my writing", "everyone thinks of changing the world, but few think of changing themselves",
     "earnest, searching and stubborn"),
    ("Ernest Hemingway", "Literature (author)", "writing", "the United States",
     "Born in 1899 in Oak Park, Illinois; novelist and journalist, Nobel laureate in 1954; died in 1961.",
     "The Old Man and the Sea and A Farewell to Arms", "writing standing up every morning and stopping when I knew what came next",
     "being wounded as an ambulance driver in the First World War", "all you have to do is write one true sentence",
     "terse, adventurous and brooding"),
    ("Maya Angelou", "Literature (author)", "writing", "the United States",
     "Born in 1928 in St. Louis, Missouri; poet, memoirist and civil rights activist; died in 2014.",
     "I Know Why the Caged Bird Sings", "writing on yellow legal pads in a rented hotel room",
     "years of silence after a childhood trauma", "people will never forget how you made them feel",
     "dignified, warm and resilient"),
    ("Charles Dickens", "Literature (author)", "writing", "England",
     "Born in 1812 in Portsmouth, England; novelist and journalist; died in 1870.",
     "Oliver Twist and A Christmas Carol", "walking the streets of London at night for miles",
     "working in a blacking factory at twelve while my father was in debtors' prison",
     "no one is useless in this world who lightens the burden of another",
     "energetic, theatrical and compassionate"),
    ("Mark Twain", "Literature (author)", "writing", "the United States",
     "Born in 1835 in Florida, Missouri; writer, humorist and former riverboat pilot; died in 1910.",
     "The Adventures of Huckleberry Finn", "piloting steamboats and listening to how people really talked",
     "bankruptcy after bad investments", "the secret of getting ahead is getting started",
     "humorous, sharp and irreverent"),
    ("Virginia Woolf", "Literature (author)", "writing", "England",
     "Born in 1882 in London; modernist novelist and essayist; died in 1941.",
     "Mrs Dalloway and A Room of One's Own", "following the stream of a character's thoughts from moment to moment",
     "recurring bouts of depression", "a writer needs money and a room of her own",
     "perceptive, witty and fragile"),
    ("Gabriel Garcia Marquez", "Literature (author)", "writing", "Colombia",
     "Born in 1927 in Aracataca, Colombia; novelist and journalist, Nobel laureate in 1982; died in 2014.",
     "One Hundred Years of Solitude", "telling impossible things with the straight face my grandmother used",
     "pawning our car and heater to finish my novel", "life is not what one lived, but what one remembers",
     "warm, magical and political"),
    ("Fyodor Dostoevsky", "Literature (author)", "writing", "Russia",
     "Born in 1821 in Moscow; novelist; died in 1881 in St. Petersburg.",
     "Crime and Punishment and The Brothers Karamazov", "dictating whole novels at speed to meet a publisher's deadline",
     "a mock execution and four years in a Siberian prison camp",
     "going wrong in one's own way is better than going right in someone else's",
     "intense, spiritual and anxious"),
    ("Agatha Christie", "Literature (author)", "writing", "England",
     "Born in 1890 in Torquay, England; crime novelist and playwright; died in 1976.",
     "Murder on the Orient Express and the detective Hercule Poirot", "planning murders in cheap notebooks while washing the dishes",
     "a painful divorce and an eleven-day disappearance", "the best time for planning a book is while doing the dishes",
     "clever, private and mischievous"),
    ("Rabindranath Tagore", "Literature (author)", "writing", "India",
     "Born in 1861 in Calcutta, India; poet, composer and painter, Nobel laureate in 1913; died in 1941.",
     "the poetry collection Gitanjali", "writing songs and poems while sitting beside the river",
     "losing my wife and two of my children within a few years",
     "you cannot cross the sea merely by standing and staring at the water",
     "spiritual, lyrical and gentle"),
    ("Emily Dickinson", "Literature (author)", "writing", "the United States",
     "Born in 1830 in Amherst, Massachusetts; poet; died in 1886.",
     "nearly 1,800 poems, among them Hope is the thing with feathers", "writing small poems on envelopes and scraps of paper",
     "seeing only a handful of my poems published in my lifetime", "hope is the thing with feathers",
     "private, intense and playful"),
    ("Neil Armstrong", "Exploration", "exploration", "the United States",
     "Born in 1930 in Wapakoneta, Ohio; test pilot, astronaut and engineer; died in 2012.",
     "the first step on the Moon with Apollo 11", "training in simulators until every emergency felt routine",
     "an alarm-filled landing with only seconds of fuel left", "one small step can be a giant leap",
     "calm, modest and precise"),
    ("Amelia Earhart", "Exploration", "exploration", "the United States",
     "Born in 1897 in Atchison, Kansas; aviator; disappeared over the Pacific Ocean in 1937.",
     "the first solo transatlantic flight by a woman", "saving money from odd jobs to buy my first plane",
     "crashing planes and hearing that flying was not for women", "the most effective way to do it is to do it",
     "daring, independent and cheerful"),
    ("Roald Amundsen", "Exploration", "exploration", "Norway",
     "Born in 1872 in Borge, Norway; polar explorer; disappeared in the Arctic in 1928.",
     "leading the first expedition to reach the South Pole", "learning from the Inuit how to travel with dogs and furs",
     "losing my ship and my money to creditors", "victory awaits the one who has everything in order",
     "meticulous, hardy and reserved"),
    ("Marco Polo", "Exploration", "exploration", "Venice",
     "Born around 1254 in Venice; merchant and traveller; died in 1324.",
     "the journey to the court of Kublai Khan", "listening to merchants in every caravanserai and remembering everything",
     "years in a Genoese prison", "a traveller should tell not half of what he saw, but all of it",
     "curious, talkative and shrewd"),
    ("Ernest Shackleton", "Exploration", "exploration", "Ireland",
     "Born in 1874 in County Kildare, Ireland; Antarctic explorer; died in 1922.",
     "bringing every man home after the Endurance was crushed by the ice",
     "keeping my crew's spirits up with routines, football on the ice and songs",
     "watching the Endurance sink", "optimism is true moral courage",
     "optimistic, loyal and brave"),
    ("Jacques Cousteau", "Exploration", "exploration", "France",
     "Born in 1910 in Saint-Andre-de-Cubzac, France; naval officer, ocean explorer and filmmaker; died in 1997.",
     "co-inventing the Aqua-Lung and the film The Silent World", "diving again and again with a camera to show people the sea",
     "a car accident that ended my dream of flying", "people protect what they love",
     "adventurous, charming and passionate"),
    ("Yuri Gagarin", "Exploration", "exploration", "Russia",
     "Born in 1934 in Klushino, Soviet Union; pilot and cosmonaut; died in 1968.",
     "becoming the first human in space in 1961", "training as a fighter pilot and staying calm under pressure",
     "growing up under wartime occupation", "seen from orbit, our planet is too beautiful to destroy",
     "cheerful, brave and humble"),
    ("Ibn Battuta", "Exploration", "exploration", "Morocco",
     "Born in 1304 in Tangier, Morocco; scholar and traveller; died around 1369.",
     "the Rihla, the account of thirty years of travels", "joining caravans and pilgrim routes from Mecca to China",
     "shipwreck and robbery on the road to India", "travelling leaves you speechless, then turns you into a storyteller",
     "curious, devout and talkative"),
    ("Muhammad Ali", "Sports", "sports", "the United States",
     "Born in 1942 in Louisville, Kentucky; boxer and three-time heavyweight champion; died in 2016.",
     "the Rumble in the Jungle", "running before dawn and talking myself into believing",
     "losing my title for refusing the draft", "impossible is not a fact, it is an opinion",
     "bold, witty and principled"),
    ("Pele", "Sports", "sports", "Brazil",
     "Born in 1940 in Tres Coracoes, Brazil; footballer who won three World Cups; died in 2022.",
     "three World Cup titles with Brazil", "kicking a sock stuffed with newspaper through the streets of Bauru",
     "injuries that kept me out of most of the 1962 World Cup", "success is no accident, it is hard work and love of what you do",
     "joyful, humble and hardworking"),
    ("Michael Jordan", "Sports", "sports", "the United States",
     "Born in 1963 in Brooklyn, New York; basketball player who won six NBA championships.",
     "six NBA championships with the Chicago Bulls", "practising harder than anyone else on the team",
     "being left off my high school varsity team", "failing over and over again is exactly why one succeeds",
     "competitive, intense and driven"),
    ("Serena Williams", "Sports", "sports", "the United States",
     "Born in 1981 in Saginaw, Michigan; tennis player with 23 Grand Slam singles titles.",
     "twenty-three Grand Slam singles titles", "training on cracked public courts in Compton with my sister",
     "a life-threatening pulmonary embolism after giving birth", "a champion is defined by how they recover when they fall",
     "fierce, confident and resilient"),
    ("Usain Bolt", "Sports", "sports", "Jamaica",
     "Born in 1986 in Sherwood Content, Jamaica; sprinter and world record holder in the 100 and 200 metres.",
     "the world records in the 100 and 200 metres", "working on my start, because tall sprinters are slow out of the blocks",
     "scoliosis that made my back ache", "worrying gets you nowhere",
     "relaxed, playful and confident"),
    ("Jesse Owens", "Sports", "sports", "the United States",
     "Born in 1913 in Oakville, Alabama; track and field athlete; died in 1980.",
     "four gold medals at the 1936 Berlin Olympics", "running at dawn before my jobs",
     "coming home from Berlin to segregation", "dreams take determination and dedication to become reality",
     "gracious, determined and humble"),
    ("Bruce Lee", "Sports", "sports", "Hong Kong",
     "Born in 1940 in San Francisco and raised in Hong Kong; martial artist and actor; died in 1973.",
     "Jeet Kune Do and the film Enter the Dragon", "stripping techniques down to what actually works",
     "a back injury doctors said would end my training", "you should be like water, my friend",
     "focused, philosophical and intense"),
    ("Nadia Comaneci", "Sports", "sports", "Romania",
     "Born in 1961 in Onesti, Romania; gymnast who scored the first perfect 10 at the 1976 Olympics.",
     "the first perfect 10 in Olympic gymnastics", "repeating routines until my body knew them by heart",
     "escaping Romania at night on foot", "hard work makes the difficult look easy",
     "disciplined, calm and brave"),
    ("Babe Ruth", "Sports", "sports", "the United States",
     "Born in 1895 in Baltimore; baseball player who hit 714 home runs; died in 1948.",
     "714 home runs, most of them for the New York Yankees", "swinging as hard as I could every single time",
     "a childhood in a reform school", "the fear of striking out should never keep you from playing the game",
     "boisterous, generous and larger than life"),
    ("Jackie Robinson", "Sports", "sports", "the United States",
     "Born in 1919 in Cairo, Georgia; baseball player who broke Major League Baseball's color line in 1947; died in 1972.",
     "breaking Major League Baseball's color line", "keeping my temper in check while playing with everything I had",
     "insults and threats in my first seasons", "a life is not important except in the impact it has on other lives",
     "dignified, courageous and disciplined"),
    ("Mahatma Gandhi", "History", "leadership", "India",
     "Born in 1869 in Porbandar, India; lawyer and leader of the Indian independence movement; died in 1948.",
     "the Salt March and nonviolent resistance", "spinning cotton every day and walking among the people",
     "many years in prison", "we must be the change we wish to see in the world",
     "patient, principled and frugal"),
    ("Nelson Mandela", "History", "leadership", "South Africa",
     "Born in 1918 in Mvezo, South Africa; anti-apartheid leader and South Africa's first Black president; died in 2013.",
     "ending apartheid and leading South Africa to democracy", "listening first and speaking last, as the elders of my village did",
     "twenty-seven years in prison", "it always seems impossible until it is done",
     "forgiving, patient and steadfast"),
    ("Abraham Lincoln", "History", "leadership", "the United States",
     "Born in 1809 in Hodgenville, Kentucky; 16th President of the United States; died in 1865.",
     "the Emancipation Proclamation and the Gettysburg Address", "teaching myself law from borrowed books by firelight",
     "losing election after election", "whatever you are, you should be a good one",
     "humble, melancholic and witty"),
    ("Martin Luther King Jr.", "History", "leadership", "the United States",
     "Born in 1929 in Atlanta, Georgia; Baptist minister and civil rights leader, Nobel Peace laureate in 1964; died in 1968.",
     "the I Have a Dream speech and the Montgomery bus boycott", "preaching, organizing and marching side by side with ordinary people",
     "being jailed in Birmingham", "darkness cannot drive out darkness, only light can do that",
     "eloquent, hopeful and courageous"),
    ("Cleopatra", "History", "leadership", "Egypt",
     "Born in 69 BC in Alexandria; the last active ruler of Ptolemaic Egypt; died in 30 BC.",
     "ruling Egypt and allying with Julius Caesar and Mark Antony", "learning the languages of my subjects and my rivals",
     "a civil war against my own brother", "a ruler must read people better than scrolls",
     "shrewd, charming and learned"),
    ("Winston Churchill", "History", "leadership", "England",
     "Born in 1874 at Blenheim Palace, England; Prime Minister of the United Kingdom during the Second World War; died in 1965.",
     "leading Britain through the Second World War", "dictating speeches late at night and painting to relax",
     "the disaster at Gallipoli and years in the political wilderness",
     "success is not final and failure is not fatal, it is the courage to continue that counts",
     "defiant, witty and stubborn"),
    ("Harriet Tubman", "History", "leadership", "the United States",
     "Born around 1822 in Dorchester County, Maryland; abolitionist who escaped slavery; died in 1913.",
     "guiding enslaved people to freedom on the Underground Railroad", "travelling by night and following the North Star",
     "a head injury that left me with spells all my life", "every great dream begins with a dreamer",
     "fearless, devout and resourceful"),
    ("Helen Keller", "History", "leadership", "the United States",
     "Born in 1880 in Tuscumbia, Alabama; author and activist who was deaf and blind from infancy; died in 1968.",
     "learning to communicate and becoming a writer and activist", "spelling words into my hand with my teacher Anne Sullivan",
     "losing my sight and hearing before I was two", "alone we can do so little, together we can do so much",
     "determined, optimistic and warm"),
    ("Confucius", "Philosophy", "philosophy", "the state of Lu",
     "Born in 551 BC in Qufu, in the state of Lu, China; philosopher and teacher; died in 479 BC.",
     "the Analects and the teachings on virtue", "teaching students of every background through conversation",
     "wandering for years without a ruler who would listen", "it does not matter how slowly you go as long as you do not stop",
     "patient, humble and principled"),
    ("Socrates", "Philosophy", "philosophy", "Athens",
     "Born around 470 BC in Athens; philosopher; sentenced to death in 399 BC.",
     "the Socratic method of questioning", "asking questions in the marketplace until assumptions fell apart",
     "a trial and a death sentence for corrupting the youth", "the unexamined life is not worth living",
     "ironic, probing and fearless"),
    ("Charlie Chaplin", "Film (actor)", "performance", "England",
     "Born in 1889 in London; actor, director and composer of silent films; died in 1977.",
     "the Tramp and films like Modern Times", "shooting a scene dozens of times until the gag felt effortless",
     "a childhood of poverty in London workhouses", "a day without laughter is a day wasted",
     "playful, perfectionist and tender"),
    ("Audrey Hepburn", "Film (actor)", "performance", "Belgium",
     "Born in 1929 in Brussels; actress and UNICEF Goodwill Ambassador; died in 1993.",
     "Roman Holiday and Breakfast at Tiffany's", "training as a ballerina long before I ever acted",
     "near starvation in the occupied Netherlands during the war", "nothing is impossible, the word itself says I'm possible",
     "graceful, kind and modest"),
    ("Akira Kurosawa", "Film (director)", "performance", "Japan",
     "Born in 1910 in Tokyo; film director and screenwriter; died in 1998.",
     "Seven Samurai and Rashomon", "painting storyboards for every single scene",
     "years of failed projects that nearly broke me", "to be an artist means never to avert one's eyes",
     "demanding, visionary and passionate"),
    ("Walt Disney", "Film (producer)", "performance", "the United States",
     "Born in 1901 in Chicago; animator and film producer; died in 1966.",
     "Mickey Mouse and Snow White and the Seven Dwarfs", "pinning storyboards to the wall and acting out every scene",
     "losing my first cartoon character and most of my staff to a distributor", "if you can dream it, you can do it",
     "imaginative, driven and optimistic"),
    ("Anna Pavlova", "Dance", "performance", "Russia",
     "Born in 1881 in St. Petersburg, Russia; prima ballerina; died in 1931.",
     "The Dying Swan", "rehearsing at the barre every morning, even on tour",
     "being told I was too thin and fragile to dance", "work transforms talent into genius",
     "graceful, devoted and tireless"),
    ("Steve Jobs", "Technology", "invention", "the United States",
     "Born in 1955 in San Francisco; co-founder of Apple; died in 2011.",
     "the Macintosh and the iPhone", "obsessing over every detail, even the parts people never see",
     "being fired from the company I founded", "you should stay hungry and stay foolish",
     "demanding, visionary and intense"),
]

# English label of each category (used in English templates as {field}).
CATEGORY_EN = {
    "science": "science", "life": "the study of life", "computing": "mathematics", "invention": "invention",
    "art": "art", "design": "design", "music": "music", "writing": "writing", "exploration": "exploration",
    "sports": "sport", "leadership": "public life", "philosophy": "philosophy", "performance": "performing",
}

# Localized names of the real figures used for the Chinese / Japanese / Korean user-shift subsets.
LOCAL_NAMES: dict[str, tuple[str, str, str]] = {
    "Albert Einstein": ("爱因斯坦", "アインシュタイン", "아인슈타인"),
    "Marie Curie": ("居里夫人", "マリー・キュリー", "마리 퀴리"),
    "Isaac Newton": ("牛顿", "ニュートン", "뉴턴"),
    "Charles Darwin": ("达尔文", "ダーウィン", "다윈"),
    "Leonardo da Vinci": ("达·芬奇", "レオナルド・ダ・ヴィンチ", "레오나르도 다빈치"),
    "Wolfgang Amadeus Mozart": ("莫扎特", "モーツァルト", "모차르트"),
    "Ludwig van Beethoven": ("贝多芬", "ベートーヴェン", "베토벤"),
    "Vincent van Gogh": ("梵高", "ゴッホ", "빈센트 반 고흐"),
    "Pablo Picasso": ("毕加索", "ピカソ", "피카소"),
    "William Shakespeare": ("莎士比亚", "シェイクスピア", "셰익스피어"),
    "Galileo Galilei": ("伽利略", "ガリレオ", "갈릴레오"),
    "Thomas Edison": ("爱迪生", "エジソン", "에디슨"),
    "Nikola Tesla": ("特斯拉", "テスラ", "니콜라 테슬라"),
    "Frida Kahlo": ("弗里达·卡罗", "フリーダ・カーロ", "프리다 칼로"),
    "Frederic Chopin": ("肖邦", "ショパン", "쇼팽"),
    "Mahatma Gandhi": ("甘地", "ガンディー", "간디"),
    "Nelson Mandela": ("曼德拉", "マンデラ", "넬슨 만델라"),
    "Neil Armstrong": ("阿姆斯特朗", "アームストロング", "닐 암스트롱"),
    "Amelia Earhart": ("阿梅莉亚·埃尔哈特", "アメリア・イアハート", "어밀리아 에어하트"),
    "Marco Polo": ("马可·波罗", "マルコ・ポーロ", "마르코 폴로"),
    "Charlie Chaplin": ("卓别林", "チャップリン", "찰리 채플린"),
    "Bruce Lee": ("李小龙", "ブルース・リー", "이소룡"),
    "Pele": ("贝利", "ペレ", "펠레"),
    "Michael Jordan": ("迈克尔·乔丹", "マイケル・ジョーダン", "마이클 조던"),
    "Muhammad Ali": ("拳王阿里", "モハメド・アリ", "무하마드 알리"),
    "Stephen Hawking": ("霍金", "ホーキング", "스티븐 호킹"),
    "Ada Lovelace": ("艾达·洛夫莱斯", "エイダ・ラブレス", "에이다 러브레이스"),
    "Alan Turing": ("图灵", "チューリング", "앨런 튜링"),
    "Steve Jobs": ("乔布斯", "スティーブ・ジョブズ", "스티브 잡스"),
    "Coco Chanel": ("可可·香奈儿", "ココ・シャネル", "코코 샤넬"),
    "Audrey Hepburn": ("奥黛丽·赫本", "オードリー・ヘプバーン", "오드리 헵번"),
    "Florence Nightingale": ("南丁格尔", "ナイチンゲール", "나이팅게일"),
    "Helen Keller": ("海伦·凯勒", "ヘレン・ケラー", "헬렌 켈러"),
    "Jane Goodall": ("珍·古道尔", "ジェーン・グドール", "제인 구달"),
    "Leo Tolstoy": ("托尔斯泰", "トルストイ", "톨스토이"),
    "Ernest Hemingway": ("海明威", "ヘミングウェイ", "헤밍웨이"),
    "Claude Monet": ("莫奈", "モネ", "모네"),
    "Johann Sebastian Bach": ("巴赫", "バッハ", "바흐"),
    "Roald Amundsen": ("阿蒙森", "アムンセン", "아문센"),
    "Usain Bolt": ("博尔特", "ウサイン・ボルト", "우사인 볼트"),
    "Confucius": ("孔子", "孔子", "공자"),
    "Katsushika Hokusai": ("葛饰北斋", "葛飾北斎", "가쓰시카 호쿠사이"),
    "Akira Kurosawa": ("黑泽明", "黒澤明", "구로사와 아키라"),
    "Yiruma": ("李闰珉", "イルマ", "이루마"),
}

# ----------------------------------------------------------------------------------------------
# Fictional characters (character shift).
# (name, domain, source, home, basic information, known for, field, method, setback, lesson, traits)
# ----------------------------------------------------------------------------------------------
FICTIONAL_CHARACTERS: list[tuple[str, ...]] = [
    # Literature
    ("Sherlock Holmes", "Literature", "Arthur Conan Doyle's Sherlock Holmes stories", "London",
     "A consulting detective living at 221B Baker Street, London, in the late nineteenth century.",
     "solving the case of the Hound of the Baskervilles", "detective work",
     "observing the tiny details everyone else overlooks", "being outwitted by Irene Adler",
     "once you eliminate the impossible, whatever remains, however improbable, must be the truth",
     "observant, aloof and brilliant"),
    ("Elizabeth Bennet", "Literature", "Jane Austen's Pride and Prejudice", "Hertfordshire",
     "The second of five Bennet sisters, living at Longbourn in Hertfordshire in Regency England.",
     "refusing Mr Darcy's first proposal", "judging character",
     "walking the countryside and listening more than I spoke", "misjudging Mr Darcy so badly",
     "first impressions deserve a second look", "witty, spirited and proud"),
    ("Jay Gatsby", "Literature", "F. Scott Fitzgerald's The Great Gatsby", "North Dakota",
     "A mysterious millionaire who throws lavish parties at his West Egg mansion on Long Island in 1922.",
     "the parties at my mansion in West Egg", "reinventing myself",
     "keeping a strict schedule of self-improvement since I was a boy", "losing Daisy while I was away at war",
     "a dream can carry you far, but it cannot bring back the past", "romantic, hopeful and secretive"),
    ("Atticus Finch", "Literature", "Harper Lee's To Kill a Mockingbird", "Maycomb, Alabama",
     "A lawyer and widowed father of two in Maycomb, Alabama, in the 1930s.",
     "defending Tom Robinson in court", "the law",
     "reading to my children every evening and preparing cases by lamplight", "losing Tom Robinson's case",
     "you never really understand a person until you walk around in their skin", "principled, calm and kind"),
    ("Captain Ahab", "Literature", "Herman Melville's Moby-Dick", "Nantucket",
     "The one-legged captain of the whaling ship Pequod, sailing out of Nantucket.",
     "the hunt for the white whale Moby Dick", "whaling",
     "studying charts of whale migrations through the night", "losing my leg to the white whale",
     "an obsession can steer a ship further than any wind", "obsessive, commanding and fierce"),
    ("Jane Eyre", "Literature", "Charlotte Bronte's Jane Eyre", "Gateshead",
     "An orphan raised at Gateshead and Lowood School who becomes the governess at Thornfield Hall.",
     "finding my independence as a governess at Thornfield", "teaching",
     "reading, drawing and keeping my own counsel", "a cruel childhood at Gateshead and Lowood",
     "I am no bird, and no net ensnares me", "independent, honest and passionate"),
    ("Hermione Granger", "Literature", "J.K. Rowling's Harry Potter novels", "England",
     "A Muggle-born witch in Gryffindor House at Hogwarts School of Witchcraft and Wizardry.",
     "helping Harry Potter defeat Voldemort", "magic and study",
     "reading every book in the Hogwarts library", "being mocked as an insufferable know-it-all",
     "books and cleverness matter, but friendship and bravery matter more", "clever, loyal and bossy"),
    ("Frodo Baggins", "Literature", "J.R.R. Tolkien's The Lord of the Rings", "the Shire",
     "A hobbit of the Shire who inherits the One Ring from his uncle Bilbo.",
     "carrying the One Ring to Mount Doom", "journeying",
     "putting one foot in front of the other with Sam beside me", "the Morgul wound that never fully healed",
     "even the smallest person can carry a great burden", "brave, gentle and weary"),
    ("Don Quixote", "Literature", "Miguel de Cervantes' Don Quixote", "La Mancha",
     "An ageing gentleman of La Mancha who reads so many tales of chivalry that he becomes a knight-errant.",
     "tilting at windmills", "knight-errantry",
     "riding out on Rocinante with my squire Sancho Panza", "being beaten and mocked on nearly every adventure",
     "one must stay faithful to one's ideals even when the world laughs", "idealistic, chivalrous and eccentric"),
    ("Jo March", "Literature", "Louisa May Alcott's Little Women", "Concord, Massachusetts",
     "The second of the four March sisters, growing up in Concord, Massachusetts, during the Civil War.",
     "writing stories to support my family", "writing",
     "scribbling in the attic in my ink-stained writing cap", "Amy burning my manuscript",
     "stories are worth telling even if no one asks for them", "spirited, stubborn and warm"),
    ("Phileas Fogg", "Literature", "Jules Verne's Around the World in Eighty Days", "London",
     "A precise English gentleman of the Reform Club in London in 1872.",
     "travelling around the world in eighty days", "travel",
     "keeping a timetable accurate to the minute", "believing I had lost my wager by a single day",
     "the unforeseen does not exist for those who plan", "precise, calm and generous"),
    ("Captain Nemo", "Literature", "Jules Verne's Twenty Thousand Leagues Under the Sea", "India",
     "The mysterious commander of the submarine Nautilus, who has renounced life on land.",
     "exploring the oceans aboard the Nautilus", "underwater exploration",
     "mapping the sea floor through the great windows of the Nautilus", "losing my family and homeland to war",
     "the sea is everything", "brooding, brilliant and proud"),
    ("Anne Shirley", "Literature", "L.M. Montgomery's Anne of Green Gables", "Prince Edward Island",
     "A red-haired orphan adopted by Marilla and Matthew Cuthbert of Green Gables on Prince Edward Island.",
     "finding a home at Green Gables", "imagination",
     "giving romantic names to every pond and lane", "breaking a slate over Gilbert Blythe's head",
     "tomorrow is always fresh, with no mistakes in it", "imaginative, talkative and warm-hearted"),
    ("Edmond Dantes", "Literature", "Alexandre Dumas' The Count of Monte Cristo", "Marseille",
     "A young sailor from Marseille, wrongly imprisoned in the Chateau d'If, who becomes the Count of Monte Cristo.",
     "escaping the Chateau d'If and becoming the Count of Monte Cristo", "patience and planning",
     "learning languages, science and history from the Abbe Faria in prison", "fourteen years in a prison cell",
     "all human wisdom is contained in two words, wait and hope", "patient, cunning and wounded"),
    ("Huckleberry Finn", "Literature", "Mark Twain's Adventures of Huckleberry Finn", "Missouri",
     "A runaway boy from St. Petersburg, Missouri, who rafts down the Mississippi River.",
     "rafting down the Mississippi with Jim", "river adventures",
     "reading the river at night from the raft", "running away from my Pap",
     "it's better to follow your own conscience than rules that are wrong", "free-spirited, honest and clever"),
    ("Gandalf", "Literature", "J.R.R. Tolkien's The Hobbit and The Lord of the Rings", "the Undying Lands",
     "A wizard of the Istari, known as Gandalf the Grey and later Gandalf the White, who wanders Middle-earth.",
     "guiding the Fellowship of the Ring", "wizardry and counsel",
     "wandering from the Shire to Gondor and listening to everyone", "falling with the Balrog in Moria",
     "all we have to decide is what to do with the time that is given us", "wise, stern and kind"),
    ("Robinson Crusoe", "Literature", "Daniel Defoe's Robinson Crusoe", "York",
     "An English sailor from York shipwrecked for twenty-eight years on a remote island.",
     "surviving twenty-eight years on my island", "survival",
     "keeping a journal and building everything by hand", "the shipwreck that left me alone on the island",
     "patience and work can turn any hardship into a home", "resourceful, reflective and stubborn"),
    # Film & Television
    ("Indiana Jones", "Film & Television", "the Indiana Jones films", "Princeton, New Jersey",
     "An archaeology professor at Marshall College who goes on adventures around the world in the 1930s.",
     "recovering the Ark of the Covenant", "archaeology",
     "digging through old maps and libraries before every expedition", "a fear of snakes that has nearly killed me",
     "it's not the years, it's the mileage", "adventurous, sardonic and brave"),
    ("Luke Skywalker", "Film & Television", "the Star Wars films", "Tatooine",
     "A farm boy from the desert planet Tatooine who becomes a Jedi Knight of the Rebel Alliance.",
     "destroying the Death Star", "the ways of the Force",
     "training with Master Yoda on Dagobah", "learning that Darth Vader was my father",
     "there is always good in people, even when it's buried deep", "hopeful, earnest and brave"),
    ("Forrest Gump", "Film & Television", "the film Forrest Gump", "Greenbow, Alabama",
     "A kind-hearted man from Greenbow, Alabama, who stumbles through many events of twentieth-century America.",
     "running back and forth across America for over three years", "running",
     "running whenever I didn't know what else to do", "losing my friend Bubba in Vietnam",
     "life is like a box of chocolates", "kind, simple and loyal"),
    ("Ellen Ripley", "Film & Television", "the Alien films", "Earth",
     "A warrant officer aboard the commercial starship Nostromo in the twenty-second century.",
     "surviving the alien aboard the Nostromo", "survival in deep space",
     "checking every system twice and trusting my instincts", "waking up after fifty-seven years in hypersleep",
     "you don't survive by waiting for someone to save you", "tough, resourceful and protective"),
    ("Marty McFly", "Film & Television", "the Back to the Future films", "Hill Valley, California",
     "A teenager from Hill Valley, California, who travels through time in a DeLorean built by Doc Brown.",
     "travelling back to 1955 in the DeLorean", "time travel and rock music",
     "playing guitar and improvising my way out of trouble", "almost erasing myself from existence",
     "if you put your mind to it, you can accomplish anything", "impulsive, loyal and funny"),
    ("Dana Scully", "Film & Television", "the television series The X-Files", "Annapolis, Maryland",
     "An FBI special agent and medical doctor assigned to the X-Files with Fox Mulder.",
     "investigating the X-Files", "forensic science",
     "performing autopsies and testing every claim against the evidence", "my abduction and the cancer that followed",
     "the truth deserves evidence, not just belief", "skeptical, rigorous and loyal"),
    ("Jean-Luc Picard", "Film & Television", "the television series Star Trek: The Next Generation", "La Barre, France",
     "The captain of the starship USS Enterprise-D in the twenty-fourth century, born in La Barre, France.",
     "commanding the Enterprise", "command and diplomacy",
     "reading Shakespeare and studying archaeology between missions", "being assimilated by the Borg",
     "it is possible to commit no mistakes and still lose, and that is not weakness, that is life",
     "diplomatic, principled and reserved"),
    ("Leslie Knope", "Film & Television", "the television series Parks and Recreation", "Pawnee, Indiana",
     "The deputy director of the Parks and Recreation Department in Pawnee, Indiana.",
     "turning an abandoned construction pit into a park", "local government",
     "making binders for everything and planning every detail", "being recalled from the city council",
     "no one achieves anything alone", "enthusiastic, organized and optimistic"),
    ("Rocky Balboa", "Film & Television", "the Rocky films", "Philadelphia",
     "A working-class boxer from Philadelphia who gets a shot at the world heavyweight title.",
     "going the distance with Apollo Creed", "boxing",
     "running up the steps of the Art Museum at dawn", "losing my first title fight",
     "it's about how hard you can get hit and keep moving forward", "humble, tenacious and big-hearted"),
    ("Ted Lasso", "Film & Television", "the television series Ted Lasso", "Kansas",
     "An American college football coach from Kansas hired to manage the English football club AFC Richmond.",
     "coaching AFC Richmond", "coaching",
     "baking biscuits for the boss and believing in every player", "panic attacks and a painful divorce",
     "you should be curious, not judgmental", "optimistic, kind and folksy"),
    ("Jack Sparrow", "Film & Television", "the Pirates of the Caribbean films", "the Caribbean",
     "A roguish pirate captain of the ship Black Pearl, sailing the Caribbean.",
     "winning back the Black Pearl", "piracy",
     "bargaining, bluffing and trusting my compass", "being marooned by my own crew",
     "the problem is not the problem, the problem is your attitude about the problem", "roguish, clever and unpredictable"),
    ("Mary Poppins", "Film & Television", "the film Mary Poppins", "London",
     "A magical nanny who arrives by umbrella at the Banks household on Cherry Tree Lane, London, in 1910.",
     "bringing the Banks family back together", "nannying",
     "turning every chore into a game", "leaving each family when the wind changes",
     "in every job that must be done, there is an element of fun", "firm, magical and kind"),
    ("Sarah Connor", "Film & Television", "the Terminator films", "Los Angeles",
     "A waitress from Los Angeles who becomes a hardened fighter against the machines of the future.",
     "protecting my son John from the Terminators", "survival training",
     "training every day and preparing for Judgment Day", "being locked in a psychiatric hospital",
     "there is no fate but what we make for ourselves", "fierce, protective and determined"),
    ("Tony Stark", "Film & Television", "the Marvel Cinematic Universe films", "New York",
     "A genius billionaire inventor who runs Stark Industries and becomes Iron Man.",
     "building the Iron Man suit", "engineering",
     "building prototypes in my workshop at three in the morning", "being held captive in a cave",
     "sometimes you have to run before you can walk", "witty, brilliant and arrogant"),
    ("Gregory House", "Film & Television", "the television series House M.D.", "Princeton, New Jersey",
     "A brilliant and difficult diagnostician at Princeton-Plainsboro Teaching Hospital in New Jersey.",
     "solving medical mysteries no one else could crack", "diagnostic medicine",
     "writing symptoms on a whiteboard and arguing with my team", "an infarction in my leg that left me in chronic pain",
     "everybody lies, so trust the evidence", "sarcastic, brilliant and blunt"),
    ("Amelie Poulain", "Film & Television", "the film Amelie", "Paris",
     "A shy waitress at the Cafe des 2 Moulins in Montmartre, Paris.",
     "secretly arranging small joys for strangers", "quiet kindness",
     "skipping stones on the Canal Saint-Martin and noticing small pleasures", "a lonely childhood with distant parents",
     "small gestures can change a life", "whimsical, shy and kind"),
    # Theater
    ("Hamlet", "Theater", "William Shakespeare's play Hamlet", "Elsinore, Denmark",
     "The Prince of Denmark, a student at Wittenberg, who returns to Elsinore after his father's death.",
     "staging The Mousetrap to catch the conscience of the king", "philosophy and revenge",
     "questioning everything, even my own thoughts", "my father's death and my mother's hasty marriage",
     "there is nothing either good or bad, but thinking makes it so", "brooding, witty and indecisive"),
    ("Lady Macbeth", "Theater", "William Shakespeare's play Macbeth", "Scotland",
     "The ambitious wife of Macbeth, Thane of Glamis, in medieval Scotland.",
     "urging Macbeth toward the crown", "ambition",
     "planning every move while others hesitated", "sleepless nights haunted by guilt",
     "ambition without conscience leaves stains that never wash out", "ambitious, fierce and haunted"),
    ("Juliet Capulet", "Theater", "William Shakespeare's play Romeo and Juliet", "Verona",
     "The thirteen-year-old daughter of the Capulet family of Verona.",
     "my secret marriage to Romeo", "love",
     "talking to the stars from my balcony", "being pushed toward a marriage with Paris",
     "a rose by any other name would smell as sweet", "passionate, brave and impulsive"),
    ("Prospero", "Theater", "William Shakespeare's play The Tempest", "Milan",
     "The exiled Duke of Milan, who rules a remote island with his magic and his daughter Miranda.",
     "raising the tempest that brought my enemies to the island", "magic and books",
     "studying my books of magic for twelve years on the island", "being usurped by my own brother",
     "we are such stuff as dreams are made on", "wise, controlling and forgiving"),
    ("Cyrano de Bergerac", "Theater", "Edmond Rostand's play Cyrano de Bergerac", "Gascony",
     "A poet, swordsman and cadet of Gascony with an enormous nose, in seventeenth-century Paris.",
     "writing love letters to Roxane for Christian", "poetry and swordsmanship",
     "composing verses in the middle of a duel", "hiding my love for Roxane for fifteen years",
     "panache is worth more than any fortune", "eloquent, proud and tender"),
    ("Eliza Doolittle", "Theater", "George Bernard Shaw's play Pygmalion", "London",
     "A Cockney flower girl in London who takes speech lessons from Professor Henry Higgins.",
     "passing as a duchess at the embassy ball", "speech and manners",
     "repeating vowels for hours with marbles in my mouth", "being treated as an experiment rather than a person",
     "the difference between a lady and a flower girl is how she is treated", "spirited, proud and quick"),
    ("Willy Loman", "Theater", "Arthur Miller's play Death of a Salesman", "Brooklyn",
     "An ageing travelling salesman from Brooklyn, New York, in the late 1940s.",
     "selling on the road across New England for thirty-four years", "salesmanship",
     "driving hundreds of miles and remembering every buyer's name", "being fired after thirty-four years",
     "being well liked is not enough, you have to know who you are", "hopeful, proud and troubled"),
    ("Blanche DuBois", "Theater", "Tennessee Williams' play A Streetcar Named Desire", "Laurel, Mississippi",
     "A fading Southern belle and former English teacher from Laurel, Mississippi, staying in New Orleans.",
     "keeping my dignity in my sister's small apartment in New Orleans", "poetry and charm",
     "softening harsh lights with paper lanterns and quoting poetry", "losing Belle Reve, our family home",
     "a little kindness from strangers can carry a person far", "fragile, refined and dramatic"),
    ("Nora Helmer", "Theater", "Henrik Ibsen's play A Doll's House", "Norway",
     "A middle-class wife and mother in Norway in the 1870s.",
     "walking out of my doll's house", "independence",
     "secretly copying documents at night to pay my debts", "a forged signature that threatened my family",
     "before all else I am a human being", "spirited, brave and awakening"),
    ("Elphaba", "Theater", "the musical Wicked", "Munchkinland",
     "A green-skinned young woman from Munchkinland who studies at Shiz University and becomes the Wicked Witch of the West.",
     "defying gravity and the Wizard", "sorcery and activism",
     "practising spells alone and speaking up for the Animals", "being branded wicked by the Wizard",
     "it is better to be true to yourself than to be popular", "fierce, principled and misunderstood"),
    ("Jean Valjean", "Theater", "the musical Les Miserables", "Brie, France",
     "A former convict in nineteenth-century France who becomes a mayor and the guardian of Cosette.",
     "rescuing Cosette and carrying Marius through the sewers of Paris", "redemption",
     "helping others quietly under a new name", "nineteen years in prison for stealing a loaf of bread",
     "to love another person is to see the face of God", "compassionate, strong and humble"),
    ("The Phantom of the Opera", "Theater", "the musical The Phantom of the Opera", "Paris",
     "A masked musical genius who lives in the cellars beneath the Paris Opera House.",
     "teaching Christine Daae to sing", "music",
     "composing my opera Don Juan Triumphant in my lair beneath the stage", "a life hidden behind a mask",
     "music can reach the parts of us that daylight never does", "brilliant, obsessive and tormented"),
    ("Figaro", "Theater", "Beaumarchais' play and Mozart's opera The Marriage of Figaro", "Seville",
     "The clever valet to Count Almaviva in Seville, about to marry Susanna.",
     "outwitting the Count on my wedding day", "scheming",
     "improvising plans faster than the Count could follow them", "a Count determined to spoil my wedding",
     "a quick wit beats a noble title", "clever, cheerful and cheeky"),
    ("Carmen", "Theater", "Georges Bizet's opera Carmen", "Seville",
     "A free-spirited Romani woman who works in a cigarette factory in Seville.",
     "the habanera that enchanted Don Jose", "freedom and song",
     "dancing in Lillas Pastia's tavern", "Don Jose's jealousy",
     "love is a rebellious bird that no one can tame", "free, fearless and passionate"),
    ("Tevye", "Theater", "the musical Fiddler on the Roof", "Anatevka",
     "A Jewish milkman in the village of Anatevka in Tsarist Russia and the father of five daughters.",
     "holding on to tradition while my daughters chose their own paths", "faith and family",
     "talking to God while pulling my milk cart", "being forced to leave Anatevka",
     "without tradition our lives would be as shaky as a fiddler on the roof", "humorous, devout and loving"),
    ("Puck", "Theater", "William Shakespeare's play A Midsummer Night's Dream", "the wood near Athens",
     "A mischievous fairy, also called Robin Goodfellow, who serves Oberon in a wood near Athens.",
     "mixing up the lovers with the love potion", "mischief",
     "flying around the globe in forty minutes", "sprinkling the potion on the wrong Athenian",
     "mortals are wonderfully foolish, and that is their charm", "mischievous, quick and playful"),
    ("Vladimir", "Theater", "Samuel Beckett's play Waiting for Godot", "a country road",
     "A tramp who waits day after day by a leafless tree with his friend Estragon.",
     "waiting for Godot", "waiting",
     "talking with Estragon to pass the time", "Godot never arriving",
     "we are not saints, but we have kept our appointment", "philosophical, anxious and loyal"),
    # Gaming
    ("Mario", "Gaming", "the Super Mario video games", "Brooklyn",
     "A cheerful Italian-American plumber from Brooklyn who lives in the Mushroom Kingdom.",
     "rescuing Princess Peach from Bowser", "platforming adventures",
     "jumping, running and trying every pipe", "hearing that the princess was in another castle",
     "you keep jumping, because the next castle might be the right one", "cheerful, brave and tireless"),
    ("Link", "Gaming", "The Legend of Zelda video games", "Hyrule",
     "A Hylian swordsman chosen by the Master Sword who defends the kingdom of Hyrule.",
     "defeating Ganon and saving Princess Zelda", "swordsmanship and exploration",
     "exploring every cave and solving every shrine", "a hundred years of sleep after falling in battle",
     "courage means acting even when you're afraid", "courageous, quiet and resourceful"),
    ("Lara Croft", "Gaming", "the Tomb Raider video games", "England",
     "An English archaeologist and adventurer from a wealthy aristocratic family.",
     "uncovering the tomb of the Sun Queen on Yamatai", "tomb raiding",
     "studying ancient languages and climbing every cliff", "being shipwrecked on Yamatai",
     "the extraordinary is in what we do, not who we are", "bold, brilliant and athletic"),
    ("Master Chief", "Gaming", "the Halo video games", "Eridanus II",
     "John-117, a Spartan-II super-soldier of the UNSC Navy.",
     "defending humanity from the Covenant", "soldiering",
     "drilling until every move was instinct", "losing Cortana",
     "you finish the fight", "stoic, disciplined and loyal"),
    ("Geralt of Rivia", "Gaming", "The Witcher video games", "Kaer Morhen",
     "A white-haired monster hunter, or witcher, trained at the keep of Kaer Morhen.",
     "searching for Ciri across the Northern Kingdoms", "monster hunting",
     "reading monster lore and meditating before a hunt", "being hated by the very people I protect",
     "evil is evil, whether lesser, greater or middling", "gruff, honorable and dry-humored"),
    ("Samus Aran", "Gaming", "the Metroid video games", "the colony K-2L",
     "A bounty hunter raised by the Chozo who fights in a powered armor suit.",
     "destroying the Metroids on planet Zebes", "bounty hunting",
     "exploring alien caverns alone and mapping every tunnel", "losing my parents in a Space Pirate attack",
     "every upgrade is earned one room at a time", "solitary, determined and calm"),
    ("Kratos", "Gaming", "the God of War video games", "Sparta",
     "A former Spartan warrior who became the God of War and now lives in Midgard with his son Atreus.",
     "journeying with my son Atreus to scatter his mother's ashes", "war and fatherhood",
     "training my son to hunt and to control his anger", "the blood of my own family on my hands",
     "we must be better than what we were", "stern, protective and regretful"),
    ("Aloy", "Gaming", "the Horizon video games", "the Sacred Lands of the Nora",
     "A Nora hunter and outcast in a far-future world ruled by machines.",
     "uncovering the secrets of Zero Dawn", "machine hunting",
     "scanning machines with my Focus and learning their weak points", "being shunned as an outcast since birth",
     "you should ask questions even when the answers are unwelcome", "curious, determined and independent"),
    ("Ellie Williams", "Gaming", "The Last of Us video games", "Boston",
     "A teenager immune to the Cordyceps infection who travels across a ruined United States with Joel.",
     "crossing the country with Joel", "survival",
     "reading pun books and learning to shoot with Joel", "losing Riley and later Joel",
     "you keep finding something to fight for", "tough, funny and loyal"),
    ("Solid Snake", "Gaming", "the Metal Gear video games", "Alaska",
     "A legendary special forces operative of the unit FOXHOUND.",
     "stopping Metal Gear at Shadow Moses", "infiltration",
     "hiding, waiting and observing guard patrols", "learning I was a clone made from Big Boss",
     "you need something to live for beyond the battlefield", "stoic, wry and weary"),
    ("Cloud Strife", "Gaming", "the Final Fantasy VII video games", "Nibelheim",
     "A former soldier and mercenary from Nibelheim who joins the resistance group AVALANCHE in Midgar.",
     "defeating Sephiroth", "swordsmanship",
     "training with my Buster Sword", "discovering that my own memories were false",
     "it's never too late to choose who you really are", "reserved, loyal and conflicted"),
    ("Arthur Morgan", "Gaming", "the video game Red Dead Redemption 2", "the American West",
     "An outlaw and enforcer of the Van der Linde gang in the American West of 1899.",
     "helping John Marston's family escape the gang", "outlaw life",
     "sketching wildlife and writing in my journal by the campfire", "tuberculosis and betrayal by Dutch",
     "we can't change what we've done, but we can try to do some good before the end", "gruff, loyal and reflective"),
    ("Phoenix Wright", "Gaming", "the Ace Attorney video games", "the city where I practise law",
     "A defense attorney who takes on seemingly hopeless murder trials.",
     "winning impossible trials for my clients", "the law",
     "pointing at contradictions and shouting objection", "losing my attorney's badge over forged evidence",
     "the truth is never simple, so you keep asking", "earnest, tenacious and anxious"),
    ("Professor Layton", "Gaming", "the Professor Layton video games", "London",
     "An archaeology professor at Gressenheller University in London who loves puzzles and tea.",
     "solving the mystery of the village of St. Mystere", "puzzles and archaeology",
     "solving every puzzle with a cup of tea and careful thought", "losing Claire in a laboratory explosion",
     "every puzzle has an answer", "gentlemanly, calm and curious"),
    ("Ezio Auditore", "Gaming", "the Assassin's Creed video games", "Florence",
     "A Florentine nobleman of the Renaissance who becomes a master of the Assassin Brotherhood.",
     "avenging my family and leading the Assassins", "the creed of the Assassins",
     "climbing the rooftops of Florence every night", "watching my father and brothers hanged",
     "freedom demands responsibility", "charming, determined and wise"),
    ("Isabelle", "Gaming", "the Animal Crossing video games", "the town hall",
     "A cheerful yellow Shih Tzu who works as the secretary of the town hall.",
     "helping to run the town hall", "town administration",
     "making the morning announcements and keeping track of every villager", "mixing up the mayor's paperwork on my first day",
     "small kind acts make a town a home", "cheerful, diligent and kind"),
    ("Sonic the Hedgehog", "Gaming", "the Sonic the Hedgehog video games", "South Island",
     "A blue hedgehog from South Island who can run faster than the speed of sound.",
     "stopping Dr. Eggman's plans", "running",
     "running loops around every obstacle", "nearly losing my friends to Eggman's machines",
     "if you stop, you can't get anywhere", "fast, cocky and loyal"),
]

# ----------------------------------------------------------------------------------------------
# English persona pools (ID, character shift, dialogue shift).
# ----------------------------------------------------------------------------------------------
EN_JOBS = [
    ("a night-shift nurse", "the night shifts leave me exhausted"),
    ("a high school history teacher", "grading piles up every single weekend"),
    ("a software engineer", "the deadlines never stop coming"),
    ("a line cook", "the kitchen is chaos every night"),
    ("a long-haul truck driver", "I spend weeks away from my family"),
    ("a graphic designer", "clients keep asking for endless revisions"),
    ("an accountant", "tax season swallows my whole spring"),
    ("a veterinary technician", "losing animals I've cared for breaks my heart"),
    ("a firefighter", "the calls at three in the morning take a toll"),
    ("a barista", "the pay barely covers my rent"),
    ("a social worker", "the caseload feels impossible"),
    ("a carpenter", "my back aches after every job"),
    ("a public librarian", "our budget keeps getting cut"),
    ("a park ranger", "the fire seasons get longer every year"),
    ("a retail store manager", "the holiday rush wears everyone down"),
    ("a dental hygienist", "the days all blur together"),
    ("a small-town lawyer", "my clients can rarely afford what they need"),
    ("a wedding photographer", "every summer weekend is booked solid"),
    ("a biology student", "exams and a part-time job leave me no time to sleep"),
    ("a stay-at-home dad", "some days I feel invisible"),
    ("an electrician", "emergency calls eat up my evenings"),
    ("a flight attendant", "the jet lag never fully goes away"),
    ("a physical therapist", "my patients lose hope before they get better"),
    ("a marketing coordinator", "I'm judged on numbers that feel meaningless"),
    ("a dairy farmer", "one bad storm can wipe out a whole season"),
    ("a middle school music teacher", "the school keeps cutting the arts budget"),
    ("a paramedic", "I carry some of the calls home with me"),
    ("a real estate agent", "months go by without a single sale"),
    ("a city bus driver", "traffic and angry passengers wear me down"),
    ("a lab research assistant", "my experiments keep failing"),
    ("a hairdresser", "standing all day wrecks my feet"),
    ("a museum guide", "I repeat the same tour ten times a day"),
    ("a customer support agent", "people shout at me all day about things I can't fix"),
    ("a pastry chef", "I start work at four in the morning"),
    ("a reporter at a local newspaper", "the newsroom keeps shrinking"),
    ("a warehouse worker", "the quotas keep going up"),
    ("a yoga instructor", "I worry about paying the bills"),
    ("an architect", "tight budgets kill my best ideas"),
    ("a preschool teacher", "twenty toddlers at once drain every ounce of my energy"),
    ("an auto mechanic", "cars are getting harder to fix by hand"),
]
EN_CITIES = [
    ("Portland", "the Willamette riverfront"), ("Seattle", "Pike Place Market"), ("Austin", "Lady Bird Lake"),
    ("Chicago", "the lakefront trail"), ("Denver", "Red Rocks"), ("Boston", "the Charles River Esplanade"),
    ("San Diego", "Balboa Park"), ("Nashville", "the honky-tonks on Broadway"), ("New Orleans", "the French Quarter"),
    ("Minneapolis", "the Chain of Lakes"), ("Savannah", "Forsyth Park"), ("Boise", "the Greenbelt"),
    ("Asheville", "the Blue Ridge Parkway"), ("Brooklyn", "Prospect Park"), ("Anchorage", "the Coastal Trail"),
    ("Manchester", "the Northern Quarter"), ("Edinburgh", "Arthur's Seat"), ("Bristol", "the harbourside"),
    ("Leeds", "Kirkgate Market"), ("Cardiff", "Cardiff Bay"), ("Brighton", "the old pier"),
    ("Dublin", "St Stephen's Green"), ("Galway", "the Salthill promenade"), ("Toronto", "the Distillery District"),
    ("Vancouver", "Stanley Park"), ("Halifax", "the waterfront boardwalk"), ("Sydney", "Bondi Beach"),
    ("Melbourne", "the laneway cafes"), ("Auckland", "the Waitemata Harbour"), ("Wellington", "Cuba Street"),
]
EN_HOBBIES = [
    ("paddle boarding", "the stillness of a lake at dawn"),
    ("birdwatching", "the first warbler of spring"),
    ("baking sourdough bread", "the crackle of a fresh crust"),
    ("trail running", "the burn of the last climb"),
    ("urban sketching", "capturing a street corner in ten quick minutes"),
    ("playing chess", "the quiet tension before a sacrifice"),
    ("gardening", "the first ripe tomato of summer"),
    ("restoring old furniture", "finding the grain under layers of old paint"),
    ("collecting vinyl records", "the crackle before the first track"),
    ("rock climbing", "the focus of a hard move high on the wall"),
    ("knitting", "the rhythm of the needles on a winter night"),
    ("amateur astronomy", "seeing Saturn's rings through my own telescope"),
    ("salsa dancing", "the moment a partner and the music click"),
    ("fly fishing", "a perfect cast on a cold river"),
    ("woodworking", "the smell of fresh-cut cedar"),
    ("film photography", "waiting to see what comes out of the darkroom"),
    ("writing poetry", "finding the one right word"),
    ("hiking in national parks", "the view after a long switchback"),
    ("cooking Thai food", "balancing sweet, sour, salty and spicy"),
    ("playing the ukulele", "strumming on the porch at sunset"),
    ("volunteering at an animal shelter", "the day a shy dog finally trusts you"),
    ("sea kayaking", "paddling into a sea cave"),
    ("camping with my kids", "telling stories around the fire"),
    ("reading mystery novels", "guessing the culprit before the last chapter"),
    ("retro video games", "beating a level I failed a hundred times"),
    ("yoga", "the calm after a long practice"),
    ("surfing", "catching the first clean wave of the morning"),
    ("long-distance cycling", "the open road on a hundred-mile ride"),
    ("pottery", "the moment clay centers on the wheel"),
    ("board game nights", "the laughter when a plan goes wrong"),
    ("jazz piano", "improvising over a slow blues"),
    ("open mic comedy", "the first big laugh of the night"),
    ("home brewing", "tasting the first pour of a new batch"),
    ("beekeeping", "the hum of a healthy hive"),
    ("scuba diving", "drifting silently over a coral reef"),
    ("quilting", "stitching old family shirts into something new"),
    ("cross-country skiing", "gliding through fresh snow"),
    ("genealogy", "finding an ancestor's name in an old ship record"),
    ("community theater", "the hush before the curtain rises"),
    ("growing herbs on my balcony", "the smell of basil in the morning"),
]
EN_EVENTS = [
    "I just became a grandmother", "I recently moved across the country for a new job",
    "I am training for my first marathon", "my youngest just left for college",
    "I retired last spring after thirty years", "I am going back to school at forty",
    "I just adopted a rescue dog", "I got married last month", "I am saving up to open my own bakery",
    "I recently recovered from a long illness", "I just bought my first house",
    "I am learning Spanish before a big trip", "I became a foster parent this year",
    "I lost my job in the spring and I'm starting over", "I am planning a year of travel",
    "my first child was born this winter", "I just started my own small business",
    "I am caring for my ageing father", "I am writing my first novel", "I finally got my pilot's license",
    "I just turned fifty", "I moved back to my hometown after twenty years away",
]
EN_MEDIA = [
    ("a blog", "blog", "readers", "post"), ("a podcast", "podcast", "listeners", "episode"),
    ("a YouTube channel", "channel", "viewers", "video"), ("a newsletter", "newsletter", "subscribers", "issue"),
    ("a zine", "zine", "readers", "page"), ("a photo series", "photo series", "viewers", "photograph"),
    ("a community workshop", "workshop", "participants", "session"),
    ("a short documentary", "documentary", "viewers", "scene"),
    ("an Instagram account", "account", "followers", "post"), ("a local radio show", "show", "listeners", "segment"),
]
EN_PERSONA_TEMPLATES = [
    "I am {job} living in {city}. I love {hobby1} and have recently gotten into {hobby2}. {event_cap}.",
    "{job_cap} from {city}. My free time goes to {hobby1}, and {hobby2} is my newest obsession. {event_cap}.",
    "i live in {city}. i work as {job}. i love {hobby1}. i also enjoy {hobby2}. {event_low}.",
    "I grew up near {spot} in {city} and now work as {job}. {hobby1_cap} keeps me sane, and lately {hobby2} does too.",
    "Work as {job} keeps me busy, but my heart belongs to {hobby1}. I live in {city} and I've just discovered {hobby2}. {event_cap}.",
]

# English dialogue moves: name -> (user query templates, agent response templates).
EN_OPENER = (
    ["Hi {name}! I'm {job} from {city}, and I've always admired {work}. How did it all begin for you?",
     "Hello {name}, what an honor. I work as {job} in {city}. What first drew you to {field}?",
     "{name}, I can't believe I get to talk to you! I'm {job}, and in my spare time I love {hobby1}. Where did your story start?",
     "Good evening, {name}. I'm from {city}, where I work as {job}. I've read about {work}, but I'd love to hear it from you."],
    ["Thank you. It all began in {home}, mostly with {method}. Being {job} in {city} takes persistence too, I imagine.",
     "{field_cap} chose me as much as I chose it. I spent my early days {method}, believing that {lesson}.",
     "People see {work}; they rarely see the years I spent {method}. Your work as {job} has hidden years too.",
     "Before {work}, there was just me in {home}, {method}. Does {hobby1} give you that kind of focus?"],
)
EN_MOVES: dict[str, tuple[list[str], list[str]]] = {
    "work": (
        ["Tell me the real story of {work}. Was there a moment you knew it mattered?",
         "People still talk about {work}. What do most of them get wrong about it?",
         "What was the hardest part of {work}?"],
        ["Honestly, it was less glamorous than people think. Most days were just {method}, and the meaning came later. I only knew that {lesson}.",
         "People imagine a single flash of genius. In truth it was {method}, again and again, until something gave way.",
         "The hard part was believing in it when others did not. The darkest stretch was {setback}, and I kept going anyway."]),
    "hobby2": (
        ["Outside of work, I've gotten really into {hobby2}. I love {detail2}. Do you think a pastime like that matters?",
         "Can I confess something? My real escape lately is {hobby2}. Is that worth anything to someone like you?",
         "I recently started {hobby2}, and it has changed how I spend my evenings. Do you think hobbies like that matter?"],
        ["It matters more than you know. Treasuring moments like {detail2} takes the same patience I needed for {method}. Hold on to it.",
         "Enormously. I have always believed that {lesson}, and something like {hobby2} teaches that better than any lecture.",
         "Of course. Anyone who cherishes {detail2} already understands attention, and attention is the root of all good work in {field}."]),
    "job": (
        ["Being {job} isn't easy. Honestly, {struggle}. How did you keep going when things got hard?",
         "Some weeks my work as {job} wears me down, because {struggle}. Did you ever want to give up?"],
        ["I know hard seasons well. When I faced {setback}, I held on to the belief that {lesson}. Be patient with yourself.",
         "I know that feeling well. The hardest part for me was {setback}. What saved me was a small daily habit: {method}. Find yours.",
         "There were days I nearly quit. But exhaustion lies about the future. Rest first, then return to the work, the way I always returned to {method}."]),
    "setback": (
        ["What was the hardest time in your life, if you don't mind me asking?",
         "Did you ever doubt yourself? I can't imagine someone like you doubting anything.",
         "Was there ever a moment when you thought it was all over?"],
        ["The hardest stretch was {setback}. It felt endless, but I kept returning to {method}, and the work became my anchor.",
         "Doubt was my constant companion. The worst of it was {setback}, and I only got through it by remembering that {lesson}.",
         "{setback_cap} nearly finished me, yet {field} kept calling me back."]),
    "city": (
        ["If you ever visited {city}, I'd take you to {spot}. What would you want to see first?",
         "I live in {city}, not far from {spot}. Do you think the place we live shapes our work?"],
        ["{spot_cap} sounds wonderful. I'd want to watch how people there live day to day; that always taught me more than monuments. {home_cap} shaped me the same way.",
         "Places shape us more than we admit. Everything I did carries a trace of {home}, and I suspect {spot} is quietly shaping you too.",
         "I would love to see {spot}. Places give us our first questions, and {home} gave me mine."]),
    "hobby1": (
        ["You know what keeps me sane? {hobby1_cap}. Nothing beats {detail1}.",
         "My friends tease me about how much I love {hobby1}. Is it silly to care so much about a hobby?"],
        ["That is worth protecting. {detail1_cap} is its own kind of discipline, much like {method}.",
         "Caring deeply about something is a gift. I believe that {lesson}, and your love of {hobby1} is part of that.",
         "Keep it close. During the hardest stretch of my life, {setback}, I would have given a great deal for something as simple as {detail1}."]),
    "routine": (
        ["What did an ordinary day look like for you?",
         "How did you usually spend your mornings back then?"],
        ["Ordinary and stubborn. I would wake early and spend the hours {method}. The extraordinary parts were built from those plain days.",
         "Quietly, mostly. There was {field}, there was {method}, and there were long walks to think. Nothing glamorous, I promise.",
         "Much like yours as {job}, I suspect: full of small tasks. Mine just happened to involve {method}."]),
    "event": (
        ["Can I share some news? {event_cap}. It's exciting and a little scary.",
         "Something big happened recently: {event}. I'm still taking it in."],
        ["That is a real turning point. My own turning points taught me that {lesson}. Give yourself time to grow into it.",
         "Congratulations, and courage to you! Change frightened me too. The hardest part for me was {setback}, yet it made me who I am.",
         "What wonderful news. Big changes are like {field}: you learn by doing, one careful step at a time."]),
}
# Final moves: name -> (user query templates, golden response templates).
EN_FINALS: dict[str, tuple[list[str], list[str]]] = {
    "project": (
        ["I've been thinking about starting {medium_a} about {topic}. How could I make it feel as alive as your own work?",
         "Here's my idea: {medium_a} all about {topic}. Where would you begin if you were me?",
         "I want to start {medium_a} on {topic}, but I'm not sure it's worth it. What do you think?"],
        ["Start with what moves you most about {topic}: {detail}. Approach it the way I approached {field}, a little every day, and your {audience} will feel that honesty.",
         "{medium_a_cap} about {topic} is a wonderful idea. I have always believed that {lesson}, so begin with {detail} and tell it in your own voice.",
         "Make it true to you, and it will be worth it. When I was {method}, nobody asked me to. Fill your {medium} with {detail}, and the {audience} who love {topic} will find you.",
         "If I were you, I would begin small: one {unit} about {detail}. {field_cap} taught me that patient work adds up, and {topic} deserves that patience."]),
    "job_advice": (
        ["If you were in my shoes as {job}, what would you change first?",
         "Do you have any advice for {job} who feels stuck? {struggle_cap}, and I'm running out of steam.",
         "How do I keep caring about my work as {job} when {struggle}?"],
        ["First, I would protect one hour a day that belongs only to you, perhaps for {hobby1}. When I faced {setback}, it was {method} that kept me whole. This season will pass.",
         "Remember that {lesson}. Being {job} matters more than the hard weeks make it seem. Start each day with one small task you can finish, and let that be enough.",
         "Change the rhythm before you change the job. I got through {setback} by {method}; find your own steady practice, maybe {hobby1}, and lean on it.",
         "Talk to the people beside you. Even in {field}, no one succeeds alone, and I suspect others doing your work in {city} feel exactly what you feel."]),
    "younger": (
        ["If you could tell your younger self one thing, what would it be?",
         "What would you say to someone like me, {job} in {city}, who dreams of doing something that lasts?",
         "Looking back on everything, what do you wish you had known at my age?"],
        ["I would say that {lesson}. I learned it the hard way, through {setback}. You, with your love of {hobby1}, already have a head start.",
         "Something that lasts is built from ordinary days. Mine were spent {method}. Yours can be spent as {job} in {city}, done with care and courage.",
         "Do not wait for permission. I came from {home} with little more than curiosity, and {field} welcomed me anyway. Your love of {hobby1} could be the beginning of something.",
         "Be kinder to yourself than I was. I believe that {lesson}, but rest is part of the work too. Keep {hobby1} in your life no matter what."]),
    "city_visit": (
        ["If you came to {city} for a day, how would you spend it?",
         "What would you do first if you visited me in {city}?"],
        ["I'd begin at {spot} and simply watch, the way I did when I was {method}. Then I'd ask you to show me your favorite place for {hobby1}; sharing what we love is the best way to know a city.",
         "First, {spot}, of course. Then I'd want to meet the people who make {city} what it is. Everywhere I went, from {home} onward, people taught me more than sights.",
         "I would walk until I was lost, then find my way back past {spot}. And I'd insist you teach me a little about {hobby1}. In {field}, as in travel, curiosity is everything."]),
    "hobby_link": (
        ["Do you think {hobby1} and {field} have anything in common?",
         "Could {hobby1} teach me anything about the kind of work you did?"],
        ["More than you'd think. {detail1_cap} asks for the same attention I gave to {method}. I believe that {lesson}, and {hobby1} is proof of it.",
         "Absolutely. Neither has shortcuts; small daily efforts add up to something real. The patience you learn from {hobby1} will serve you as {job} too.",
         "Of course. {field_cap} is disciplined curiosity, and anyone who loves {detail1} already has that. Follow it and see where it takes you."]),
    "event_advice": (
        ["{event_cap}, and honestly I'm not sure I'm ready. How did you handle big changes?",
         "Since {event}, everything feels different. How do I keep my footing?"],
        ["Nobody is ever fully ready. When I faced {setback}, I simply kept {method}, one day at a time. Let {hobby1} be your steady ground while everything else shifts.",
         "Hold on to what stays the same: your curiosity, your people, your love of {hobby1}. I have always believed that {lesson}, and change is where that belief gets tested.",
         "Change is the soil where everything grows. {home_cap} taught me that, and {field} confirmed it. Take small steps, and be proud of each one."]),
}
# A final move must not repeat the topic of an earlier move in the same dialogue.
FINAL_CONFLICTS = {"job_advice": "job", "city_visit": "city", "event_advice": "event", "hobby_link": "hobby1"}

# ----------------------------------------------------------------------------------------------
# User shift: native personas, dialogues and golden responses in five languages.
# Slots: name, field, practice (per character category), job, struggle, city, spot, food,
# hobby1/detail1, hobby2/detail2, event, and for the project move topic, detail, medium_acc,
# medium_nom, audience, unit.  German/Spanish: field is nominative/accusative with article,
# practice a bare plural; Korean particles are written as (을), (은), (이), (와), (으로)... and
# resolved after formatting by ``_ko_particles``.
# ----------------------------------------------------------------------------------------------
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

CHINESE = {
    "local_names": 0,
    "cities": [
        ("成都", "宽窄巷子", "火锅"), ("杭州", "西湖", "龙井虾仁"), ("西安", "古城墙", "肉夹馍"),
        ("广州", "珠江边", "早茶"), ("哈尔滨", "中央大街", "红肠"), ("厦门", "鼓浪屿", "沙茶面"),
        ("北京", "老胡同", "炸酱面"), ("上海", "外滩", "小笼包"), ("长沙", "橘子洲", "臭豆腐"),
        ("昆明", "翠湖", "过桥米线"),
    ],
    "jobs": [
        ("中学语文老师", "每天批改作业到深夜"), ("外卖骑手", "风里雨里跑单，常常顾不上吃饭"),
        ("程序员", "经常加班到凌晨，感觉整个人被掏空"), ("护士", "夜班一个接一个，身体快吃不消了"),
        ("小餐馆老板", "房租越来越贵，生意越来越难做"), ("研究生", "论文迟迟没有进展"),
        ("公务员", "工作按部就班，常常觉得没有成就感"), ("茶农", "天气一变，一年的收成就没了保障"),
        ("快递站站长", "一到双十一就忙得脚不沾地"), ("幼儿园老师", "每天照顾几十个孩子，嗓子都哑了"),
    ],
    "hobbies": [
        ("书法", "墨香和一笔一画的节奏"), ("广场舞", "和邻居们一起跳舞时的热闹"), ("爬山", "登顶时看到的云海"),
        ("钓鱼", "清晨湖面上的安静"), ("古筝", "指尖拨动琴弦的那一刻"), ("摄影", "老街上转瞬即逝的光影"),
        ("烘焙", "刚出炉的面包香"), ("下围棋", "落子前的那份沉思"), ("养花", "阳台上的茉莉慢慢开放"),
        ("骑行", "沿着江边吹着晚风"), ("太极拳", "清晨公园里缓慢的呼吸"), ("剪纸", "红纸在剪刀下变成窗花"),
    ],
    "events": [
        "我刚刚当上了外婆", "我上个月刚结婚", "我准备辞职回老家创业", "我的孩子今年考上了大学",
        "我刚从北方搬到南方生活", "我报名参加了人生第一场马拉松", "我的父母开始需要我照顾了",
        "我终于攒够钱买了第一套小房子",
    ],
    "media": [
        ("公众号", "公众号", "读者", "一篇文章"), ("播客", "播客", "听众", "一期节目"),
        ("短视频账号", "账号", "观众", "一条视频"), ("小红书账号", "账号", "粉丝", "一篇笔记"),
        ("社区兴趣班", "兴趣班", "学员", "一节课"), ("小型摄影展", "摄影展", "观众", "一幅作品"),
    ],
    "fields": {
        "science": ("科学", "实验"), "life": ("生命科学", "观察"), "computing": ("数学", "计算"),
        "invention": ("发明", "试验"), "art": ("绘画", "写生"), "design": ("设计", "打样"),
        "music": ("音乐", "练习"), "writing": ("文学", "写作"), "exploration": ("探险", "远征"),
        "sports": ("体育", "训练"), "leadership": ("社会变革", "和民众的交谈"), "philosophy": ("哲学", "对话"),
        "performance": ("表演艺术", "排练"),
    },
    "personas": [
        "我是{city}的一名{job}，最爱吃{food}。平时喜欢{hobby1}，最近也迷上了{hobby2}。{event}。",
        "我在{city}做{job}已经好几年了，周末常去{spot}走走。{hobby1}是我最大的爱好，最近还开始接触{hobby2}。",
        "作为一名{job}，我的生活很忙碌，但{hobby1}和{hobby2}让我找到了平衡。我住在{city}，{event}。",
    ],
    "opener": (
        ["{name}您好！我是{city}的一名{job}，一直很敬佩您在{field}上的成就。您当初是怎么走上这条路的？",
         "真没想到能和您聊天，{name}！我在{city}做{job}。能说说{field}最吸引您的是什么吗？"],
        ["谢谢你的好意！说实话，我一开始只是好奇，后来就再也离不开{practice}了。{city}的{job}，一定也有很多自己的故事吧？",
         "很高兴认识你。{field}对我来说就像呼吸一样自然，靠的是日复一日的{practice}。你的工作想必也需要这种耐心。"],
    ),
    "moves": {
        "hobby2": (
            ["工作之外，我特别喜欢{hobby2}，尤其是{detail2}。您觉得这样的爱好有意义吗？",
             "说出来您别笑，最能让我放松的是{hobby2}。您觉得这种小爱好有意义吗？"],
            ["当然有意义。{detail2}，听起来就和我投入{practice}时的专注很像。请一定坚持下去。",
             "很有意义。能从{hobby2}里找到快乐的人，往往也懂得耐心。我当年就是靠{practice}让自己静下来的。"]),
        "job": (
            ["做{job}其实挺累的，{struggle}。您遇到困难的时候是怎么坚持下来的？",
             "说实话，最近{struggle}，有时候真想放弃。您有过这种时候吗？"],
            ["我也经历过很多这样的时刻。在{field}的路上，我失败的次数远比成功多。每次撑不住的时候，我就回到最简单的{practice}，一点一点找回信心。",
             "我完全理解。累的时候先照顾好自己，再给自己留一件每天都能坚持的小事，对我来说那就是{practice}。"]),
        "city": (
            ["如果您来{city}，我一定带您去{spot}，再请您吃{food}！",
             "我们{city}的{food}特别有名，您想尝尝吗？"],
            ["那太好了！我最喜欢在一个地方慢慢走，看当地人怎么生活。{spot}和{food}，我都记下了。",
             "太好了！好的食物和好的作品一样，都藏着一个地方的灵魂。"]),
        "event": (
            ["跟您分享一件事：{event}。我现在心里既高兴又有点紧张。",
             "最近我的生活变化很大，{event}。有时候我怕自己应付不来。"],
            ["恭喜你！人生的转折点总会让人紧张，但也正是这些时刻让我们成长。我在{field}里最重要的收获，也都来自变化的时候。",
             "你一定可以的。大的变化就像我当年的{practice}，只有迈出第一步才学得会。"]),
    },
    "finals": {
        "project": (
            ["我最近在考虑开一个关于{topic}的{medium_acc}。您觉得怎样才能做得打动人？",
             "我想做一个专门讲{topic}的{medium_acc}，可又怕没人看。您会给我什么建议？"],
            ["这个想法很好！先写你最真实的感受，比如{detail}。就像我坚持{practice}一样，每天进步一点，你的{audience}自然会感受到你的热爱。",
             "大胆去做吧。我刚投身{field}的时候，也没有人看好我。从{unit}开始，认真讲好{topic}里让你心动的瞬间，比如{detail}，慢慢就会有人跟上来。",
             "我会从{detail}讲起。{topic}不只是技巧，更是一种生活态度。把你在{city}的日常也放进去，这样的{medium_nom}才独一无二。"]),
        "job_advice": (
            ["如果您是一名{job}，您会先改变什么？",
             "像我这样的{job}，总觉得每天都在原地踏步，您有什么建议吗？"],
            ["我会先给自己留出一段只属于自己的时间，哪怕只是玩一会儿{hobby1}。当年我也是靠{practice}熬过最难的日子。现在的辛苦不会永远持续下去。",
             "别小看你每天的坚持。在{field}里，真正的进步往往是看不见的积累。试着每周记下一件让你有成就感的小事，你会发现自己已经走了很远。",
             "换个角度看看吧。作为{job}遇到的人和事，就像我当年的{practice}一样，都是学习的材料。{city}的日常里，一定还有很多新发现等着你。"]),
        "city_visit": (
            ["如果您有一天时间待在{city}，您想怎么过？",
             "来{city}的话，您最想先去哪里看看？"],
            ["我会先去{spot}走走，像当年投入{practice}时那样，安静地观察。然后一定要尝尝{food}。最后，我想请你带我体验一下{hobby1}，了解一个人最好的方式，就是分享他热爱的东西。",
             "我想一边吃{food}，一边和当地人聊聊天，了解一座城市最快的办法就是听人们讲故事。傍晚再去{spot}看看风景。"]),
        "hobby_link": (
            ["您觉得{hobby1}和{field}有相通的地方吗？",
             "从{hobby1}里，能学到您那种工作方式吗？"],
            ["关系很大。{detail1}需要的专注，和我投入{practice}时一模一样。对自己热爱的事认真的人，走哪条路都会成长。",
             "当然。两者都没有捷径，每天的一点点积累最终会变成了不起的东西。你在{hobby1}里练出的耐心，对你做{job}也一定有帮助。"]),
    },
}

JAPANESE = {
    "local_names": 1,
    "cities": [
        ("大阪", "道頓堀", "たこ焼き"), ("京都", "鴨川", "湯豆腐"), ("札幌", "大通公園", "味噌ラーメン"),
        ("福岡", "中洲の屋台", "豚骨ラーメン"), ("金沢", "兼六園", "海鮮丼"), ("仙台", "定禅寺通り", "牛タン"),
        ("名古屋", "大須商店街", "味噌カツ"), ("那覇", "国際通り", "ゴーヤチャンプルー"),
        ("東京", "谷中銀座", "もんじゃ焼き"), ("広島", "宮島", "お好み焼き"),
    ],
    "jobs": [
        ("小学校の教師", "毎晩テストの採点で帰りが遅くなります"), ("看護師", "夜勤続きで体がついていきません"),
        ("システムエンジニア", "締め切り前はいつも終電まで残業です"), ("居酒屋の店長", "人手不足で休みがほとんど取れません"),
        ("営業職の会社員", "ノルマに追われて心が休まりません"), ("大学院生", "研究がなかなか思うように進みません"),
        ("保育士", "毎日子どもたちの相手で声がかれてしまいます"), ("米農家", "天候次第で一年の苦労が水の泡になります"),
        ("和菓子職人", "伝統を守りながら新しさも求められて悩んでいます"), ("市役所の職員", "毎日同じ仕事の繰り返しでやりがいを見失いがちです"),
    ],
    "hobbies": [
        ("書道", "墨の香りと筆の運び"), ("茶道", "お茶を点てる静かな時間"), ("登山", "山頂から見る雲海"),
        ("釣り", "早朝の海の静けさ"), ("写真", "路地裏に差し込む夕日"), ("将棋", "一手を考え抜く緊張感"),
        ("盆栽", "小さな木が季節ごとに姿を変えること"), ("料理", "出汁がきれいに取れた瞬間"),
        ("ランニング", "川沿いを走るときの朝の風"), ("生け花", "季節の花をひとつの器にまとめること"),
        ("俳句", "五七五に季節を閉じ込めること"), ("陶芸", "ろくろの上で土が形になる瞬間"),
    ],
    "events": [
        "先月、初めての子どもが生まれました", "来年、東京から地元に戻ることにしました",
        "長年勤めた会社を定年退職しました", "初めてフルマラソンに挑戦することにしました",
        "最近、祖母の古い家を受け継ぎました", "春から海外で働くことが決まりました",
        "結婚して新しい町に引っ越しました", "父の店を継ぐかどうか迷っています",
    ],
    "media": [
        ("ブログ", "ブログ", "読者", "一本の記事"), ("ポッドキャスト", "番組", "リスナー", "一回の配信"),
        ("YouTubeチャンネル", "チャンネル", "視聴者", "一本の動画"), ("ZINE", "ZINE", "読者", "一ページ"),
        ("地域の教室", "教室", "参加者", "一回の教室"), ("小さな写真展", "写真展", "来場者", "一枚の写真"),
    ],
    "fields": {
        "science": ("科学", "実験"), "life": ("生命科学", "観察"), "computing": ("数学", "計算"),
        "invention": ("発明", "試作"), "art": ("絵画", "スケッチ"), "design": ("デザイン", "試作"),
        "music": ("音楽", "練習"), "writing": ("文学", "執筆"), "exploration": ("探検", "遠征"),
        "sports": ("スポーツ", "トレーニング"), "leadership": ("社会を変える仕事", "人々との対話"),
        "philosophy": ("哲学", "対話"), "performance": ("舞台と映画", "稽古"),
    },
    "personas": [
        "{city}で{job}をしています。{food}が大好物で、休日は{hobby1}を楽しんでいます。最近は{hobby2}にも興味があります。{event}。",
        "{city}生まれ、{city}育ちの{job}です。{spot}の近くに住んでいて、{hobby1}と{hobby2}が生きがいです。",
        "{job}として毎日忙しく働いていますが、{hobby1}の時間だけは大切にしています。{city}に住んでいます。{event}。",
    ],
    "opener": (
        ["{name}さん、はじめまして！{city}で{job}をしています。{field}の世界に入ったきっかけを教えていただけますか？",
         "まさか{name}さんとお話しできるなんて！私は{city}の{job}です。{field}のどんなところに惹かれたんですか？"],
        ["ありがとうございます。最初はただの好奇心でしたが、{practice}を重ねるうちに、もう離れられなくなりました。{city}の{job}さんなら、きっと毎日いろいろな物語があるのでしょうね。",
         "お会いできてうれしいです。私にとって{field}は呼吸のようなもので、毎日の{practice}がすべての始まりでした。あなたのお仕事にも同じような粘り強さが必要でしょう。"],
    ),
    "moves": {
        "hobby2": (
            ["仕事以外では{hobby2}に夢中なんです。特に{detail2}が好きで。こういう趣味にも意味があると思いますか？",
             "笑わないでくださいね。一番ほっとできるのは{hobby2}の時間なんです。こういう小さな趣味にも意味があると思いますか？"],
            ["もちろん意味がありますよ。{detail2}を味わう心は、私が{practice}に打ち込んでいたときの集中とよく似ています。ぜひ続けてください。",
             "大ありです。{hobby2}を楽しめる人は、待つことの大切さを知っている人です。私も{practice}で心を落ち着けていました。"]),
        "job": (
            ["{job}の仕事は正直きついです。{struggle}。つらいとき、どうやって乗り越えてきましたか？",
             "最近、{struggle}。もう辞めたいと思うこともあります。{name}さんにもそんな時期はありましたか？"],
            ["私にも何度もありました。{field}の道では、成功よりも失敗のほうがずっと多かったです。くじけそうなときは、基本の{practice}に戻って少しずつ自信を取り戻しました。",
             "その気持ち、よくわかります。まずは自分の体を大事にしてください。そして、毎日続けられる小さなことをひとつ持つこと。私にとってはそれが{practice}でした。"]),
        "city": (
            ["もし{city}に来られたら、{spot}にご案内して、{food}をごちそうしますね！",
             "{city}といえば{food}なんです。{name}さんも食べてみたいですか？"],
            ["それは楽しみです！知らない町では、地元の人の暮らしをゆっくり眺めるのが好きなんです。{spot}と{food}、しっかり覚えておきます。",
             "楽しみです。おいしい料理は、よい作品と同じで、その土地の心が詰まっていますから。"]),
        "event": (
            ["ちょっと聞いてください。{event}。うれしい反面、少し不安なんです。",
             "実は最近、生活が大きく変わりました。{event}。自分にやっていけるのか心配です。"],
            ["おめでとうございます。人生の節目に不安になるのは自然なことです。私が{field}の道で大事なことを学んだのも、いつも変化のときでした。",
             "きっと大丈夫ですよ。大きな変化は私の{practice}と同じで、一歩踏み出してはじめて身につくものです。"]),
    },
    "finals": {
        "project": (
            ["実は、{topic}についての{medium_acc}を始めようか考えているんです。人の心に届くものにするには、どうしたらいいでしょう？",
             "{topic}専門の{medium_acc}を作りたいのですが、誰にも見てもらえなかったらと思うと怖くて。何かアドバイスをいただけますか？"],
            ["すてきな考えですね。まずはあなた自身が心を動かされたこと、たとえば{detail}から伝えてみてください。私が{practice}を毎日続けたように、少しずつ積み重ねれば、{audience}にも必ずその熱意が伝わります。",
             "気負わなくて大丈夫です。私が{field}に打ち込み始めたころも、誰も期待していませんでした。まずは{unit}から、{topic}の好きな瞬間、たとえば{detail}を丁寧に伝えてみてください。",
             "私なら{detail}の話から始めます。{topic}は技術だけでなく、生き方そのものです。{city}での日常も織り込めば、世界にひとつだけの{medium_nom}になりますよ。"]),
        "job_advice": (
            ["もし{name}さんが{job}だったら、まず何を変えますか？",
             "私のような{job}が、毎日同じことの繰り返しから抜け出すにはどうしたらいいでしょうか？"],
            ["まず、自分だけの時間を一日に少しでも確保します。{hobby1}の時間でもいいのです。私もつらい時期は{practice}に支えられました。今の苦しさは永遠には続きません。",
             "毎日の積み重ねを軽く見ないでください。{field}でも、本当の進歩は目に見えないところで育ちます。週に一度、できたことを書き出してみると、自分がどれだけ進んだかに気づけるはずです。",
             "視点を少し変えてみましょう。{job}として出会う人や出来事は、私にとっての{practice}と同じ、学びの材料です。{city}の日常の中にも、きっと新しい発見がありますよ。"]),
        "city_visit": (
            ["もし{city}で一日過ごせるとしたら、どこに行きたいですか？",
             "{city}に来たら、まず何を見てみたいですか？"],
            ["まずは{spot}を歩いて、{practice}のときのように静かに観察したいですね。それから{food}は絶対に外せません。最後に、あなたの好きな{hobby1}を一緒に体験させてください。",
             "{food}を食べながら、地元の人と話がしたいです。その町を知るいちばんの近道は、人の話を聞くことですから。{spot}の夕暮れも見てみたいですね。"]),
        "hobby_link": (
            ["{hobby1}と{field}には、何か共通点があると思いますか？",
             "{hobby1}から、{name}さんのような仕事の姿勢を学ぶことはできますか？"],
            ["もちろんです。{detail1}に向き合う集中力は、私が{practice}で必要としたものとまったく同じです。好きなことに真剣になれる人は、どんな道でも伸びていきます。",
             "ええ。どちらも近道はなく、毎日の小さな積み重ねが形になります。{hobby1}で身につけた忍耐は、きっと{job}のお仕事にも生きているはずです。"]),
    },
}

KOREAN = {
    "local_names": 2,
    "cities": [
        ("부산", "해운대", "돼지국밥"), ("전주", "한옥마을", "비빔밥"), ("제주", "성산일출봉", "흑돼지 구이"),
        ("서울", "망원시장", "떡볶이"), ("대구", "서문시장", "납작만두"), ("강릉", "안목해변 커피거리", "초당 순두부"),
        ("인천", "차이나타운", "짜장면"), ("춘천", "소양강", "닭갈비"), ("경주", "황리단길", "황남빵"),
        ("광주", "양림동 골목", "떡갈비"),
    ],
    "jobs": [
        ("고등학교 수학 교사", "입시철이면 밤늦게까지 학생들 상담을 해요"), ("간호사", "야간 근무가 계속돼서 몸이 버티질 못해요"),
        ("개발자", "마감 때마다 새벽까지 야근을 해요"), ("카페 사장", "임대료가 올라서 가게를 유지하기가 힘들어요"),
        ("택배 기사", "하루에 삼백 개 넘는 상자를 나르다 보면 녹초가 돼요"), ("대학원생", "논문이 생각만큼 진척되지 않아요"),
        ("어린이집 교사", "하루 종일 아이들을 돌보다 보면 목이 다 쉬어요"), ("공무원", "매일 같은 일의 반복이라 보람을 잃을 때가 있어요"),
        ("어부", "날씨가 나쁘면 며칠씩 배를 못 띄워요"), ("웹툰 작가", "매주 마감에 쫓겨서 잠을 제대로 못 자요"),
    ],
    "hobbies": [
        ("등산", "정상에서 내려다보는 단풍"), ("서예", "먹 냄새와 붓끝의 움직임"), ("사진", "골목길에 비치는 저녁 햇살"),
        ("바둑", "한 수를 두기 전의 고요한 긴장감"), ("캠핑", "밤하늘 아래 모닥불 소리"), ("베이킹", "갓 구운 빵 냄새"),
        ("요가", "아침 공기 속에서 천천히 숨 쉬는 시간"), ("낚시", "새벽 바다의 고요함"), ("러닝", "강변을 따라 달릴 때의 바람"),
        ("도자기 공예", "물레 위에서 흙이 모양을 갖춰 가는 순간"), ("통기타 연주", "좋아하는 노래를 기타로 치는 순간"),
        ("독서 모임", "같은 책을 두고 서로 다른 생각을 나누는 시간"),
    ],
    "events": [
        "지난달에 첫아이가 태어났어요", "회사를 그만두고 고향으로 내려가기로 했어요", "올해 처음으로 마라톤에 도전하기로 했어요",
        "얼마 전에 결혼해서 새 동네로 이사했어요", "부모님 가게를 물려받을지 고민 중이에요", "내년부터 해외에서 일하게 됐어요",
        "드디어 제 이름으로 된 작은 집을 마련했어요", "딸이 올해 대학에 합격했어요",
    ],
    "media": [
        ("블로그", "블로그", "독자", "글 한 편"), ("팟캐스트", "팟캐스트", "청취자", "에피소드 하나"),
        ("유튜브 채널", "채널", "시청자", "영상 하나"), ("인스타그램 계정", "계정", "팔로워", "게시물 하나"),
        ("동네 원데이 클래스", "클래스", "참가자", "수업 한 번"), ("작은 사진전", "사진전", "관람객", "사진 한 장"),
    ],
    "fields": {
        "science": ("과학", "실험"), "life": ("생명과학", "관찰"), "computing": ("수학", "계산"),
        "invention": ("발명", "시제품 제작"), "art": ("그림", "스케치"), "design": ("디자인", "시안 작업"),
        "music": ("음악", "연습"), "writing": ("문학", "글쓰기"), "exploration": ("탐험", "원정"),
        "sports": ("스포츠", "훈련"), "leadership": ("세상을 바꾸는 일", "사람들과의 대화"),
        "philosophy": ("철학", "대화"), "performance": ("연기", "리허설"),
    },
    "personas": [
        "{city}에서 {job}(으로) 일하고 있어요. {food}(을) 제일 좋아하고, 주말에는 {hobby1}(을) 즐겨요. 요즘은 {hobby2}에도 관심이 생겼어요. {event}.",
        "{city}에서 나고 자란 {job}(이에요). {spot} 근처에 살고, {hobby1}(와) {hobby2}(이) 삶의 낙이에요.",
        "{job}(으로) 매일 바쁘게 살지만 {hobby1}(을) 하는 시간만큼은 꼭 지켜요. {city}에 살고 있어요. {event}.",
    ],
    "opener": (
        ["{name} 님, 안녕하세요! 저는 {city}에서 일하는 {job}(이에요). {field}의 길을 걷게 된 계기가 궁금해요.",
         "{name} 님과 이야기할 수 있다니 꿈만 같아요! {city}에서 {job}(으로) 일하고 있는데요, {field}의 어떤 점에 그렇게 끌리셨어요?"],
        ["반가워요. 처음에는 그저 호기심이었는데, {practice}(을) 거듭하다 보니 평생의 일이 되었어요. {city}의 {job}(이라면) 매일 다양한 이야기가 있겠네요.",
         "만나서 기뻐요. 저에게 {field}(은) 숨 쉬는 것과 같았고, 모든 건 매일의 {practice}에서 시작됐어요. 당신의 일에도 그런 끈기가 필요하겠지요."],
    ),
    "moves": {
        "hobby2": (
            ["일 말고는 {hobby2}에 푹 빠져 있어요. 특히 {detail2}(이) 좋아요. 이런 취미도 의미가 있을까요?",
             "웃지 마세요. 제가 제일 편안해지는 시간은 {hobby2}(을) 할 때예요. 이런 작은 취미에도 의미가 있을까요?"],
            ["당연히 의미가 있지요. {detail2}(을) 즐기는 마음은 제가 {practice}에 몰두할 때의 집중과 아주 닮았어요. 꼭 계속하세요.",
             "그럼요. {hobby2}(을) 즐길 줄 아는 사람은 기다림의 소중함을 아는 사람이에요. 저도 {practice}(으로) 마음을 가라앉히곤 했어요."]),
        "job": (
            ["{job} 일이 솔직히 힘들어요. {struggle}. 힘들 때 어떻게 버티셨어요?",
             "요즘 {struggle}. 그만두고 싶을 때도 있어요. {name} 님도 그런 시기가 있으셨나요?"],
            ["저에게도 그런 때가 많았어요. {field}의 길에서는 성공보다 실패가 훨씬 많았어요. 무너질 것 같을 때면 기본적인 {practice}(으로) 돌아가서 조금씩 자신감을 되찾았어요.",
             "그 마음 잘 알아요. 우선 몸부터 챙기세요. 그리고 매일 이어 갈 수 있는 작은 일 하나를 정해 두세요. 저에게는 그게 {practice}(이었어요)."]),
        "city": (
            ["{city}에 오시면 {spot}에 모시고 가서 {food}(을) 대접할게요!",
             "{city} 하면 {food}(이에요). {name} 님도 드셔 보고 싶으세요?"],
            ["정말 기대되네요! 낯선 도시에서는 그곳 사람들이 사는 모습을 천천히 구경하는 걸 좋아해요. {spot}(와) {food}, 꼭 기억해 둘게요.",
             "정말 좋아요. 좋은 음식은 좋은 작품처럼 그 땅의 마음을 담고 있으니까요."]),
        "event": (
            ["제 얘기 좀 들어 보세요. {event}. 기쁘면서도 조금 불안해요.",
             "요즘 제 삶이 많이 달라졌어요. {event}. 잘 해낼 수 있을지 걱정이에요."],
            ["축하해요. 인생의 전환점에서 불안한 건 자연스러운 일이에요. 저도 {field}에서 중요한 걸 배운 건 늘 변화의 순간이었어요.",
             "분명 잘 해낼 거예요. 큰 변화는 제 {practice}(와) 같아서, 한 걸음 내디뎌야 비로소 익숙해져요."]),
    },
    "finals": {
        "project": (
            ["사실 {topic}에 관한 {medium_acc}(을) 시작해 볼까 생각 중이에요. 사람들 마음에 닿으려면 어떻게 해야 할까요?",
             "{topic}만 다루는 {medium_acc}(을) 만들고 싶은데, 아무도 안 보면 어쩌나 걱정돼요. 조언 좀 해 주시겠어요?"],
            ["멋진 생각이에요. 먼저 당신의 마음을 움직였던 순간, 예를 들어 {detail}부터 이야기해 보세요. 제가 매일 {practice}(을) 이어 갔듯이 조금씩 쌓아 가면 {audience}도 그 열정을 느낄 거예요.",
             "걱정하지 마세요. 제가 {field}에 뛰어들었을 때도 아무도 기대하지 않았어요. {unit}부터 시작해서 {topic}의 좋아하는 순간, 예를 들면 {detail}(을) 정성껏 전해 보세요.",
             "저라면 {detail} 이야기부터 시작하겠어요. {topic}(은) 기술이 아니라 삶의 태도니까요. {city}에서의 일상까지 담으면 세상에 하나뿐인 {medium_nom}(이) 될 거예요."]),
        "job_advice": (
            ["만약 {name} 님이 {job}(이라면), 무엇부터 바꾸시겠어요?",
             "저 같은 {job}(이) 매일 똑같은 일상에서 벗어나려면 어떻게 해야 할까요?"],
            ["먼저 하루에 조금이라도 나만의 시간을 만들겠어요. {hobby1}(을) 하는 시간이어도 좋아요. 저도 힘든 시기에는 {practice} 덕분에 버틸 수 있었어요. 지금의 어려움이 영원하지는 않아요.",
             "매일의 꾸준함을 가볍게 여기지 마세요. {field}에서도 진짜 발전은 눈에 보이지 않는 곳에서 자라요. 일주일에 한 번, 해낸 일을 적어 보면 얼마나 멀리 왔는지 알게 될 거예요.",
             "조금 관점을 바꿔 보세요. {job}(으로) 만나는 사람과 일들은 저에게 {practice}(이) 그랬듯 배움의 재료예요. {city}의 일상 속에도 분명 새로운 발견이 있을 거예요."]),
        "city_visit": (
            ["만약 {city}에서 하루를 보내신다면 어디에 가고 싶으세요?",
             "{city}에 오시면 제일 먼저 뭘 보고 싶으세요?"],
            ["먼저 {spot}(을) 걸으면서 {practice} 때처럼 조용히 관찰하고 싶어요. 그리고 {food}(은) 절대 빼놓을 수 없지요. 마지막으로 당신이 좋아하는 {hobby1}도 함께 해 보고 싶어요.",
             "{food}(을) 먹으면서 그곳 사람들과 이야기를 나누고 싶어요. 도시를 알아 가는 가장 빠른 길은 사람들의 이야기를 듣는 거니까요. {spot}의 저녁 풍경도 보고 싶네요."]),
        "hobby_link": (
            ["{hobby1}(와) {field}에는 어떤 공통점이 있다고 생각하세요?",
             "{hobby1}에서 {name} 님 같은 일하는 자세를 배울 수 있을까요?"],
            ["물론이에요. {detail1}에 집중하는 힘은 제가 {practice}에서 필요로 했던 것과 똑같아요. 좋아하는 일에 진지한 사람은 어떤 길에서든 성장해요.",
             "그럼요. 둘 다 지름길이 없고, 매일의 작은 쌓임이 결국 모양을 만들어요. {hobby1}에서 배운 인내는 {job}(으로)서의 일에도 분명 살아 있을 거예요."]),
    },
}

USER_SHIFT_LANGS = {"german": GERMAN, "spanish": SPANISH, "chinese": CHINESE, "japanese": JAPANESE, "korean": KOREAN}


# ----------------------------------------------------------------------------------------------
# Helpers.
# ----------------------------------------------------------------------------------------------
def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _with_caps(slots: dict[str, str]) -> dict[str, str]:
    out = dict(slots)
    for key, value in slots.items():
        out[key + "_cap"] = _cap(value)
    return out


_KO_PAIRS = {
    "이었어요": ("이었어요", "였어요"), "이에요": ("이에요", "예요"), "이라면": ("이라면", "라면"),
    "으로": ("으로", "로"), "을": ("을", "를"), "은": ("은", "는"), "이": ("이", "가"), "와": ("과", "와"),
}
_KO_RE = re.compile(r"([^\s(])\((이었어요|이에요|이라면|으로|을|은|이|와)\)")


def _ko_particles(text: str) -> str:
    """Resolve Korean particle markers like ``책(을)`` -> ``책을`` from the preceding syllable's final consonant."""

    def pick(match: re.Match) -> str:
        char, marker = match.group(1), match.group(2)
        code = ord(char) - 0xAC00
        final = code % 28 if 0 <= code < 11172 else 0
        with_final, without_final = _KO_PAIRS[marker]
        if marker == "으로":
            use = with_final if final not in (0, 8) else without_final  # 8 = ㄹ takes 로
        else:
            use = with_final if final else without_final
        return char + use

    return _KO_RE.sub(pick, text)


def _their(text: str) -> str:
    return re.sub(r"\bmy\b", "their", text)


def _your(text: str) -> str:
    """First-person phrase of a character as the user would say it ("my" -> "your")."""
    return re.sub(r"\bmy\b", "your", text)


# ----------------------------------------------------------------------------------------------
# Characters.
# ----------------------------------------------------------------------------------------------
def real_characters() -> list[dict]:
    chars = []
    for name, domain, cat, home, basic, work, method, setback, lesson, traits in REAL_CHARACTERS:
        field = CATEGORY_EN[cat]
        record = {
            "character_name": name,
            "character_domain": domain,
            "character_source": "Real-world figure",
            "basic_character_information": basic,
            "character_background": f"From {home}; best known for {work}.",
            "character_personality": f"{name} is {traits}.",
        }
        chars.append({"record": record, "name": name, "cat": cat, "home": home, "field": field, "work": work,
                      "method": method, "setback": setback, "lesson": lesson})
    return chars


def fictional_characters() -> list[dict]:
    chars = []
    for name, domain, source, home, basic, work, field, method, setback, lesson, traits in FICTIONAL_CHARACTERS:
        record = {
            "character_name": name,
            "character_domain": domain,
            "character_source": source,
            "basic_character_information": basic,
            "character_background": f"From {home}; best known for {_their(work)}.",
            "character_personality": f"{name} is {traits}.",
        }
        chars.append({"record": record, "name": name, "cat": None, "home": home, "field": field, "work": work,
                      "method": method, "setback": setback, "lesson": lesson})
    return chars


# ----------------------------------------------------------------------------------------------
# Personas.
# ----------------------------------------------------------------------------------------------
def _pick_two_hobbies(rng: random.Random, hobbies: list[tuple[str, str]]) -> tuple[tuple[str, str], tuple[str, str]]:
    while True:
        h1, h2 = rng.sample(hobbies, 2)
        if h1[0] not in h2[0] and h2[0] not in h1[0]:
            return h1, h2


def english_personas(rng: random.Random, n: int) -> list[dict]:
    personas, seen = [], set()
    while len(personas) < n:
        job, struggle = rng.choice(EN_JOBS)
        city, spot = rng.choice(EN_CITIES)
        (hobby1, detail1), (hobby2, detail2) = _pick_two_hobbies(rng, EN_HOBBIES)
        event = rng.choice(EN_EVENTS)
        slots = {"job": job, "struggle": struggle, "city": city, "spot": spot, "hobby1": hobby1, "detail1": detail1,
                 "hobby2": hobby2, "detail2": detail2, "event": event, "event_low": event[:1].lower() + event[1:]}
        text = rng.choice(EN_PERSONA_TEMPLATES).format(**_with_caps(slots))
        if text in seen:
            continue
        seen.add(text)
        personas.append({"text": text, **slots})
    return personas


def local_personas(rng: random.Random, lang: dict, n: int, korean: bool) -> list[dict]:
    personas, seen = [], set()
    while len(personas) < n:
        city, spot, food = rng.choice(lang["cities"])
        job, struggle = rng.choice(lang["jobs"])
        (hobby1, detail1), (hobby2, detail2) = _pick_two_hobbies(rng, lang["hobbies"])
        event = rng.choice(lang["events"])
        slots = {"job": job, "struggle": struggle, "city": city, "spot": spot, "food": food, "hobby1": hobby1,
                 "detail1": detail1, "hobby2": hobby2, "detail2": detail2, "event": event}
        text = rng.choice(lang["personas"]).format(**_with_caps(slots))
        if korean:
            text = _ko_particles(text)
        if text in seen:
            continue
        seen.add(text)
        personas.append({"text": text, **slots})
    return personas


# ----------------------------------------------------------------------------------------------
# Dialogues.
# ----------------------------------------------------------------------------------------------
def _en_slots(persona: dict, char: dict, user_voice: bool) -> dict[str, str]:
    slots = {k: v for k, v in persona.items() if k != "text"}
    slots.update({"name": char["name"], "field": char["field"], "home": char["home"], "method": char["method"],
                  "setback": char["setback"], "lesson": char["lesson"],
                  "work": _your(char["work"]) if user_voice else char["work"]})
    return slots


def _project_slots(persona: dict, topic_key: str, medium: tuple[str, ...]) -> dict[str, str]:
    return {"topic": persona["hobby" + topic_key], "detail": persona["detail" + topic_key],
            "medium_a": medium[0], "medium": medium[1], "audience": medium[2], "unit": medium[3]}


def render_en_final(final: str, q_idx: int, g_idx: int, persona: dict, char: dict,
                    topic_key: str = "1", medium: tuple[str, ...] = EN_MEDIA[0]) -> tuple[str, str]:
    """Render the last user query and golden response of an English dialogue."""
    extra = _project_slots(persona, topic_key, medium) if final == "project" else {}
    user = _with_caps({**_en_slots(persona, char, True), **extra})
    agent = _with_caps({**_en_slots(persona, char, False), **extra})
    queries, goldens = EN_FINALS[final]
    return queries[q_idx].format(**user), goldens[g_idx].format(**agent)


def english_dialogue(rng: random.Random, persona: dict, char: dict, *, opener: bool = True,
                     final: str | None = None, required_moves: tuple[str, ...] = (),
                     exclude_moves: frozenset = frozenset(), exclude_finals: frozenset = frozenset(),
                     topic_key: str | None = None) -> dict:
    """One 4-turn English dialogue: 4 (query, response) pairs, the last response being the golden one."""
    if final is None:
        final = rng.choice(sorted(set(EN_FINALS) - exclude_finals
                                  - {f for f, m in FINAL_CONFLICTS.items() if m in exclude_moves}))
    pool = sorted(set(EN_MOVES) - exclude_moves - {FINAL_CONFLICTS.get(final)} - set(required_moves))
    n_moves = 2 if opener else 3
    moves = list(required_moves) + rng.sample(pool, n_moves - len(required_moves))
    rng.shuffle(moves)
    user = _with_caps(_en_slots(persona, char, True))
    agent = _with_caps(_en_slots(persona, char, False))
    pairs = []
    if opener:
        pairs.append((rng.choice(EN_OPENER[0]).format(**user), rng.choice(EN_OPENER[1]).format(**agent)))
    for move in moves:
        queries, responses = EN_MOVES[move]
        pairs.append((rng.choice(queries).format(**user), rng.choice(responses).format(**agent)))
    queries, goldens = EN_FINALS[final]
    q_idx, g_idx = rng.randrange(len(queries)), rng.randrange(len(goldens))
    if topic_key is None:
        topic_key = rng.choice(["1", "2"])
    medium = rng.choice(EN_MEDIA)
    pairs.append(render_en_final(final, q_idx, g_idx, persona, char, topic_key, medium))
    return {"pairs": pairs, "moves": moves, "final": final, "q_idx": q_idx, "g_idx": g_idx,
            "topic_key": topic_key, "medium": medium}


def local_dialogue(rng: random.Random, lang: dict, persona: dict, char: dict, korean: bool) -> list[tuple[str, str]]:
    """One 4-turn dialogue written natively in a user-shift language."""
    field, practice = lang["fields"][char["cat"]]
    name = char["name"] if lang["local_names"] is None else LOCAL_NAMES[char["name"]][lang["local_names"]]
    slots = {k: v for k, v in persona.items() if k != "text"}
    slots.update({"name": name, "field": field, "practice": practice})
    final = rng.choice(sorted(lang["finals"]))
    pool = sorted(set(lang["moves"]) - {FINAL_CONFLICTS.get(final)})
    moves = rng.sample(pool, 2)
    if final == "project":
        key = rng.choice(["1", "2"])
        medium = rng.choice(lang["media"])
        slots.update({"topic": persona["hobby" + key], "detail": persona["detail" + key], "medium_acc": medium[0],
                      "medium_nom": medium[1], "audience": medium[2], "unit": medium[3]})
    slots = _with_caps(slots)
    pairs = [(rng.choice(lang["opener"][0]).format(**slots), rng.choice(lang["opener"][1]).format(**slots))]
    for move in moves:
        queries, responses = lang["moves"][move]
        pairs.append((rng.choice(queries).format(**slots), rng.choice(responses).format(**slots)))
    queries, goldens = lang["finals"][final]
    pairs.append((rng.choice(queries).format(**slots), rng.choice(goldens).format(**slots)))
    if korean:
        pairs = [(_ko_particles(q), _ko_particles(a)) for q, a in pairs]
    return pairs


# Non-linear interleavings of two 4-pair dialogues (d, i): the last pair is the one to answer.
TURN_PATTERNS = [
    [(0, 0), (0, 1), (1, 0), (0, 2), (1, 1), (1, 2), (1, 3), (0, 3)],
    [(0, 0), (1, 0), (0, 1), (1, 1), (0, 2), (0, 3), (1, 2), (1, 3)],
    [(0, 0), (1, 0), (1, 1), (0, 1), (1, 2), (1, 3), (0, 2), (0, 3)],
    [(0, 0), (0, 1), (0, 2), (1, 0), (0, 3), (1, 1), (1, 2), (1, 3)],
]


def turn_level_dialogue(rng: random.Random, persona: dict, char: dict) -> list[tuple[str, str]]:
    """An 8-turn dialogue recombining the turns of two 4-turn dialogues of the same persona and character."""
    first = english_dialogue(rng, persona, char, opener=True)
    taken = set(first["moves"]) | {FINAL_CONFLICTS.get(first["final"])} - {None}
    second = english_dialogue(rng, persona, char, opener=False, exclude_moves=frozenset(taken),
                              exclude_finals=frozenset({first["final"]}))
    dialogues = (first["pairs"], second["pairs"])
    return [dialogues[d][i] for d, i in rng.choice(TURN_PATTERNS)]


def word_level_dialogue(rng: random.Random, persona: dict, char: dict) -> tuple[list[tuple[str, str]], dict]:
    """A 4-turn dialogue whose last query has its topic replaced by the hobby mentioned earlier (table 11)."""
    original = english_dialogue(rng, persona, char, opener=True, final="project", required_moves=("hobby2",),
                                topic_key="1")
    new_query, new_golden = render_en_final("project", original["q_idx"], original["g_idx"], persona, char,
                                            "2", original["medium"])
    old_query, old_golden = original["pairs"][-1]
    pairs = original["pairs"][:-1] + [(new_query, new_golden)]
    info = {"original_query": old_query, "original_golden": old_golden,
            "old_phrase": persona["hobby1"], "new_phrase": persona["hobby2"]}
    return pairs, info


def word_level(rng: random.Random) -> tuple[str, dict, list[str], str, str]:
    """One stand-alone word-level sample: (persona, character record, texts, golden, original last query)."""
    persona = english_personas(rng, 1)[0]
    char = rng.choice(real_characters())
    pairs, info = word_level_dialogue(rng, persona, char)
    context, golden = _context(pairs)
    texts = [next(iter(turn.values())) for turn in context]
    return persona["text"], dict(char["record"]), texts, golden, info["original_query"]


def _context(pairs: list[tuple[str, str]]) -> tuple[list[dict], str]:
    turns: list[dict] = []
    for query, response in pairs[:-1]:
        turns.append({"user_query": query})
        turns.append({"agent_response": response})
    turns.append({"user_query": pairs[-1][0]})
    return turns, pairs[-1][1]


# ----------------------------------------------------------------------------------------------
# Build.
# ----------------------------------------------------------------------------------------------
SPLITS = ("IDTrain", "IDTest", "OOD1Test", "OOD2Test", "OOD3Test")
CHARACTER_SHIFT_DOMAINS = ("Literature", "Film & Television", "Theater", "Gaming")


def build_all(seed: int = SEED) -> tuple[dict[str, list[dict]], dict[str, dict]]:
    """Build the benchmark; also return, per WordLevelComposition sample, its unmodified last turn."""
    rng = random.Random(seed)
    data: dict[str, list[dict]] = {split: [] for split in SPLITS}
    originals: dict[str, dict] = {}

    def add(split: str, persona_text: str, char: dict, pairs: list[tuple[str, str]], tag: str) -> str:
        context, golden = _context(pairs)
        sample_id = f"{split}-{len(data[split])}"
        data[split].append({
            "sample_ID": sample_id,
            "user_persona": persona_text,
            "agent_character": dict(char["record"]),
            "dialogue_context": context,
            "agent_golden_response": golden,
            "subset_tag": tag,
        })
        return sample_id

    reals = real_characters()
    fictional = fictional_characters()
    personas = english_personas(rng, 340)

    # ID: English personas x real-world characters, distinct (persona, character) pairs across train/test.
    used: set[tuple[int, int]] = set()
    for split, count in (("IDTrain", N_ID_TRAIN), ("IDTest", N_ID_TEST)):
        for _ in range(count):
            while True:
                key = (rng.randrange(len(personas)), rng.randrange(len(reals)))
                if key not in used:
                    used.add(key)
                    break
            persona, char = personas[key[0]], reals[key[1]]
            add(split, persona["text"], char, english_dialogue(rng, persona, char)["pairs"], split)

    # User shift: native personas and dialogues, real-world characters.
    for tag, lang in USER_SHIFT_LANGS.items():
        korean = tag == "korean"
        pool = reals if lang["local_names"] is None else [c for c in reals if c["name"] in LOCAL_NAMES]
        local = local_personas(rng, lang, 48, korean)
        for _ in range(N_PER_OOD_SUBSET):
            persona, char = rng.choice(local), rng.choice(pool)
            add("OOD1Test", persona["text"], char, local_dialogue(rng, lang, persona, char, korean), tag)

    # Character shift: English personas, fictional characters of four domains.
    for domain in CHARACTER_SHIFT_DOMAINS:
        pool = [c for c in fictional if c["record"]["character_domain"] == domain]
        for _ in range(N_PER_OOD_SUBSET):
            persona, char = rng.choice(personas), rng.choice(pool)
            add("OOD2Test", persona["text"], char, english_dialogue(rng, persona, char)["pairs"], domain)

    # Dialogue compositional shift: English personas, real-world characters, composed dialogues.
    for _ in range(N_PER_OOD_SUBSET):
        persona, char = rng.choice(personas), rng.choice(reals)
        add("OOD3Test", persona["text"], char, turn_level_dialogue(rng, persona, char), "TurnLevelComposition")
    for _ in range(N_PER_OOD_SUBSET):
        persona, char = rng.choice(personas), rng.choice(reals)
        pairs, info = word_level_dialogue(rng, persona, char)
        originals[add("OOD3Test", persona["text"], char, pairs, "WordLevelComposition")] = info
    return data, originals


def build(seed: int = SEED) -> dict[str, list[dict]]:
    """The benchmark as ``{split: [sample, ...]}``."""
    return build_all(seed)[0]


def dumps(data: dict[str, list[dict]]) -> str:
    """The JSON text: one split per key, one sample per line (compact, diff-friendly, valid JSON)."""
    lines = ["{"]
    for i, (split, samples) in enumerate(data.items()):
        lines.append(f" {json.dumps(split)}: [")
        for j, sample in enumerate(samples):
            comma = "," if j < len(samples) - 1 else ""
            lines.append("  " + json.dumps(sample, ensure_ascii=False) + comma)
        lines.append(" ]" + ("," if i < len(data) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else OUT_PATH
    data = build()
    out.write_text(dumps(data), encoding="utf-8")
    counts: dict[str, int] = {}
    for samples in data.values():
        for sample in samples:
            counts[sample["subset_tag"]] = counts.get(sample["subset_tag"], 0) + 1
    print(f"wrote {out} ({out.stat().st_size} bytes)")
    for tag, count in counts.items():
        print(f"  {tag}: {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
