"""Diseases by their shape, for the names no list holds: "sporadic breast cancer", "T-cell
leukaemia", "Pelizaeus-Merzbacher disease", "myotonic dystrophy", "Mittelohrentzündung".

A disease name in English ends in a head: a disease noun ("syndrome", "disease", "cancer",
"deficiency" ...) or a word with a disease ending (-itis, -osis, -emia, -pathy, -oma ...). In
front of the head stand its modifiers: clinical adjectives ("acute", "hereditary", "sporadic"),
organs ("breast", "colorectal"), eponyms ("Huntington's"), hyphenated compounds ("T-cell",
"non-Hodgkin") and rare medical words ("myotonic", "adenomatous"). `english_spans` finds the
heads with one regex pass and walks left over the modifiers; a head that says nothing alone
("disease", "disorder", "failure") counts only with a modifier.

German writes the disease as one compound ("Mittelohrentzündung", "Lungenkarzinom",
"Stoffwechselerkrankung"), which `german_spans` finds by its last part, with the adjectives in
front ("chronische Niereninsuffizienz").

Precision: a word with a disease ending must also be rare (a Zipf frequency under 3.5 in
wordfreq's English list, i.e. not "Oklahoma", "diploma", "sympathy"); the well-known diseases
that are common words come from the lexicons instead. Gene and protein names (BRCA1, APC, p53)
are no head and no modifier.
"""

from __future__ import annotations

import re

from guard.recognizers.health_vocab import word_set
from guard.recognizers.words import zipf

Span = tuple[int, int]

# --- English ----------------------------------------------------------------------------------

# Heads that name a disease on their own (with or without modifiers).
_STRONG_HEADS = (
    "cancers?|carcinomas?|carcinomata|tumou?rs?|neoplasms?|malignanc(?:y|ies)|sarcomas?"
    "|lymphomas?|leuk(?:a)?emias?|melanomas?|dystroph(?:y|ies)|ataxias?|dementias?"
    "|epilepsy|epilepsies|neuropath(?:y|ies)|myopath(?:y|ies)|cardiomyopath(?:y|ies)"
)
# Heads that need at least one modifier: "disease" alone says nothing about anyone.
_WEAK_HEADS = (
    "syndromes?|diseases?|disorders?|deficienc(?:y|ies)|infections?|insufficienc(?:y|ies)"
    "|dysfunctions?|defects?|anomal(?:y|ies)|malformations?|palsy|palsies|ulcers?|polyps?|cysts?"
    "|lesions?|failure|hypertension|hypotension|attacks?|arrest|fever|poisoning|toxicity"
    "|intoxication|addiction|dependence|abuse|retardation|impairment|disabilit(?:y|ies)"
    "|degeneration|aneurysms?|infarction|infarcts?|stroke|seizures?|hernias?|stenosis|fibrosis"
    "|sclerosis|inflammation|injur(?:y|ies)|fractures?|loss|pain|bleeding|haemorrhage|hemorrhage"
    "|arrhythmias?|fibrillation|tachycardia|bradycardia|anemia|anaemia|hepatitis|diabetes"
    "|deafness|blindness|contractures?|toxicity|retinopathy|calcification|delay|symptoms"
)
# Word endings of disease nouns (the word must also be rare, see the module docstring).
_DISEASE_ENDINGS = (
    "itis|itides|osis|oses|iasis|iases|a?emias?|path(?:y|ies)|omas?|omata|algias?|plasias?"
    "|troph(?:y|ies)|urias?|penias?|megal(?:y|ies)|leps(?:y|ies)|plegias?|paresis|rrhoea|rrhea"
    "|rrhages?|ectasias?|cytosis|ptosis|spasms?|sclerosis|stenosis|toxicity|toxicities"
    "|molysis|myolysis|algesias?|cephal(?:y|ies|us)|thisias?|kinesias?|tonias?|phagias?"
)
# Rare words with a disease ending that are something else.
_NOT_DISEASES = frozenset(
    word_set("""
prognosis prognoses hypnosis osmosis symbiosis mitosis meiosis apoptosis metamorphosis
endocytosis exocytosis phagocytosis pinocytosis diagnoses aroma aromas apathy telepathy
homeopathy naturopathy osteopathy antipathy stoma stomas stroma soma somata chroma genoma idioma
rhizoma diploma diplomas academia bohemia paloma tacoma sonoma noma roma loma kinesthesia
synesthesia arachnophobia cytosis anamnesis hemostasis haemostasis
""")
)
_HEAD_RE = re.compile(
    rf"(?i)(?<![A-Za-z0-9\-])(?:(?P<strong>{_STRONG_HEADS})|(?P<weak>{_WEAK_HEADS})"
    rf"|(?P<ending>[a-z]{{3,}}(?:{_DISEASE_ENDINGS})))(?![A-Za-z0-9])"
)

