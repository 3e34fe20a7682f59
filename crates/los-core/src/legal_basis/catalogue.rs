//! The seeded legal bases. Codes are stable: they are stored with services and decisions. Never
//! change or remove one; mark it superseded instead.

use super::{CoercionLimit, LawRef, LegalBasis, LegalBasisKind};
use crate::deadline::{LocalizedText, Period};
use crate::organization::Country;

const HOL: LawRef = LawRef {
    code: "no.hol",
    country: Country::Norway,
    name: "helse- og omsorgstjenesteloven",
    short_name: "hol.",
    title: "lov om kommunale helse- og omsorgstjenester m.m. (helse- og omsorgstjenesteloven)",
    official_id: Some("LOV-2011-06-24-30"),
    former_names: &[],
};

const PBRL: LawRef = LawRef {
    code: "no.pbrl",
    country: Country::Norway,
    name: "pasient- og brukerrettighetsloven",
    short_name: "pbrl.",
    title: "lov om pasient- og brukerrettigheter (pasient- og brukerrettighetsloven)",
    official_id: Some("LOV-1999-07-02-63"),
    // Renamed when the health and care services act came into force on 1 January 2012; the seeded
    // deadline rule `no.pasrl.referral_assessment` still cites the old name.
    former_names: &["pasientrettighetsloven"],
};

const SPHLSL: LawRef = LawRef {
    code: "no.sphlsl",
    country: Country::Norway,
    name: "spesialisthelsetjenesteloven",
    short_name: "sphlsl.",
    title: "lov om spesialisthelsetjenesten m.m. (spesialisthelsetjenesteloven)",
    official_id: Some("LOV-1999-07-02-61"),
    former_names: &[],
};

const SOTJL: LawRef = LawRef {
    code: "no.sotjl",
    country: Country::Norway,
    name: "sosialtjenesteloven",
    short_name: "sotjl.",
    title: "lov om sosiale tjenester i arbeids- og velferdsforvaltningen (sosialtjenesteloven)",
    official_id: Some("LOV-2009-12-18-131"),
    former_names: &[],
};

const BOLIGSOSIAL: LawRef = LawRef {
    code: "no.boligsosl",
    country: Country::Norway,
    // "boligsosialloven" is the name in common use (Karnov, the county governors); whether the act
    // has an official short title was not verified.
    name: "boligsosialloven",
    short_name: "boligsosialloven",
    title: "lov om kommunenes ansvar på det boligsosiale feltet",
    official_id: Some("LOV-2022-12-20-121"),
    former_names: &[],
};

const FVL: LawRef = LawRef {
    code: "no.fvl",
    country: Country::Norway,
    name: "forvaltningsloven",
    short_name: "fvl.",
    title: "lov om behandlingsmåten i forvaltningssaker (forvaltningsloven)",
    official_id: Some("LOV-1967-02-10"),
    former_names: &[],
};

const STRGJFL: LawRef = LawRef {
    code: "no.strgjfl",
    country: Country::Norway,
    name: "straffegjennomføringsloven",
    short_name: "strgjfl.",
    title: "lov om gjennomføring av straff mv. (straffegjennomføringsloven)",
    official_id: Some("LOV-2001-05-18-21"),
    former_names: &[],
};

const SOL_2001: LawRef = LawRef {
    code: "se.sol2001",
    country: Country::Sweden,
    name: "socialtjänstlagen (2001:453)",
    short_name: "SoL",
    title: "socialtjänstlag (2001:453)",
    official_id: Some("SFS 2001:453"),
    former_names: &[],
};

const LVM: LawRef = LawRef {
    code: "se.lvm",
    country: Country::Sweden,
    name: "lagen (1988:870) om vård av missbrukare i vissa fall",
    short_name: "LVM",
    title: "lag (1988:870) om vård av missbrukare i vissa fall",
    official_id: Some("SFS 1988:870"),
    former_names: &[],
};

const HSL: LawRef = LawRef {
    code: "se.hsl",
    country: Country::Sweden,
    name: "hälso- och sjukvårdslagen (2017:30)",
    short_name: "HSL",
    title: "hälso- och sjukvårdslag (2017:30)",
    official_id: Some("SFS 2017:30"),
    former_names: &[],
};

const FL: LawRef = LawRef {
    code: "se.fl",
    country: Country::Sweden,
    name: "förvaltningslagen (2017:900)",
    short_name: "FL",
    title: "förvaltningslag (2017:900)",
    official_id: Some("SFS 2017:900"),
    former_names: &[],
};

