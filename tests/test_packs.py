"""Routine packs: every pack loads, encodes its source plan, and bad packs are rejected.

The seed-coverage lists below are copied from the source documents in ../shared/seeds/ (one
group per seed file), so a reviewer can see what each pack must contain. Each phrase must
occur in the Swedish texts of the pack that encodes it (whitespace and case normalised).
Where a seed has an obvious typo, the pack carries the corrected wording; the corrections
are listed in SIC and applied to the phrases before they are looked up in the pack. The
packs say "den utsatta" where the seeds say "den utsatte" (language.md's gender-neutral
word): WORDING, applied after SIC.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conversations.packs import (
    CATEGORY_IDS,
    PACK_DIR,
    QUESTION_IDS,
    ActionList,
    Pack,
    PackError,
    PackLibrary,
)

SEED_DIR = Path(
    os.environ.get("TRYGG_SEEDS", Path(__file__).resolve().parents[2] / "shared" / "seeds")
)
SEED_000 = "000_cdb537531ec6ac86.txt"  # Staffanstorp: handlingsplan
SEED_001 = "001_77c5793efcbcdad6.txt"  # Västerås: handlingsplan, otillåten påverkan
SEED_002 = "002_cab8ae18ba27b224.txt"  # Oxelösund: rutin 3.1.1–3.2.4
SEED_003 = "003_5b03c77610026aea.txt"  # Oxelösund: incidentrapport, checklista, uppföljning
SEED_004 = "004_60a603e494bad191.txt"  # Moderaterna i Kävlinge: policy och handlingsplaner

# Obvious typos in the seeds (seed wording -> wording in the pack).
SIC = {
    "den tänka mottagaren": "den tänkta mottagaren",
    "fått initialt stöd den utsatta": "fått initialt stöd i den utsatta",
    "har hålls": "har hållits",
    "har bedöms och dokumenteras": "har bedömts och dokumenterats",
    "har bedöms och dokumenterats": "har bedömts och dokumenterats",
    "Samtalsstöd med via": "Samtalsstöd via",
    "ansvarar för detta genomförs": "ansvarar för att detta genomförs",
    "etiskt ursprung": "etniskt ursprung",
    "ska bedömmas från fall": "ska bedömas från fall",
    "otillåtenpåverkan": "otillåten påverkan",
    "Var lyhörd i oro": "Var lyhörd för oro",
    "tas fram av tillsammans": "tas fram tillsammans",
    "personen i fråga är val till": "personen i fråga är vald till",
    "med slutna omröstning": "med sluten omröstning",
    "den utsatte och vara behjälplig": "den utsatte och var behjälplig",
    "valsekeln": "valsedeln",
}

# --- 003: Oxelösund, Bilaga 5, section 1 "Incidentrapport": the 10 questions and their help
SEED_003_FORM = [
    "Vem rapporterar incidenten?",
    "Namn, funktion, relation till den utsatte",
    "Vem utsattes?",
    "Namn, vilken nämnd/styrelse",
    "Vad utsattes personen för?",
    "Beskriv detaljrikt händelsen.",
    "Trakasserier, hot, skadegörelse, våld, korruption?",
    "Via brev, telefonsamtal, sms/mms, personligt framfört",
    "När och var inträffade händelsen?",
    "Plats och tidpunkt samt i vilket sammanhang händelsen inträffade.",
    "Var det någon annan som såg händelsen?",
    "T.ex. annan förtroendevald, familjemedlem?",
    "Nådde hotet fram till den tänka mottagaren?",
    "Vem/vilka utsatte den förtroendevalde?",
    "Känd/okänd förövare? En eller flera personer? Kön, ungefärlig ålder? Dialekt? "
    "Har förövaren utsatt andra förtroendevalda?",
    "Antas förövaren tillhöra en grupp/falang av något slag?",
    "Ja/nej? Om ja, vilken?",
    "Finns någon känd utlösande faktor?",
    "T.ex. särskild politisk fråga, ett beslut, annat?",
    "Beslut om eventuella åtgärder?",
    "Ex. polisanmälan, skyddsåtgärder för den utsatte",
    "Hur upplevde den utsatte incidenten?",
    "Skrämmande eller inte? Allvarligt menad eller inte?",
    "Incident- och händelsedokumentation görs av berört partis säkerhetsansvarig enskilt "
    "(tillämpliga delar) eller i samråd/samverkan med kommunens säkerhetsstrateg.",
]

# --- 003: section 2 "Checklista": every Check! question and Kommentar prompt
SEED_003_CHECKS = [
    "Har kommunens säkerhetsstrateg kontaktats?",
    "Har polisen kontaktats för en bedömning av händelsen?",
    "Har händelsen polisanmälts?",
    "Har den utsatte fått initialt stöd den utsatta situationen?",
    "Har den utsattes anhöriga informerats?",
    "Har den utsatte valt en stödperson?",
    "vem stöttade initialt?",
    "Vem valdes som stödperson?",
    "Har den utsatte fått sällskap till, och i avvaktan på, sjukvård?",
    "Har den utsatte haft sällskap vid transport samt i avvaktan på stödperson?",
    "Vem/vilka har hållit den utsatte sällskap?",
    "Följande initiala stödåtgärder har aktiverats:",
    "Följande har informerats om händelsen:",
]

# --- 003: section 3 "Stöd på längre sikt" and "Uppföljning"
SEED_003_FOLLOWUP = [
    "Närvarande",
    "Dokumentation av nuläge och behov av fortsatt stöd till den utsatte",
    "Kommunens rutin för hantering av hot- och våldssituationer eller trakasserier har tillämpats",
    "Följande sårbarheter/förbättringsmöjligheter i rutinen, och/eller i arbetet i övrigt, "
    "har konstaterats:",
    "Följande sårbarheter/förbättringsmöjligheter i övrigt har konstaterats när det gäller "
    "kommunens ”Plan för hantering av hot-, och våldssituationer samt trakasserier riktade "
    "mot förtroendevalda”",
]

# --- 002: Oxelösund routine, every Åtgärd/Aktivitet row 3.1.1–3.2.4
SEED_002_ROUTINE = [
    # 3.1.1
    "Den som har blivit utsatt för hot, våld etc informerar partiets säkerhetsansvarig",
    "Själv eller genom eget valt ombud, t ex initialt stöd",
    "Den utsatte och partiets säkerhetsansvarig gör en bedömning av situationen och "
    "kontaktar vid behov kommunens säkerhetsstrateg.",
    "Vid behov kontaktas kommunens säkerhetsstrateg",
    # 3.1.2
    "Polisen kontaktas för bedömning av om händelsen bör anmälas. Vid kontakt anges att "
    "händelsen har koppling till den utsattes politiska uppdrag.",
    # 3.1.3
    "Polisanmälan görs om den utsatte beslutar så",
    "Anmälaren begär att polisanmälan blir åtkomstskyddad",
    "Anmälaren uppger att händelsen har koppling till den utsattes politiska uppdrag",
    # 3.2.1
    "Den utsatte har fått initialt stöd (t ex från kamrat) för att inte lämnas ensam i den "
    "utsatta situationen",
    "Den utsatte har valt en stödperson, t ex anhörig, som den initiala stödpersonen kan kontakta.",
    # 3.2.2
    "Den utsatte har sällskap vid transport till, och i avvaktan på, sjukvård.",
    "Den utsatte har sällskap vid transport till hemmet eller annan vald plats.",
    "Den utsatte har sällskap i hemmet eller annan vald plats i avvaktan på vald stödperson, "
    "t ex anhörig",
    # 3.2.3
    "Information (endast nödvändig) om det inträffade lämnas till valda målgrupper, t ex;",
    "Partikamrater",
    "Övriga förtroendevalda",
    "Kommunens medarbetare",
    "Information (endast nödvändig) om det inträffade lämnas till massmedia",
    # 3.2.4
    "Ett initialt uppföljande samtal med inblandade, inom två veckor efter händelsen, har hålls",
    "Det initiala samtalet dokumenteras",
    "Behov av ytterligare uppföljande samtal har bedöms och dokumenteras",
    "Behov av professionellt stöd har bedöms och dokumenterats",
    "Professionellt stöd via kommunens företagshälsovård beställs och avropas",
]

# --- 000: Staffanstorp
SEED_000_ALWAYS_REPORT = [  # §4: always to the security unit; the police report
    "En incidentrapport ska alltid skrivas och lämnas till kommunens säkerhetschef.",
    "Säkerhetschefen kan hjälpa till med råd och stöd, samt hjälpa till med polisanmälan.",
    "Grunden är att en polisanmälan görs om någon förtroendevald blir utsatt för brott, till "
    "exempel i form av hot, trakasserier eller våld.",
    "Den som drabbas avgör om en anmälan ska göras",
    "ger betydligt större möjligheter för polisen att förhindra nya brott",
]
SEED_000_MEASURES = [  # §5 Stöd och skydd till utsatta
    "Personlarm",
    "Om en förtroendevald av polis eller kommunens säkerhetschef bedöms befinna sig i en "
    "utsatt situation kan ett personlarm erbjudas.",
    "via väktare ordna med skyddande eller ronderande bevakning",
    "Polisen bedömer hur stort behovet av skydd är och vilken skyddsåtgärd man beslutar att "
    "vidta i det enskilda fallet.",
    "Rådgivning, bevakning och olika tekniska hjälpmedel är några möjliga åtgärder.",
    "Samtalsstöd med via företagshälsovården erbjuds de förtroendevalda på samma sätt som om "
    "någon anställd varit utsatt för hot eller våld etc.",
]
SEED_000_ROLES = [  # §2 Fördelning av ansvar
    "händelserna har en koppling till uppdraget som förtroendevald och inte är av privat natur",
    "bör kommunen göra en generös tolkning när det gäller vad kommunen ska bidra med när en "
    "förtroendevald blivit utsatt",
    "utse säkerhetsansvariga kontaktpersoner, t.ex. gruppledarna i kommunfullmäktige",
    "De säkerhetsansvariga kontaktpersonerna i partierna",
    "se till att dessa riktlinjer blir kända för de förtroendevalda",
    "stödja sina medlemmar/förtroendevalda i händelse av hat, hot eller våld",
    "vid behov övergripande ansvara för kontakt med polis och kommunens säkerhetsenhet",
    "hålla sig uppdaterade om eventuella risker som kan finnas för de förtroendevalda inom "
    "sina partier, med hjälp av säkerhetsenheten göra riskanalyser",
    "delta i utbildningar anordnade av kommunen gällande hat, hot och våld mot förtroendevalda",
    "rapportera eventuella incidenter till kommunens säkerhetsenhet, partiets "
    "säkerhetsansvariga samt polisen",
    "Kommunens säkerhetsenhet",
    "ansvar för rådgivning och stöd till utsatta",
    "ta emot, dokumentera och administrera incidentrapporter",
    "vid behov informera och anordna utbildning kring hot, hat och våld",
    "bistå med kunskap när partierna genomför riskanalyser",
    "se till att det finns kontaktvägar upprättade med polis och andra berörda myndigheter",
]
SEED_000_DUTIES = [  # §3 Förebyggande arbete, §6 Revidering
    "under varje mandatperiod ska förtroendevalda utbildas i frågor som rör hat, hot och våld "
    "mot förtroendevalda",
    "riskanalyser genomförs i partierna, med hjälp av kommunens säkerhetsenhet",
    "vid konstaterad och bedömd hotbild kan skyddsåtgärder vidtas, dessa behöver anpassas "
    "efter situationen och bör beslutas före samråd med kommunens säkerhetsenhet",
    "Riktlinjerna granskas, och revideras vid behov, året före det år allmänna val genomförs.",
    "Kommundirektören ansvarar för detta genomförs.",
]

# --- 001: Västerås, otillåten påverkan and Definitioner
SEED_001_DEFINITIONS = [
    "Ett gemensamt samlingsnamn för hot, hat och våld är begreppet otillåten påverkan.",
    "Vad som är vad kan vara svårt att avgöra och det är också en bedömning som är individuell.",
    "Hat kan exempelvis upplevas som ett hot men juridiskt kanske det inte är det.",
    "Olika former av trakasserier, stalkning eller förföljelse",
    "Utpressning eller andra straffbara påtryckningar",
    "Hot om våld",
    "Fysiskt våld mot person eller egendom",
    "Korruption i form av otillbörliga erbjudanden av olika slag.",
    # Hot
    "Hot innebär att någon hotar att skada dig eller din egendom. Hotet som riktas mot dig kan "
    "omfatta andra personer, djur eller föremål som har stor betydelse för dig. För att hotet "
    "ska vara brottsligt måste du uppfatta hotet som allvarligt. Hot är en form av otillåten "
    "påverkan som kan vara allt från att någon har uttalat ett konkret hot, till att någon "
    "mottagit ett SMS eller motsvarande om att egendom ska skadas om en förtroendevald eller "
    "tjänsteperson inte fattar ett visst beslut eller förhåller sig passiv i sin gärning, som "
    "alltid handlar om straffbara gärningar.",
    # Hat
    "Hat kan ta sig uttryck på många olika sätt och är i grunden ett angrepp på de mänskliga "
    "rättigheterna och strider mot principen om alla människors lika värde. Det som kan "
    "definiera hat mot förtroendevald eller medarbetare är att den som hatar har en negativ "
    "inställning till vissa personers egenskaper. Hat kan handla om att kränka en person, en "
    "folkgrupp eller annan sådan grupp av personer som delar vissa egenskaper som till "
    "exempel ras, hudfärg, nationellt eller etiskt ursprung, trosbekännelse, sexuell läggning "
    "eller annan liknande omständighet. En förtroendevald eller medarbetare behöver inte "
    "passa in på någon av dessa beskrivningar för att bli offer för till exempel ett hatbrott. "
    "Det räcker med att gärningspersonen tror att du har någon av egenskaperna.",
    # Våld
    "Våld är när någon uppsåtligt tillfogar en annan person kroppsskada, sjukdom, smärta eller "
    "försätter personen i vanmakt eller liknande tillstånd, till exempel förlamar eller "
    "bedövar någon. Våld kan också kopplas till hot, hat eller annan otillbörlig påverkan "
    "genom att våldet utförs på egendom genom skadegörelse eller liknande.",
]
SEED_001_SUPPORT_AND_DUTIES = [
    "Stödet som ges ska bedömmas från fall till fall och därmed vara anpassat efter "
    "situation, risker och hotbilder.",
    "Vidare kan de förtroendevalda som har blivit utsatta för hot, hat eller våld få stöd av "
    "företagshälsovården.",
    "Varje förvaltning är ansvarig för sin egen nämnd och dess förtroendevaldas säkerhet och "
    "trygghet.",
    "Samtliga förtroendevalda, politiska sekreterare, nämndsekreterare ska en gång per halvår "
    "erbjudas utbildning om att upptäcka, förebygga och hantera hot, hat och våldssituationer.",
    "Första tillfället ska ske i början av ny mandatperiod och efter att fullmäktige har "
    "förrättat val till nämnder och styrelser.",
    "ansvarig att 4 gånger per mandatperiod bjuda in till ett samverkansmöte gällande hot, hat "
    "och våld mot de förtroendevalda.",
    "Revidering ska vara genomförd senast året innan ordinarie val till kommunfullmäktige.",
    "en gång per mandatperiod fastställa en riktlinje för hot, hat, våld och "
    "otillåtenpåverkan för medarbetare och förtroendevalda.",
]

# --- 004: Moderaterna i Kävlinge. Each "Handlingsplan" list, keyed by (role, category) of
# the pack; every phrase must be in that very list.
_SAMLA = (
    "Samla all info du har, när skedde hoten / trakasserier, har du mail, foto, telefonsamtal, "
    "något som kan hjälpa till att finna den som hotar/trakasserar."
)
_UTSATTE_COMMON = [
    "Kontakta omgående partiets säkerhetsansvarige för vidare stöd och information",
    "Gör polisanmälan om så ska göras",
    "Var tydlig med din oro och vad du behöver stöd med till partiets säkerhetsansvarige",
    "Du kommer bli kontaktad av en person i föreningen som är ditt stöd genom processen.",
]
_LYSSNA = (
    "Lyssna in och gör en bedömning över situationen. Be om att få den utsattes tankar och vad "
    "hen behöver för stöd"
)
_FORBUNDET = (
    "Kontakta omgående förbundet och informera om situationen. Rådgör om även "
    "riksorganisationen skall informeras"
)
_KONTAKTPERSON = (
    "Utse en person som har en god relation till den utsatte att vara kontaktperson och vara "
    "den som regelbundet hör av sig och stöttar i polisutredning, och i nya behov som kan "
    "uppstå."
)
_SAKERHET_ARRANGEMANG = (
    "Förening ansvarar för säkerheten hos den utsatte på föreningens arrangemang och stöttar "
    "även utanför dessa. Det är inte den utsattes ansvar att själv kontakta och hantera, detta "
    "ska förening hantera."
)
_MEDIA_UTFORS = (
    "Förening ansvarar för att plan för mediehantering och kommunikation utförs om så är nödvändigt"
)
_RATT = "Om polisanmälan går vidare till rätt, erbjud stöd och att vara med."
SEED_004_LISTS: dict[tuple[str, str], list[str]] = {
    # Trakasserier i relation till partiet
    ("targeted", "party"): ["Handlingsplan utsatte", _SAMLA, *_UTSATTE_COMMON],
    ("party_security", "party"): [
        "Handlingsplan partiets säkerhetsansvarige",
        _LYSSNA,
        "Informera omgående styrelse och ordförande i berörd nämnd om situationen.",
        _FORBUNDET,
        "Bedöm om kommunens säkerhetsansvarige ska informeras.",
        "Gör en säkerhetsbedömning för kommande tid. Arrangemang, kampanjer etc. Behövs "
        "förändringar göras pga situationen? Behöver förening hantera trygghetslarm eller "
        "andra trygghetsåtgärder?",
    ],
    ("association", "party"): [
        "Handlingsplan förening",
        _KONTAKTPERSON,
        "Ev information till hela gruppen görs när den utsatte känner sig redo för det.",
        "Var lyhörd i oro och ta den på allvar",
        _RATT,
        "Plan för eventuell mediehantering och kommunikation tas fram tillsammans med den utsatte",
        "Fullmäktigegruppen informeras",
        _MEDIA_UTFORS,
        _SAKERHET_ARRANGEMANG,
    ],
    # Trakasserier i relation till kommunala uppdrag
    ("targeted", "assignment"): [
        "Handlingsplan utsatte",
        "Samla all info du har, när skedde hoten/trakasserierna, har du mail, foto, "
        "telefonsamtal, något som kan hjälpa till att identifiera den som hotar/trakasserar.",
        "Kontakta kommunens säkerhetsansvarige för att få en bedömning av hot, läge, "
        "skyddsbehov, alternativt be partiets säkerhetsansvarige göra detta.",
        *_UTSATTE_COMMON,
    ],
    ("party_security", "assignment"): [
        "Handlingsplan partiets säkerhetsansvarige",
        _LYSSNA,
        "Informera omgående styrelse och ordförande i berörd nämnd om situationen.",
        "Kontakta omgående kommunens säkerhetsansvarige för att bilda en uppfattning om vad "
        "kommunen gör och vad föreningen ska komplettera med för stöd.",
        "Ingen information om situationen ska spridas utanför ovan nämnda grupp av personer om "
        "inte den utsatte ber om det eller själv väljer att informera andra.",
    ],
    ("association", "assignment"): [
        "Handlingsplan förening",
        "Gör en säkerhetsbedömning för kommande tid. Arrangemang, kampanjer etc. "
        "Säkerhetsansvarig ansvarar för åtgärder och ändrade rutiner vid kampanjer och andra "
        "partiaktiviteter.",
        _SAKERHET_ARRANGEMANG,
        _KONTAKTPERSON,
        "Var lyhörd för oro och ta den på allvar",
        _RATT,
        "Plan för eventuell mediehantering och kommunikation tas fram av tillsammans med den "
        "utsatte",
        "Fullmäktigegruppen informeras och ordförande i nämnd informerar moderata "
        "ledamöter/ersättare i nämnden efter den utsattes medgivande",
        _MEDIA_UTFORS,
    ],
    # Interna trakasserier
    ("targeted", "internal"): ["Handlingsplan utsatte", _SAMLA, *_UTSATTE_COMMON],
    ("party_security", "internal"): [
        "Handlingsplan partiets säkerhetsansvarige",
        _LYSSNA,
        "Rådgör med den utsatte vilka personer som kan involveras i ett inledande skede; "
        "Föreningsordförande, Vice föreningsordförande, Gruppledare samt Kommunstyrelsens "
        "ordförande.",
        "Informera föreningsordförande om situationen. Kalla, med föreningsordförande, in till "
        "ett omgående möte för att bedöma allvaret och vidare intern hantering.",
        _FORBUNDET,
    ],
    ("association", "internal"): [
        "Handlingsplan förening",
        # Okänd förövare
        "Okänd förövare",
        "Uppdra åt en mindre grupp, 2–3 personer, med säkerhetsansvarig som ansvarig att",
        "Kartlägg vad som har hänt, utse en ansvarig och genomför samtal med den som utsatts. "
        "Finns vittne eller bevis dubbelkontrollera dessa.",
        "Om kartläggningen pekar på en trolig eller sannolik person tas ett samtal med denne "
        "för att informera om misstankarna och vart bevis och indicier pekar.",
        "Uppmana den utsatte och vara behjälplig med att göra en polisanmälan om det är aktuellt",
        "Som förening är vi inte en rättsinstans och inte har rätt att döma någon. Det är av "
        "yttersta vikt att ovanstående arbete och misstankar hålls i en liten sluten grupp för "
        "att inte skapa ryktesspridning.",
        # Känd förövare
        "Känd förövare",
        "Kartlägg vad som har hänt, utse en ansvarig och genomför samtal med den som utsatts "
        "och den som trakasserat. Finns vittne eller bevis dubbelkontrollera dessa.",
        "Under utredningen så kräv att den som trakasserar tar en time-out från alla uppdrag "
        "tills utredning är klar.",
        _KONTAKTPERSON,
        "När kartläggning är klar kalla omgående till ytterligare föreningsstyrelsemöte där "
        "beslut tas beroende på utredningens slutsats",
        "Om grova trakasserier, hot och trakasserier av sexuell karaktär – ska den som "
        "trakasserat omgående lämna sina uppdrag.",
        "Uppmana att polisanmäla - om polisanmälan går vidare till rätt, erbjud stöd och att "
        "vara med.",
        "Föreningsstyrelsen gör en bedömning om också uteslutningsärende skall inledas.",
        "Föreningsstyrelsen skall också ta upp förtroendefråga av personen i fråga i "
        "fullmäktigegruppen. Om Fullmäktigegruppen uttalar bristande förtroende skall "
        "uteslutningsärende inledas oaktat vad styrelsen tidigare beslutat",
        "Om trakasserier skall den som trakasserat lämna sina uppdrag, alternativt ha fortsatt "
        "time-out till dess att den som har utsatts känner sig tillfreds med att personen i "
        "fråga är tillbaka. Under tiden skall den som trakasseras söka vårdinsatser och "
        "samtalsstöd.",
        "Plan för eventuell mediehantering och kommunikation tas fram tillsammans med den utsatte",
        _MEDIA_UTFORS,
    ],
    # Föreningens generella ansvar, Nyckelpositioner/personer
    ("association", "all"): [
        "Föreningens generella ansvar",
        "Moderaterna i Kävlinge tar helt avstånd till alla former av hot och trakasserier, "
        "oavsett form och när de har skett.",
        "Föreningen har alltid ansvar för sina medlemmar.",
        "Att lägga ansvar på medlemmen och förminska händelsen är inte acceptabelt.",
        "Föreningen ska hålla sina medlemmar regelbundet informerade om vem de ska kontakta om "
        "det uppstår situationer kring trakasserier och hot.",
        "Föreningen ska tydligt visa vem som har de olika nyckelpositionerna och dessa personer "
        "ska alltid vara tillgängliga.",
        "Föreningsordförande har huvudansvaret kring de handlingsplaner som föreningen och "
        "föreningens styrelse har ansvar för.",
        "En säkerhetsansvarig skall alltid vara utsedd och inrapporterad till kommunen.",
        "Ska vara en person som styrelsen vet fungerar med den utsatte och som kan stötta "
        "igenom processen",
    ],
}
SEED_004_CATEGORIES = {
    "party": [
        "Trakasserier i relation till partiet",
        "Trakasserier och hot i relation till partiet är mer generella och sällan relaterat "
        "till en specifik person, även om det, just då, riktar sig mot en individ.",
        "Denna typ av trakasserier ökar ofta i samband med valrörelser.",
    ],
    "assignment": [
        "Trakasserier i relation till kommunala uppdrag",
        "Hot/trakasserier är baserat på det uppdrag som personen i fråga är val till, dvs det "
        "område i den nämnd man representerar.",
        "Därav är det av yttersta vikt att den utsatte först informerar kommunens "
        "säkerhetsansvarige.",
    ],
    "internal": [
        "Interna trakasserier",
        "Det sista ursprunget är interna hot och trakasserier inom förening och parti.",
        "Moderaterna i Kävlinge accepterar inte att en medlem utsätter en annan medlem för "
        "trakasserier, vare sig det är verbala, fysiska eller sexuella.",
    ],
}
SEED_004_INTERNAL_RULES = [
    "den som säger sig vara hotad och eller trakasserad är det",
    "Uppdra åt en mindre grupp, 2–3 personer, med säkerhetsansvarig som ansvarig",
    "hålls i en liten sluten grupp för att inte skapa ryktesspridning",
    "om inte den utsatte ber om det eller själv väljer att informera andra",
    "Under utredningen så kräv att den som trakasserar tar en time-out från alla uppdrag "
    "tills utredning är klar.",
    "Vid interna trakasserier ska förtroendefrågan prövas för den som trakasserar.",
    "Beslutet genomförs enligt stadgan med slutna omröstning och 2/3 majoritet krävs för att "
    "gruppen ska uttala icke-förtroende och uteslutningsärende kan påbörjas.",
    "Som förening är vi inte en rättsinstans och inte har rätt att döma någon.",
]
SEED_004_INTERNAL_PLANS = [
    "Handlingsplan fullmäktigegrupp",
    "Vid votering är det hela fullmäktigegruppen som röstar, dvs ledamöter samt ersättare.",
    "Fullmäktigegruppens ledamöter har även rätt att lyfta förtroendefrågan även om "
    "föreningsstyrelsen inte gör detta. Även då gäller omröstning enligt stadga.",
    "Efter interna trakasserier - återinträde",
    "Ingen ska dömas för alltid.",
    "Genomför samtal med personen som vill återengagera sig. Har personen i fråga bett om "
    "ursäkt och tagit ansvar för sina handlingar?",
    "Genomför samtal med den som utsatts om hen är fortsatt kvar.",
    "Uttalade sig fullmäktigegruppen om icke-förtroende för personen i fråga? Om så ska "
    "fullmäktigegruppen igen rådfrågas, eftersom de också väljer in till nya uppdrag.",
    "Beroende på samtalens utkomst så kan mindre uppdrag till en början vara aktuellt för att "
    "pröva lämpligheten.",
    "Likaså är det skäl nog att inte vara aktuell för att stå på den moderata valsekeln.",
]

# Which phrases each pack file must contain, per seed file it encodes.
COVERAGE: dict[str, dict[str, list[str]]] = {
    "oxelosund": {
        SEED_002: SEED_002_ROUTINE,
        SEED_003: SEED_003_FORM + SEED_003_CHECKS + SEED_003_FOLLOWUP,
    },
    "staffanstorp": {
        SEED_000: SEED_000_ALWAYS_REPORT + SEED_000_MEASURES + SEED_000_ROLES + SEED_000_DUTIES,
    },
    "vasteras": {SEED_001: SEED_001_DEFINITIONS + SEED_001_SUPPORT_AND_DUTIES},
    "kavlinge-m": {
        SEED_004: [p for ps in SEED_004_LISTS.values() for p in ps]
        + [p for ps in SEED_004_CATEGORIES.values() for p in ps]
        + SEED_004_INTERNAL_RULES
        + SEED_004_INTERNAL_PLANS,
    },
}


def norm(text: str) -> str:
    return " ".join(text.split()).casefold()


# language.md's words for the seeds' gendered ones (the whole word, any case)
WORDING = {
    r"\b(den) utsattes\b": r"\1 utsattas",
    r"\b(den) utsatte\b": r"\1 utsatta",
    r"\b(den) förtroendevalde\b": r"\1 förtroendevalda",
}


def fixed(phrase: str) -> str:
    """The phrase as the pack words it: the seed's typos corrected, language.md's words."""
    for seed_wording, pack_wording in SIC.items():
        phrase = phrase.replace(seed_wording, pack_wording)
    for seed_word, pack_word in WORDING.items():
        phrase = re.sub(seed_word, pack_word, phrase, flags=re.IGNORECASE)
    return norm(phrase)


def sv_texts(node: Any) -> Iterator[str]:
    """Every Swedish text in a pack (raw YAML or model dump), recursively."""
    if isinstance(node, dict):
        if isinstance(node.get("sv"), str):
            yield node["sv"]
        for value in node.values():
            yield from sv_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from sv_texts(value)


def missing_from(texts: list[str], phrases: list[str]) -> list[str]:
    haystack = [norm(t) for t in texts]
    return [p for p in phrases if not any(fixed(p) in t for t in haystack)]


@pytest.fixture(scope="module")
def library() -> PackLibrary:
    return PackLibrary()


# --- every pack loads ---------------------------------------------------------------------


def test_all_packs_load(library: PackLibrary) -> None:
    assert set(library.packs) == {"oxelosund", "staffanstorp", "vasteras", "kavlinge-m"}
    assert {p.kind for p in library.packs.values()} == {"municipality", "party"}
    assert library.get(None).id == "oxelosund"
    assert library.get("no-such-pack").id == "oxelosund"
    party = library.party_pack("kavlinge-m")
    assert party is not None and party.id == "kavlinge-m"
    assert library.party_pack("oxelosund") is None
    assert library.party_pack(None) is None


@pytest.mark.parametrize("pack_id", ["oxelosund", "staffanstorp", "vasteras"])
def test_municipality_packs_are_complete(library: PackLibrary, pack_id: str) -> None:
    pack = library.packs[pack_id]
    assert pack.kind == "municipality"
    assert pack.complete() == []
    assert set(pack.questions) == set(QUESTION_IDS)
    assert [c.id for c in pack.categories] == list(CATEGORY_IDS)
    assert [k.id for k in pack.kinds] == [
        "harassment",
        "blackmail",
        "threat",
        "violence",
        "corruption",
        "hate",
    ]
    assert [c.id for c in pack.channels] == [
        "letter",
        "phone",
        "sms_mms",
        "email",
        "social_media",
        "in_person",
    ]
    assert pack.police_report_advice is not None
    assert "åtkomstskyddad" in pack.police_report_advice.sv
    for category in ("party", "assignment", "internal", "unknown"):
        assert category in pack.action_lists["targeted"]
    for choice in pack.categories:
        assert choice.help is not None


def test_every_text_is_bilingual(library: PackLibrary) -> None:
    for pack in library.packs.values():
        dumped = pack.model_dump()
        assert all(t.strip() for t in sv_texts(dumped))
        # Text requires both languages; an English text must not just repeat the Swedish one.
        same = [t for t in _texts(dumped) if t["sv"] == t["en"] and len(t["sv"]) > 12]
        assert same == [], f"{pack.id}: untranslated {same}"


def _texts(node: Any) -> Iterator[dict[str, str]]:
    if isinstance(node, dict):
        if isinstance(node.get("sv"), str) and isinstance(node.get("en"), str):
            yield node
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


# --- seed coverage ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pack_id", "seed"), [(p, s) for p, seeds in COVERAGE.items() for s in seeds]
)
def test_pack_covers_its_seed(pack_id: str, seed: str) -> None:
    """Every step and question of the source document appears in its pack's Swedish texts.

    The pack file's own texts are searched (not what it inherits through ``extends``).
    """
    own = yaml.safe_load((PACK_DIR / f"{pack_id}.yaml").read_text(encoding="utf-8"))
    missing = missing_from(list(sv_texts(own)), COVERAGE[pack_id][seed])
    assert missing == [], f"{pack_id}.yaml lacks from {seed}: {missing}"


@pytest.mark.skipif(not SEED_DIR.is_dir(), reason=f"seed documents not found in {SEED_DIR}")
@pytest.mark.parametrize("seed", [SEED_000, SEED_001, SEED_002, SEED_003, SEED_004])
def test_phrases_are_copied_from_the_seed(seed: str) -> None:
    """The coverage lists really quote the source documents (so they cannot drift)."""
    text = norm((SEED_DIR / seed).read_text(encoding="utf-8"))
    phrases = [p for seeds in COVERAGE.values() for p in seeds.get(seed, [])]
    assert phrases
    not_in_seed = [p for p in phrases if norm(p) not in text]
    assert not_in_seed == []


def test_sic_corrections_are_used() -> None:
    """Each typo correction applies to at least one phrase, so the list stays honest."""
    phrases = [p for seeds in COVERAGE.values() for ps in seeds.values() for p in ps]
    unused = [typo for typo in SIC if not any(typo in p for p in phrases)]
    assert unused == []


# --- oxelosund: the form and the routine ----------------------------------------------------


def test_oxelosund_form_questions(library: PackLibrary) -> None:
    pack = library.packs["oxelosund"]
    refs = {q: pack.questions[q].form_ref for q in QUESTION_IDS}
    assert sorted({r for r in refs.values() if r}, key=lambda r: int(r.split(".")[1])) == [
        f"1.{n}" for n in range(1, 11)
    ]
    assert refs["reporter"] == "1.1" and refs["experience"] == "1.10"
    assert {q for q, r in refs.items() if r == "1.3"} == {"kinds", "channels", "what"}
    assert {q for q, r in refs.items() if r == "1.5"} == {"witnesses", "reached"}
    assert refs["category"] is None and refs["evidence"] is None
    for question_id in QUESTION_IDS:
        assert pack.questions[question_id].help is not None, question_id


def test_oxelosund_checklist(library: PackLibrary) -> None:
    checklist = library.packs["oxelosund"].checklist
    by_step: dict[str, list[str]] = {}
    for item in checklist:
        by_step.setdefault(item.step, []).append(item.check.sv)
    assert list(by_step) == ["3.1.1", "3.1.2", "3.1.3", "3.2.1", "3.2.2", "3.2.3", "3.2.4"]
    assert [len(checks) for checks in by_step.values()] == [1, 1, 1, 3, 3, 1, 5]
    responsible = {item.id: item.responsible for item in checklist}
    assert responsible["3.1.1"] == ["targeted", "party_security"]
    assert responsible["3.1.2"] == ["municipal_security"]
    assert responsible["3.1.3"] == ["municipal_director"]
    assert responsible["3.2.3"] == ["party_security", "municipal_security"]
    assert responsible["3.2.4-professional-need"] == [
        "targeted",
        "party_security",
        "municipal_security",
    ]
    assert responsible["3.2.4-professional-order"] == ["municipal_security"]
    assert all(
        responsible[i.id] == ["party_security"] for i in checklist if i.step in ("3.2.1", "3.2.2")
    )
    asks_who = {i.id for i in checklist if i.asks_who}
    assert asks_who == {
        "3.2.1-initial-support",
        "3.2.1-support-person",
        "3.2.2-healthcare",
        "3.2.2-company",
        "3.2.3",
    }
    assert {i.id for i in checklist if i.answer == "text"} == {"3.2.2-support-measures", "3.2.3"}
    for item in checklist:
        assert item.answer == "text" or item.check.sv.endswith("?"), item.id


def test_oxelosund_followup_and_alerting(library: PackLibrary) -> None:
    pack = library.packs["oxelosund"]
    assert pack.followup is not None and pack.alerting is not None
    followup = pack.followup
    assert (followup.first_nudge_day, followup.first_remind_day, followup.first_escalate_day) == (
        2,
        10,
        14,
    )
    assert followup.later_conversations == 2
    assert followup.checkin_days == [1, 7, 30]
    assert followup.first_call_answers == [
        "3.2.4-conversation",
        "3.2.4-documented",
        "3.2.4-professional-need",
    ]
    assert followup.next_call_answers == ["3.2.4-more-conversations"]
    assert len(followup.prompts) == 3 and len(followup.closing) == 3
    alerting = pack.alerting
    assert (alerting.ack_minutes_akut, alerting.ack_minutes_report) == (10, 120)
    assert alerting.always_municipal_unit is False
    assert alerting.municipal_unit_categories == ["assignment"]
    assert [m.id for m in pack.measures] == ["police_report", "protective"]


# --- staffanstorp and vasteras extend oxelosund -------------------------------------------


def test_staffanstorp(library: PackLibrary) -> None:
    pack, base = library.packs["staffanstorp"], library.packs["oxelosund"]
    assert pack.extends == "oxelosund"
    assert pack.alerting is not None and pack.alerting.always_municipal_unit is True
    assert pack.checklist == base.checklist
    assert pack.questions["reporter"] == base.questions["reporter"]
    assert pack.questions["category"].text == base.questions["category"].text
    assert pack.questions["category"].help != base.questions["category"].help
    assert [m.id for m in pack.measures] == [
        "police_report",
        "personal_alarm",
        "guard",
        "advice_aids",
        "conversation_support",
    ]
    assert {d.id: d.cadence for d in pack.duties} == {
        "training": "per_term",
        "plan_revision": "year_before_election",
        "security_contacts": "per_term",
        "risk_analyses": "per_term",
    }
    assert all(d.source and d.source.startswith(SEED_000) for d in pack.duties)
    roles = {role: set(lists) for role, lists in pack.action_lists.items()}
    assert roles["targeted"] == {"all", "party", "assignment", "internal", "unknown"}
    assert roles["party_security"] == roles["municipal_security"] == {"all"}
    assert roles["association"] == {"all"}


def test_vasteras(library: PackLibrary) -> None:
    pack = library.packs["vasteras"]
    assert pack.extends == "oxelosund"
    assert pack.checklist == library.packs["oxelosund"].checklist
    assert set(pack.definitions) == {k.id for k in pack.kinds}
    for kind in pack.kinds:
        assert kind.help == pack.definitions[kind.id], kind.id
    assert {d.id: d.cadence for d in pack.duties} == {
        "training": "half_year",
        "cooperation_meeting": "four_per_term",
        "plan_revision": "year_before_election",
        "guideline": "per_term",
    }
    kinds_help = pack.questions["kinds"].help
    assert kinds_help is not None and "otillåten påverkan" in kinds_help.sv


# --- kavlinge-m: a party pack -------------------------------------------------------------


def test_kavlinge_categories(library: PackLibrary) -> None:
    pack = library.packs["kavlinge-m"]
    assert [c.id for c in pack.categories] == ["party", "assignment", "internal"]
    for choice in pack.categories:
        texts = [choice.label.sv, choice.help.sv if choice.help else ""]
        assert missing_from(texts, SEED_004_CATEGORIES[choice.id]) == []


@pytest.mark.parametrize(("role", "category"), list(SEED_004_LISTS))
def test_kavlinge_action_lists(library: PackLibrary, role: str, category: str) -> None:
    pack: Pack = library.packs["kavlinge-m"]
    lists: dict[str, dict[str, ActionList]] = {r: v for r, v in pack.action_lists.items()}
    action_list = lists[role][category]
    texts = [action_list.title.sv, *(item.sv for item in action_list.items)]
    assert missing_from(texts, SEED_004_LISTS[(role, category)]) == []


def test_kavlinge_internal_rules(library: PackLibrary) -> None:
    internal = library.packs["kavlinge-m"].internal
    assert internal is not None and internal.closed_group_max == 3
    assert missing_from([r.sv for r in internal.rules], SEED_004_INTERNAL_RULES) == []
    plans = [p.title.sv for p in internal.plans] + [i.sv for p in internal.plans for i in p.items]
    assert missing_from(plans, SEED_004_INTERNAL_PLANS) == []


# --- malformed packs are rejected with file, path and reason ---------------------------------

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        del node[last]

    return mutate


TEXT = {"sv": "Något", "en": "Something"}
BROKEN: dict[str, tuple[str, Mutation, str, str]] = {
    # case: (file, mutation, path in the message, reason in the message)
    "unknown question id": (
        "oxelosund",
        _set("questions.favourite_colour", {"text": TEXT}),
        "questions.favourite_colour",
        "unknown question id",
    ),
    "missing sv text": (
        "oxelosund",
        _delete("questions.reporter.text.sv"),
        "questions.reporter.text.sv",
        "Field required",
    ),
    "empty sv text": (
        "kavlinge-m",
        _set("categories.0.label.sv", "   "),
        "categories.0.label.sv",
        "at least 1 character",
    ),
    "wrong type: number": (
        "oxelosund",
        _set("followup.first_nudge_day", "soon"),
        "followup.first_nudge_day",
        "valid integer",
    ),
    "wrong type: boolean": (
        "staffanstorp",
        _set("alerting.always_municipal_unit", "sometimes"),
        "alerting.always_municipal_unit",
        "valid boolean",
    ),
    "wrong type: text is a string": (
        "vasteras",
        _set("definitions.hate", "Hat"),
        "definitions.hate",
        "valid dictionary",
    ),
    "unknown role": (
        "oxelosund",
        _set("checklist.0.responsible", ["mayor"]),
        "checklist.0.responsible.0",
        "Input should be 'targeted'",
    ),
    "unknown category in action_lists": (
        "kavlinge-m",
        _set("action_lists.targeted.elections", {"title": TEXT, "items": [TEXT]}),
        "action_lists.targeted.elections",
        "unknown category",
    ),
    "unknown category id": (
        "oxelosund",
        _set("categories.3.id", "private"),
        "categories.3.id",
        "unknown category 'private'",
    ),
    "definition for an unknown kind": (
        "vasteras",
        _set("definitions.spam", TEXT),
        "definitions.spam",
        "not a kind id",
    ),
    "a documented first call answers an unknown item": (
        "oxelosund",
        _set("followup.first_call_answers", ["3.2.4-conversation", "3.2.9"]),
        "followup.first_call_answers",
        "unknown checklist item '3.2.9'",
    ),
    "planning a later call answers an unknown item": (
        "oxelosund",
        _set("followup.next_call_answers", ["3.2.9"]),
        "followup.next_call_answers",
        "unknown checklist item '3.2.9'",
    ),
    "duplicate kind id": (
        "oxelosund",
        _set("kinds.1.id", "harassment"),
        "kinds",
        "duplicate id 'harassment'",
    ),
    "unknown field": (
        "staffanstorp",
        _set("colour", "blue"),
        "colour",
        "Extra inputs are not permitted",
    ),
    "extends an unknown pack": (
        "vasteras",
        _set("extends", "uppsala"),
        "extends",
        "unknown or circular pack 'uppsala'",
    ),
    "extends in a circle": (
        "oxelosund",
        _set("extends", "vasteras"),
        "extends",
        "unknown or circular pack 'oxelosund'",
    ),
    "incomplete municipality pack": (
        "oxelosund",
        _delete("questions.evidence"),
        "questions.evidence",
        "incomplete municipality pack",
    ),
    "party pack declared a municipality": (
        "kavlinge-m",
        _set("kind", "municipality"),
        "questions.reporter",
        "incomplete municipality pack",
    ),
    "id not equal to file name": (
        "staffanstorp",
        _set("id", "staffanstorps-kommun"),
        "id",
        "must equal the file name",
    ),
}


def _copy_packs(tmp_path: Path) -> Path:
    directory = tmp_path / "packs"
    shutil.copytree(PACK_DIR, directory)
    return directory


@pytest.mark.parametrize("case", list(BROKEN))
def test_malformed_pack_is_rejected(tmp_path: Path, case: str) -> None:
    pack_id, mutate, path, reason = BROKEN[case]
    directory = _copy_packs(tmp_path)
    file = directory / f"{pack_id}.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    mutate(data)
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        PackLibrary(directory)
    message = str(caught.value)
    assert f"{pack_id}.yaml" in message
    assert path in message
    assert reason in message


def test_invalid_yaml_is_rejected_with_line(tmp_path: Path) -> None:
    directory = _copy_packs(tmp_path)
    (directory / "vasteras.yaml").write_text("id: vasteras\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(PackError, match=r"vasteras\.yaml: line 3, column 1: not valid YAML"):
        PackLibrary(directory)


def test_pack_that_is_not_a_mapping_is_rejected(tmp_path: Path) -> None:
    directory = _copy_packs(tmp_path)
    (directory / "kavlinge-m.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(PackError, match=r"kavlinge-m\.yaml: a pack must be a mapping"):
        PackLibrary(directory)


def test_copied_packs_load(tmp_path: Path) -> None:
    """The malformed-pack tests start from packs that load (and YAML round-trips them)."""
    directory = _copy_packs(tmp_path)
    for file in directory.glob("*.yaml"):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert PackLibrary(directory).packs == PackLibrary().packs