# Modifiers a disease name takes (lower case).
_CLINICAL = frozenset(
    word_set("""
acute chronic hereditary familial sporadic congenital primary secondary malignant benign
metastatic invasive juvenile infantile neonatal adult childhood severe mild moderate progressive
recurrent idiopathic autoimmune inherited autosomal dominant recessive x-linked type stage grade
advanced refractory relapsed early late onset early-onset late-onset non-small small cell cells
squamous basal ductal lobular triple-negative inflammatory degenerative hypertrophic dilated
obstructive restrictive ischemic ischaemic hemorrhagic haemorrhagic diabetic alcoholic viral
bacterial fungal parasitic infectious allergic atopic rheumatoid rheumatic psychotic depressive
bipolar manic anxious neurological neurologic neurodegenerative genetic mitochondrial metabolic
lysosomal endocrine cardiovascular coronary pulmonary respiratory intestinal gastrointestinal
hepatic renal cardiac cerebral spinal muscular skeletal cutaneous ocular retinal vascular venous
arterial systemic localized localised diffuse focal generalized generalised essential
gestational postpartum post-traumatic traumatic nonalcoholic non-alcoholic fatty end-stage
terminal lymphoblastic myeloid lymphocytic myelogenous hodgkin non-hodgkin hodgkin's polycystic
cystic sickle sickle-cell germline somatic sensorineural conductive mental intellectual
developmental cognitive psychiatric drug-induced anterior posterior hearing vision visual memory
speech motor sensory sleep eating mood hair
""")
)
# Organs and tissues ("breast cancer", "kidney disease", "bone marrow failure").
_ORGANS = frozenset(
    word_set("""
breast lung lungs colon colorectal rectal bowel ovarian ovary prostate prostatic pancreas
pancreatic gastric stomach liver kidney kidneys renal hepatic heart cardiac thyroid skin brain
bone bones marrow blood cervical cervix uterine uterus endometrial testicular testis esophageal
oesophageal oral mouth throat head neck bladder urinary biliary gallbladder adrenal pituitary
lymph lymphoid nerve nerves muscle muscles joint joints eye eyes retina ear ears nasal sinus
spine spinal artery arteries vein veins valve airway airways respiratory intestine intestinal
duodenal gall ovarian-cancer tongue lip gum gums tooth teeth vulvar vaginal penile anal
hepatocellular nasopharyngeal laryngeal pharyngeal cerebellar cortical t-cell b-cell nk-cell
germ stem
""")
)
# Words that end the walk left even when rare or capitalised.
_STOP = frozenset(
    word_set("""
a an the this that these those its their his her our your my of in on at to for from by with
without and or but as is are was were be been being has have had not no than patients patient
cases case study studies risk family families gene genes protein proteins mutation mutations
with between among other such both either each all some any putative murine heterozygous
homozygous hemizygous mutant recombinant transgenic novel
""")
)
# Heads for which an eponym (a capitalised name) is a modifier: "Wilson disease", "Down syndrome".
_EPONYM_HEADS = frozenset(
    word_set("""
syndrome syndromes disease diseases disorder anomaly palsy sarcoma lymphoma tumor tumour ataxia
dystrophy fever
""")
)
# What a person can be deficient in, in plain words.
_DEFICIENT = word_set("""
enzyme vitamin iron factor zinc iodine folate b12 lactase hormone insulin complement protein
magnesium calcium potassium copper selenium antibody immune
""")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9']*(?:\s?-\s?[A-Za-z0-9][A-Za-z0-9']*)*")
_MAX_MODIFIERS = 5


def _rare(word: str) -> bool:
    return zipf(word, "en") < 3.0


def _has_disease_ending(word: str) -> bool:
    low = word.lower()
    return (
        re.fullmatch(rf"[a-z]{{3,}}(?:{_DISEASE_ENDINGS})", low) is not None
        and low not in _NOT_DISEASES
        and not low.endswith(("lose", "loses", "losen"))  # German adjectives: "farbloses"
        and zipf(low, "en") < 3.5
    )