/// Every law the catalogue cites, in catalogue order.
pub(super) const LAWS: [LawRef; 11] = [HOL, PBRL, SPHLSL, SOTJL, BOLIGSOSIAL, FVL, STRGJFL, SOL_2001, LVM, HSL, FL];

fn text([nb, sv, en]: [&str; 3]) -> LocalizedText {
    LocalizedText::new(nb, sv, en)
}

/// An entry without deadline rules, coercion limit or notes; the methods below add them.
fn basis(code: &'static str, law: LawRef, section: &'static str, kind: LegalBasisKind, title: [&str; 3]) -> LegalBasis {
    LegalBasis {
        code,
        country: law.country,
        law,
        section,
        title: text(title),
        kind,
        deadline_rules: &[],
        coercion: None,
        note: None,
        superseded: None,
    }
}

impl LegalBasis {
    fn rules_from(mut self, codes: &'static [&'static str]) -> Self {
        self.deadline_rules = codes;
        self
    }

    fn limit(mut self, max_period: Option<Period>, description: [&str; 3]) -> Self {
        self.coercion = Some(CoercionLimit { max_period, description: text(description) });
        self
    }

    fn noted(mut self, note: [&str; 3]) -> Self {
        self.note = Some(text(note));
        self
    }

    fn superseded_by(mut self, what: [&str; 3]) -> Self {
        self.superseded = Some(text(what));
        self
    }
}

const SOL_2025: [&str; 3] = [
    "Socialtjänstlagen (2001:453) ble opphevet 1. juli 2025 og erstattet av socialtjänstlagen (2025:400), som har \
     ny nummerering. Henvisningen er beholdt for vedtak etter den gamle loven; tilsvarende bestemmelse i den nye \
     loven er ennå ikke i katalogen.",
    "Socialtjänstlagen (2001:453) upphävdes den 1 juli 2025 och ersattes av socialtjänstlagen (2025:400), som har \
     ny paragrafnumrering. Hänvisningen finns kvar för beslut enligt den äldre lagen; motsvarande bestämmelse i den \
     nya lagen finns ännu inte i katalogen.",
    "The Social Services Act (2001:453) was repealed on 1 July 2025 and replaced by the Social Services Act \
     (2025:400), which is numbered differently. The reference is kept for decisions under the old act; the \
     corresponding section of the new act is not in the catalogue yet.",
];

const LVM_SIX_MONTHS: [&str; 3] = [
    "Tvangsbehandlingen skal opphøre når formålet er nådd, og senest når den har vart i seks måneder (LVM 20 §; \
     tid som ikke regnes som behandlingstid: 21 §).",
    "Vården ska upphöra när syftet med den har uppnåtts och senast när den har pågått i sex månader (20 § LVM; tid \
     som inte räknas som vårdtid: 21 §).",
    "Care ends when its purpose has been achieved and at the latest when it has lasted six months (LVM section 20; \
     time not counted as care time: section 21).",
];

