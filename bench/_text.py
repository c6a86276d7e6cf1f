"""Word lists for plausible Swedish bench data (names, titles, comment sentences). Deterministic given a
`random.Random`."""

FIRST_NAMES = (
    "Amina Ahmed Anna Ali Elin Erik Fatima Hassan Ida Johan Karin Leila Lars Maria Mohammed Nora Omar Per "
    "Rahel Samir Sara Sofia Tomas Yusuf Zeynep Ebba Hugo Ines Jonas Lina Miriam Noah Olle Rut Selam Tove "
    "Aron Dalia Emil Hanna"
).split()
LAST_NAMES = (
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Ahmed Ali "
    "Hussein Mohammed Yilmaz Nguyen Kaya Haile Lindqvist Berg Lund Sandberg Mattsson Sjöberg Abdi Demir "
    "Rosenberg Taikon Sarri Ekström"
).split()
ORG_WORDS_A = (
    "Föreningen Förbundet Nätverket Rådet Stiftelsen Samfundet Kollektivet Alliansen Centrumet Gruppen "
    "Akademin Initiativet"
).split()
ORG_WORDS_B = (
    "för lika rättigheter|mot rasism|för unga i förorten|Stockholms Syd|för mänskliga rättigheter|"
    "för romsk kultur|för samiska frågor|för judiskt liv|för muslimska unga|Afrosvenskarna|"
    "för interkulturell dialog|Järva|Skärholmen|Rinkeby-Kista|Söderort|Västerort|för barns rätt|"
    "för nyanlända|för kvinnors organisering|för idrott och gemenskap"
).split("|")
DISTRICTS = (
    "Rinkeby-Kista|Spånga-Tensta|Hässelby-Vällingby|Bromma|Kungsholmen|Norrmalm|Östermalm|Södermalm|"
    "Enskede-Årsta-Vantör|Skarpnäck|Farsta|Älvsjö|Hägersten-Älvsjö|Skärholmen|hela staden"
).split("|")
TOPICS = (
    "kunskapshöjande insatser i skolan|samverkan med civilsamhället|uppföljning av utsatthet för rasism|"
    "stöd till unga som utsatts för rasism|utbildning för stadens medarbetare|antirasistiska "
    "fritidsaktiviteter|en årlig konferens om rasism|mätning av upplevd diskriminering|"
    "dialogforum i stadsdelarna|stöd till föreningars kunskapsarbete|en kampanj mot hat på nätet|"
    "rutiner för anmälan av kränkningar"
).split("|")
SENTENCES = (
    "Vi saknar barnperspektivet i detta avsnitt.",
    "Förslaget är bra men behöver en tydligare tidsplan.",
    "Hur ska uppföljningen gå till, och vem ansvarar?",
    "Civilsamhällets organisationer behöver ersättning för sin tid.",
    "Vi föreslår att texten nämner antiziganism uttryckligen.",
    "Det behövs material på fler språk än svenska och engelska.",
    "Samerna som urfolk bör ha en egen rad i handlingsplanen.",
    "Vi instämmer i förslaget och vill gärna bidra.",
    "Begreppet strukturell rasism bör förklaras.",
    "Unga själva måste få vara med och utforma insatsen.",
    "Erfarenheterna från Järva visar att lokala mötesplatser fungerar.",
    "Formuleringen kan missförstås; vi föreslår en annan lydelse.",
    "Vilka resurser avsätts för arbetet under 2027?",
    "Vi ser en risk att mindre föreningar inte hinner svara.",
    "Afrofobi behöver lyftas som en egen form av rasism i texten.",
    "Skolorna behöver konkreta verktyg, inte bara kunskap.",
)


def sentences(rng, low: int, high: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(low, high)))


def person_name(rng) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