def _modifier(token: str, head: str, sentence_start: bool) -> bool:
    """Whether `token` (left of the disease head `head`) belongs to the disease name."""
    low = token.lower().replace(" ", "")
    bare = low[:-2] if low.endswith("'s") else low
    if low in _STOP:
        return False
    if bare in _CLINICAL or bare in _ORGANS:
        return True
    if _HEAD_RE.fullmatch(token) is not None and (
        _has_disease_ending(bare) or bare.rstrip("s") in ("cancer", "tumor", "tumour", "carcinoma")
    ):
        return True  # "cancer syndrome", "polyposis coli", "leukemia virus"
    if "-" in low:
        parts = [p for p in low.split("-") if p]
        # "T-cell", "non-Hodgkin", "X-linked", "Pelizaeus-Merzbacher", "alpha-1"
        return all(
            len(p) <= 2 or p in _CLINICAL or p in _ORGANS or p == "non" or _rare(p) or p.isdigit()
            for p in parts
        )
    if low.isdigit() or re.fullmatch(r"(?:i{1,3}|iv|v|vi)", low):
        return True  # "type 2", "stage IV": the walk keeps numbers only after a clinical word
    if head.startswith("deficienc") and low in _DEFICIENT:
        return True  # "enzyme deficiency", "iron deficiency"
    if head.startswith("deficienc") and re.fullmatch(r"[A-Z][A-Za-z]*[0-9][A-Za-z0-9]*|[A-Z]{2,6}", token):
        return True  # an enzyme or factor: "G6PD deficiency", "C7 deficiency"
    if head in _EPONYM_HEADS and token[:1].isupper() and not sentence_start:
        return bare.isalpha() and (token.endswith("'s") or not _common(bare))
    return token[:1].islower() and bare.isalpha() and _rare(bare) and len(bare) > 4


def _common(word: str) -> bool:
    return zipf(word, "en") >= 4.5


def english_spans(text: str) -> list[tuple[int, int, bool]]:
    """Disease-shaped phrases: (start, end, strong). Strong: the head names a disease alone or
    has a modifier; weak heads without a modifier are not returned."""
    out: list[tuple[int, int, bool]] = []
    for m in _HEAD_RE.finditer(text):
        head = m.group(0).lower()
        if m.group("ending") is not None and not _has_disease_ending(head):
            continue
        start = _walk_left(text, m.start(), head)
        if start == m.start() and m.group("weak") is not None:
            continue
        out.append((start, m.end(), True))
    return _merge(out)


def _walk_left(text: str, head_start: int, head: str) -> int:
    """The start of the disease name whose head starts at `head_start`."""
    window_start = max(0, head_start - 80)
    left = text[window_start:head_start]
    tokens = [(window_start + t.start(), window_start + t.end()) for t in _TOKEN.finditer(left)]
    start = head_start
    taken = 0
    i = len(tokens) - 1
    while i >= 0 and taken < _MAX_MODIFIERS:
        s, e = tokens[i]
        gap = text[e:start]
        if gap.strip(" '") != "":
            break  # punctuation between: a new phrase
        token = text[s:e]
        sentence_start = s == 0 or text[:s].rstrip()[-1:] in (".", "!", "?", "\n", ":", "")
        low = token.lower()
        if low in ("and", "or") and i > 0 and taken > 0:
            # "breast and ovarian cancer": a coordinated organ or clinical word
            ps, pe = tokens[i - 1]
            prev = text[ps:pe].lower()
            if text[pe:s].strip() == "" and (prev in _ORGANS or prev in _CLINICAL):
                start, taken, i = ps, taken + 2, i - 2
                continue
            break
        if low.isdigit() or re.fullmatch(r"(?:i{1,3}|iv|v|vi)", low):
            # a number belongs to "type 2 diabetes", "stage IV cancer" only after its word
            if i > 0 and text[tokens[i - 1][0] : tokens[i - 1][1]].lower() in ("type", "stage", "grade"):
                start, taken, i = tokens[i - 1][0], taken + 2, i - 2
                continue
            break
        if not _modifier(token, head, sentence_start):
            break
        start, taken, i = s, taken + 1, i - 1
    return start