/// Every seeded legal basis, in a stable order.
pub(super) fn entries() -> Vec<LegalBasis> {
    use LegalBasisKind::{Coercion, Duty, Procedure, Right, Service};

    vec![
        // ---------------------------------------------------------------------------------------
        // Norway: helse- og omsorgstjenesteloven
        basis(
            "no.hol.3-1",
            HOL,
            "§ 3-1",
            Service,
            [
                "Kommunens overordnede ansvar for helse- og omsorgstjenester",
                "Kommunens övergripande ansvar för hälso- och omsorgstjänster (Norge)",
                "The municipality's overall responsibility for health and care services",
            ],
        ),
        // First paragraph no. 6: health services in the home, personal assistance (incl. practical
        // help, training and a support contact), a place in an institution, respite care.
        basis(
            "no.hol.3-2",
            HOL,
            "§ 3-2",
            Service,
            [
                "Kommunens ansvar for helse- og omsorgstjenester (bl.a. helsetjenester i hjemmet og personlig \
                 assistanse)",
                "Kommunens ansvar för hälso- och omsorgstjänster (bl.a. hemsjukvård och personlig assistans) (Norge)",
                "The municipality's responsibility for health and care services (incl. home health care and \
                 personal assistance)",
            ],
        ),
        // Third paragraph: the duty to offer inpatient stays for emergency help (kommunal akutt
        // døgnenhet), which since 2017 also covers mental health and substance use.
        basis(
            "no.hol.3-5",
            HOL,
            "§ 3-5",
            Service,
            [
                "Kommunens ansvar for øyeblikkelig hjelp, herunder døgnopphold",
                "Kommunens ansvar för akut hjälp, inklusive akuta dygnsplatser (Norge)",
                "The municipality's responsibility for emergency help, including emergency inpatient stays",
            ],
        ),
        basis(
            "no.hol.7-1",
            HOL,
            "§ 7-1",
            Duty,
            [
                "Kommunens plikt til å utarbeide individuell plan",
                "Kommunens skyldighet att upprätta individuell plan (Norge)",
                "The municipality's duty to prepare an individual plan",
            ],
        ),
        basis(
            "no.hol.7-2",
            HOL,
            "§ 7-2",
            Duty,
            ["Plikt til å tilby koordinator", "Skyldighet att erbjuda koordinator (Norge)", "Duty to offer a coordinator"],
        ),
        basis(
            "no.hol.7-3",
            HOL,
            "§ 7-3",
            Duty,
            ["Koordinerende enhet", "Koordinerande enhet (Norge)", "Coordinating unit"],
        ),
        basis(
            "no.hol.10-2",
            HOL,
            "§ 10-2",
            Coercion,
            [
                "Tilbakeholdelse i institusjon uten eget samtykke",
                "Kvarhållande på institution utan eget samtycke (Norge)",
                "Detention in an institution without consent",
            ],
        )
        .rules_from(&["no.hol.detention_max"])
        .limit(
            Some(Period::Months(3)),
            [
                "Kan holdes tilbake i institusjonen i inntil tre måneder (§ 10-2).",
                "Får hållas kvar på institutionen i högst tre månader (§ 10-2) (Norge).",
                "May be detained in the institution for at most three months (section 10-2).",
            ],
        ),
        basis(
            "no.hol.10-3",
            HOL,
            "§ 10-3",
            Coercion,
            [
                "Tilbakeholdelse av gravide rusmiddelavhengige",
                "Kvarhållande av gravida med substansberoende (Norge)",
                "Detention of pregnant women with substance dependence",
            ],
        )
        .rules_from(&["no.hol.pregnant_emergency_to_county_board"])
        .limit(
            None,
            [
                "Kan holdes tilbake i hele svangerskapet (§ 10-3); loven setter ingen fast lengste varighet.",
                "Får hållas kvar under hela graviditeten (§ 10-3); lagen anger ingen fast längsta tid (Norge).",
                "May be detained for the whole pregnancy (section 10-3); the act sets no fixed maximum period.",
            ],
        ),
        // No seeded deadline rule yet for the three weeks.
        basis(
            "no.hol.10-4",
            HOL,
            "§ 10-4",
            Coercion,
            [
                "Tilbakeholdelse i institusjon på grunnlag av eget samtykke",
                "Kvarhållande på institution efter eget samtycke (Norge)",
                "Detention in an institution based on one's own consent",
            ],
        )
        .limit(
            Some(Period::Weeks(3)),
            [
                "Kan holdes tilbake i inntil tre uker regnet fra inntaket, etter skriftlig samtykke (§ 10-4).",
                "Får hållas kvar i högst tre veckor räknat från intagningen, efter skriftligt samtycke (§ 10-4) \
                 (Norge).",
                "May be held for at most three weeks from admission, with written consent (section 10-4).",
            ],
        ),
        // ---------------------------------------------------------------------------------------
        // Norway: pasient- og brukerrettighetsloven
        basis(
            "no.pbrl.2-1a",
            PBRL,
            "§ 2-1 a",
            Right,
            [
                "Rett til nødvendige helse- og omsorgstjenester fra kommunen",
                "Rätt till nödvändiga hälso- och omsorgstjänster från kommunen (Norge)",
                "Right to necessary health and care services from the municipality",
            ],
        ),
        basis(
            "no.pbrl.2-1b",
            PBRL,
            "§ 2-1 b",
            Right,
            [
                "Rett til nødvendig helsehjelp fra spesialisthelsetjenesten",
                "Rätt till nödvändig vård från specialistvården (Norge)",
                "Right to necessary health care from the specialist health service",
            ],
        ),
        basis(
            "no.pbrl.2-2",
            PBRL,
            "§ 2-2",
            Right,
            [
                "Rett til vurdering av henvisning",
                "Rätt till bedömning av remiss (Norge)",
                "Right to have a referral assessed",
            ],
        )
        .rules_from(&["no.pasrl.referral_assessment"]),
        basis(
            "no.pbrl.2-5",
            PBRL,
            "§ 2-5",
            Right,
            ["Rett til individuell plan", "Rätt till individuell plan (Norge)", "Right to an individual plan"],
        ),
        // ---------------------------------------------------------------------------------------
        // Norway: spesialisthelsetjenesteloven
        basis(
            "no.sphlsl.2-1a",
            SPHLSL,
            "§ 2-1 a",
            Service,
            [
                "De regionale helseforetakenes ansvar for spesialisthelsetjenester, herunder tverrfaglig spesialisert \
                 rusbehandling (TSB)",
                "De regionala hälsoföretagens ansvar för specialistvård, inklusive tvärfacklig specialiserad \
                 beroendevård (TSB) (Norge)",
                "The regional health authorities' responsibility for specialist health services, including \
                 interdisciplinary specialised substance-use treatment (TSB)",
            ],
        ),
        basis(
            "no.sphlsl.2-5",
            SPHLSL,
            "§ 2-5",
            Duty,
            [
                "Spesialisthelsetjenestens plikt til å utarbeide individuell plan",
                "Specialistvårdens skyldighet att upprätta individuell plan (Norge)",
                "The specialist health service's duty to prepare an individual plan",
            ],
        ),
        // ---------------------------------------------------------------------------------------
        // Norway: sosialtjenesteloven
        basis(
            "no.sotjl.15",
            SOTJL,
            "§ 15",
            Service,
            [
                "Boliger til vanskeligstilte",
                "Bostäder för personer med svag ställning på bostadsmarknaden (Norge)",
                "Housing for people disadvantaged in the housing market",
            ],
        )
        .noted([
            "Fra 1. juli 2023 viser § 15 til boligsosialloven, som gir rett til individuell bistand (§ 6); NAV-kontoret \
             skal medvirke i kommunens boligsosiale arbeid.",
            "Från den 1 juli 2023 hänvisar § 15 till boligsosialloven, som ger rätt till individuellt stöd (§ 6); \
             NAV-kontoret ska medverka i kommunens bostadssociala arbete (Norge).",
            "Since 1 July 2023 section 15 refers to the Social Housing Act, which gives a right to individual \
             assistance (section 6); the NAV office takes part in the municipality's social housing work.",
        ]),
        basis(
            "no.sotjl.17",
            SOTJL,
            "§ 17",
            Service,
            ["Opplysning, råd og veiledning", "Upplysning, råd och vägledning (Norge)", "Information, advice and guidance"],
        ),
        basis(
            "no.sotjl.18",
            SOTJL,
            "§ 18",
            Service,
            ["Stønad til livsopphold", "Ekonomiskt stöd till uppehälle (Norge)", "Financial assistance for subsistence"],
        ),
        basis(
            "no.sotjl.27",
            SOTJL,
            "§ 27",
            Service,
            ["Midlertidig botilbud", "Tillfälligt boende (Norge)", "Temporary accommodation"],
        ),
        basis(
            "no.sotjl.28",
            SOTJL,
            "§ 28",
            Right,
            [
                "Rett til individuell plan (sosiale tjenester i NAV)",
                "Rätt till individuell plan, sociala tjänster i NAV (Norge)",
                "Right to an individual plan (social services at NAV)",
            ],
        ),
        // ---------------------------------------------------------------------------------------
        // Norway: lov om kommunenes ansvar på det boligsosiale feltet (in force 1 July 2023)
        basis(
            "no.boligsosl.6",
            BOLIGSOSIAL,
            "§ 6",
            Service,
            [
                "Individuell bistand til vanskeligstilte på boligmarkedet",
                "Individuellt stöd till personer med svag ställning på bostadsmarknaden (Norge)",
                "Individual assistance for people disadvantaged in the housing market",
            ],
        ),
        // ---------------------------------------------------------------------------------------
        // Norway: forvaltningsloven
        basis(
            "no.fvl.11a",
            FVL,
            "§ 11 a",
            Procedure,
            [
                "Saksbehandlingstid og foreløpig svar",
                "Handläggningstid och preliminärt besked (Norge)",
                "Processing time and provisional reply",
            ],
        )
        .rules_from(&["no.fvl.provisional_reply"]),
        basis(
            "no.fvl.27",
            FVL,
            "§ 27",
            Procedure,
            ["Underretning om vedtaket", "Underrättelse om beslutet (Norge)", "Notice of the decision"],
        ),
        basis(
            "no.fvl.28",
            FVL,
            "§ 28",
            Procedure,
            [
                "Vedtak som kan påklages, og klageinstans",
                "Beslut som kan överklagas, och överprövande instans (Norge)",
                "Decisions that may be appealed, and the appeal body",
            ],
        ),
        basis(
            "no.fvl.29",
            FVL,
            "§ 29",
            Procedure,
            ["Klagefrist", "Överklagandetid (Norge)", "Time limit for appeal"],
        )
        .rules_from(&["no.fvl.appeal"]),
        // ---------------------------------------------------------------------------------------
        // Norway: straffegjennomføringsloven
        basis(
            "no.strgjfl.12",
            STRGJFL,
            "§ 12",
            Service,
            [
                "Gjennomføring av straff i institusjon",
                "Verkställighet av fängelsestraff på institution (Norge)",
                "Serving a prison sentence in an institution",
            ],
        ),
        // ---------------------------------------------------------------------------------------
        // Sweden: socialtjänstlagen (2001:453), repealed 1 July 2025
        basis(
            "se.sol2001.2-7",
            SOL_2001,
            "2 kap. 7 §",
            Duty,
            [
                "Samordnet individuell plan (SIP), sosialtjenesten (Sverige)",
                "Samordnad individuell plan (SIP), socialtjänsten",
                "Coordinated individual plan (SIP), social services (Sweden)",
            ],
        )
        .superseded_by(SOL_2025),
        basis(
            "se.sol2001.4-1",
            SOL_2001,
            "4 kap. 1 §",
            Service,
            ["Rett til bistand (Sverige)", "Rätt till bistånd", "Right to assistance (Sweden)"],
        )
        .superseded_by(SOL_2025),
        basis(
            "se.sol2001.5-9",
            SOL_2001,
            "5 kap. 9 §",
            Duty,
            [
                "Sosialnemndas ansvar for hjelp og behandling ved rusmiddelmisbruk (Sverige)",
                "Socialnämndens ansvar för hjälp och vård vid missbruk",
                "The social welfare committee's duty to provide help and care for substance misuse (Sweden)",
            ],
        )
        .superseded_by(SOL_2025),
        // ---------------------------------------------------------------------------------------
        // Sweden: LVM
        basis(
            "se.lvm.4",
            LVM,
            "4 §",
            Coercion,
            [
                "Vilkår for tvangsbehandling etter LVM (Sverige)",
                "Förutsättningar för tvångsvård enligt LVM",
                "Grounds for compulsory care under LVM (Sweden)",
            ],
        )
        .rules_from(&["se.lvm.care_max"])
        .limit(Some(Period::Months(6)), LVM_SIX_MONTHS),
        basis(
            "se.lvm.13",
            LVM,
            "13 §",
            Coercion,
            [
                "Umiddelbar omhendetakelse etter LVM (Sverige)",
                "Omedelbart omhändertagande enligt LVM",
                "Immediate custody under LVM (Sweden)",
            ],
        )
        .limit(
            None,
            [
                "Midlertidig til forvaltningsretten har tatt stilling; vedtaket skal forelegges forvaltningsretten \
                 senest dagen etter (LVM 15 §) (Sverige).",
                "Tillfälligt tills förvaltningsrätten har prövat saken; beslutet ska underställas förvaltningsrätten \
                 senast dagen efter beslutet (15 § LVM).",
                "Temporary until the administrative court has decided; the decision must be put before the court no \
                 later than the day after it was made (LVM section 15) (Sweden).",
            ],
        ),
        basis(
            "se.lvm.20",
            LVM,
            "20 §",
            Coercion,
            [
                "Behandlingstid etter LVM: opphør senest etter seks måneder (Sverige)",
                "Vårdtid enligt LVM: vården upphör senast efter sex månader",
                "Duration of care under LVM: ends after six months at most (Sweden)",
            ],
        )
        .rules_from(&["se.lvm.care_max"])
        .limit(Some(Period::Months(6)), LVM_SIX_MONTHS),
        // ---------------------------------------------------------------------------------------
        // Sweden: hälso- och sjukvårdslagen, förvaltningslagen
        basis(
            "se.hsl.16-4",
            HSL,
            "16 kap. 4 §",
            Duty,
            [
                "Samordnet individuell plan (SIP), helsetjenesten (Sverige)",
                "Samordnad individuell plan (SIP), hälso- och sjukvården",
                "Coordinated individual plan (SIP), health care (Sweden)",
            ],
        ),
        basis(
            "se.fl.44",
            FL,
            "44 §",
            Procedure,
            [
                "Klagefrist for forvaltningsvedtak (Sverige)",
                "Överklagande inom tre veckor",
                "Time limit for appealing an administrative decision (Sweden)",
            ],
        )
        .rules_from(&["se.fl.appeal"]),
    ]
}