def _merge(spans: list[tuple[int, int, bool]]) -> list[tuple[int, int, bool]]:
    """Overlapping or touching phrases as one ("polyposis cancer syndrome")."""
    spans.sort()
    merged: list[tuple[int, int, bool]] = []
    for s, e, strong in spans:
        if merged and s <= merged[-1][1]:
            ps, pe, pstrong = merged[-1]
            merged[-1] = (ps, max(pe, e), pstrong or strong)
        else:
            merged.append((s, e, strong))
    return merged


# --- German -----------------------------------------------------------------------------------

_DE_HEADS = (
    "krankheit|krankheiten|erkrankung|erkrankungen|syndrom|syndroms|karzinom|karzinome|karzinoms"
    "|entzündung|entzündungen|krebs|krebses|tumor|tumore|tumoren|insuffizienz|infarkt|infarkts"
    "|allergie|allergien|infektion|infektionen|geschwür|geschwüre|geschwulst|lähmung|blutung"
    "|blutungen|leiden|sarkom|lymphom|melanom|adenom|myom|zyste|zysten|fraktur|thrombose"
    "|embolie|ekzem|hernie|ämie|pathie|pathien|itis|sklerose|stenose"
)
_DE_WORD = re.compile(
    rf"(?<![A-Za-zÄÖÜäöüß])(?:[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ]?[a-zäöüß]+)*(?:{_DE_HEADS})"
    rf"|(?:[A-ZÄÖÜ][a-zäöüß]{{3,}})(?:itis|ose|ämie|pathie|karzinom|sarkom|lymphom|syndrom))"
    rf"(?![A-Za-zÄÖÜäöüß])"
)
# Compounds with a disease head that are not diseases. Heads that make more non-diseases than
# diseases (-sucht: "Eifersucht", -störung: "Betriebsstörung", -schwäche, -versagen, -bruch,
# -fieber: "Lampenfieber") are no heads at all: the lexicon lists their medical compounds.
_DE_NOT = re.compile(
    r"(?i)^(?:leiden|mitleiden|krebs|krebses|flusskrebs|flusskrebse|taschenkrebs|einsiedlerkrebs"
    r"|diagnose|prognose|hypnose|narkose|symbiose|osmose|metamorphose|apoptose"
    r"|glukose|glucose|laktose|fruktose|saccharose|cellulose|zellulose|maltose|galaktose"
    r"|dextrose|viskose|franzose|matrose|aprikose|mimose|grandiose|kuriose|virtuose|famose"
    r"|hose|rose|dose|pose|chose|mose|lose|sose)$"
)
_DE_ADJ = re.compile(
    r"(?i)(?:(?:[a-zäöüß]+-)?(?:akute?[nrsm]?|chronische?[nrsm]?|bösartige?[nrsm]?|gutartige?[nrsm]?"
    r"|angeborene?[nrsm]?|erbliche?[nrsm]?|schwere?[nrsm]?|leichte?[nrsm]?|fortgeschrittene?[nrsm]?"
    r"|entzündliche?[nrsm]?|koronare?[nrsm]?|diabetische?[nrsm]?|allergische?[nrsm]?"
    r"|rheumatoide?[nrsm]?|multiple?[nrsm]?|metastasierte?[nrsm]?|depressive?[nrsm]?"
    r"|bipolare?[nrsm]?|psychische?[nrsm]?|arterielle?[nrsm]?|periphere?[nrsm]?)\s+)+$"
)


# "Morbus Crohn", "Morbus Fabry", "Morbus Bechterew": the German way to name an eponymous disease.
_MORBUS = re.compile(r"\bMorbus\s+[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?")


def german_spans(text: str) -> list[tuple[int, int, bool]]:
    out: list[tuple[int, int, bool]] = [(m.start(), m.end(), True) for m in _MORBUS.finditer(text)]
    for m in _DE_WORD.finditer(text):
        word = m.group(0)
        low = word.lower()
        if _DE_NOT.match(low) or low.endswith(("lose", "losen")):
            continue
        if low.endswith("ose") and (len(low) < 8 or zipf(low, "de") >= 3.5):
            continue
        if low.endswith(("pathie", "ämie", "itis")) and zipf(low, "de") >= 3.0:
            continue  # "Sympathie", "Empathie"
        start = m.start()
        adj = _DE_ADJ.search(text, max(0, start - 50), start)
        if adj is not None:
            start = adj.start()
        out.append((start, m.end(), True))
    return out
