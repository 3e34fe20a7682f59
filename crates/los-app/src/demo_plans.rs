//! Synthetic individual plans (design items 4–6) for the demo installation: about 40 % of the
//! demo persons have a plan, most of them persons the municipal substance-use team or the
//! housing follow-up team works with, coordinated by `koordinator` (a few by `leder`, and by
//! the hospital trust, the low-threshold service and the night shelter for their own persons).
//! A few persons who have consented to cooperation with the Swedish prison and probation
//! service have a SIP coordinated by `frivarden`, in Swedish.
//!
//! Each plan has its contents in plain language, 2–5 goals in the person's own words beside the
//! professional wording, 2–6 measures at services of the catalogue, a care team (members from
//! other organisations only where the person consented to sharing), held meetings with minutes
//! and planned ones, some revisions overdue and some due soon. About fifteen plans have a
//! planned release from prison or discharge from an institution with its checklist, a few of
//! them past the due date with items still open.
//!
//! Unlike the other demo parts this one writes through the store functions in one transaction,
//! with a grant from the policy for each person and an audit event per change: a plan built
//! through the use cases would take a transaction per goal, measure and member. The versions
//! table tells the story the use cases would have told: version 1 when the plan was made, a
//! version after the last meeting (goal statuses, the next revision, a measure the meeting
//! decided), one per planned transition and, for some plans, a phase change and a member who
//! joined later. Dates count back from the clock's local today; a fixed-seed generator makes the
//! data repeatable; it is loaded once (any plan `koordinator` coordinates means it is there).

use std::collections::BTreeMap;
use std::time::Instant;

use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use los_core::Error;
use los_core::account::Role;
use los_core::audit::AuditAction;
use los_core::consent::DataCategory;
use los_core::ids::{AccountId, MeetingId, OrganizationId, PersonId, PlanId, ServiceId};
use los_core::plan::{
    ChecklistItem, Goal, GoalStatus, ItemState, LifeArea, Measure, MeasureStatus, MeetingStatus, Phase, PlanContents,
    PlanDocument, PlanHeader, PlanKind, PlanSnapshot, Transition, TransitionKind,
};
use los_core::policy::{self, Action, Actor, PersonAction, PersonGrant};
use los_core::relative::Relation;
use los_store::persons::{self as person_store, SearchQuery};
use los_store::plans::{self as plan_store, MeetingRecord};
use los_store::{Tx, accounts, episodes, map_sqlx};
use uuid::Uuid;

use crate::demo_persons::{DemoWorld, PERSONS, Staff};
use crate::demo_rng::{DemoRng, days_between, plus_days};
use crate::plans::COORDINATOR_ROLE;
use crate::{App, RequestContext};

const RUSTEAM: &str = "Rusteamet – oppfølging og LAR i kommunen";
const HOUSING: &str = "Boligoppfølgingsteamet";
const LOW_THRESHOLD_HEALTH: &str = "Lavterskel helsetilbud";
const DAY_CENTRE: &str = "Dagsenter";
const NIGHT_SHELTER: &str = "Natthjem";
const LOW_THRESHOLD_FLATS: &str = "Lavterskelboliger";
const DUAL_DIAGNOSIS_FLATS: &str = "ROP-boliger";
const SHARED_FLATS: &str = "Bofellesskap med bemanning";
const ECONOMY: &str = "Økonomisk rådgivning og sosialhjelp";
const GRENLAND_TREATMENT: &str = "Bolig og behandling Grenland";
const LAR: &str = "LAR – legemiddelassistert rehabilitering";
const TSB_OUTPATIENT: &str = "TSB poliklinikk – rus og avhengighet";
const TSB_DETOX: &str = "Avrusning og utredning (TSB døgn)";
const PROBATION_SERVICE: &str = "Frivården – utslussning och eftervård";

/// The share of the demo persons with a plan, in per cent.
const PLAN_PERCENT: usize = 40;
/// Plans coordinated outside the substance-use team, at most.
const TRUST_PLANS: usize = 3;
const LOW_THRESHOLD_PLANS: usize = 4;
const SHELTER_PLANS: usize = 2;
/// Persons with consent to the probation service who get a SIP coordinated by `frivarden`.
const SIP_PLANS: usize = 3;
/// Discharges from an institution, besides the releases from prison.
const DISCHARGES: usize = 9;

/// Who would coordinate: the service the person has an open episode at decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Team,
    Trust,
    LowThreshold,
    Shelter,
}

impl Group {
    const ALL: [Group; 4] = [Group::Team, Group::Trust, Group::LowThreshold, Group::Shelter];

    fn staff(self) -> Staff {
        match self {
            Group::Team => Staff::Coordinator,
            Group::Trust => Staff::HospitalTrust,
            Group::LowThreshold => Staff::LowThreshold,
            Group::Shelter => Staff::NightShelter,
        }
    }

    fn services(self) -> &'static [&'static str] {
        match self {
            Group::Team => &[RUSTEAM, HOUSING],
            Group::Trust => &[GRENLAND_TREATMENT],
            Group::LowThreshold => &[LOW_THRESHOLD_HEALTH],
            Group::Shelter => &[NIGHT_SHELTER],
        }
    }
}

/// A person who may get a plan: the open episodes (service name, start) and their ties.
#[derive(Debug, Clone)]
struct Candidate {
    person: PersonId,
    group: Group,
    episodes: Vec<(String, Date)>,
    /// Consent to the probation service covering the plan.
    probation: bool,
    /// Consent to the night shelter's organisation.
    ngo: bool,
    /// Adult relatives who may be contacted.
    relatives: Vec<los_core::ids::RelativeId>,
    /// Demo accounts the person has blocked (or whose organisation they have): never members.
    blocked: Vec<AccountId>,
}

impl Candidate {
    fn has(&self, service: &str) -> bool {
        self.episodes.iter().any(|(name, _)| name == service)
    }

    fn with_trust(&self) -> bool {
        self.has(LAR) || self.has(GRENLAND_TREATMENT)
    }

    fn in_housing(&self) -> bool {
        [HOUSING, LOW_THRESHOLD_FLATS, DUAL_DIAGNOSIS_FLATS, SHARED_FLATS, NIGHT_SHELTER, GRENLAND_TREATMENT]
            .iter()
            .any(|s| self.has(s))
    }

    fn earliest_start(&self) -> Option<Date> {
        self.episodes.iter().map(|(_, start)| *start).min()
    }
}

/// The accounts the loader plans with.
struct Cast {
    coordinator: Actor,
    leader: Actor,
    trust: Actor,
    probation: Actor,
    low_threshold: Actor,
    shelter: Actor,
}

/// A catalogue service a measure can point at.
#[derive(Debug, Clone, Copy)]
struct CatalogueService {
    id: ServiceId,
    provider: OrganizationId,
}

/// How many of each the demo holds.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct DemoPlanCounts {
    pub(crate) plans: usize,
    pub(crate) sip: usize,
    pub(crate) goals: usize,
    pub(crate) measures: usize,
    pub(crate) members: usize,
    pub(crate) meetings_held: usize,
    pub(crate) meetings_planned: usize,
    pub(crate) revision_overdue: usize,
    pub(crate) revision_soon: usize,
    pub(crate) transitions: usize,
    pub(crate) transitions_overdue: usize,
    pub(crate) versions: usize,
}

struct GoalText {
    area: LifeArea,
    own: &'static str,
    professional: &'static str,
}

const fn goal(area: LifeArea, own: &'static str, professional: &'static str) -> GoalText {
    GoalText { area, own, professional }
}

static GOALS_NB: [GoalText; 19] = [
    goal(
        LifeArea::SubstanceUse,
        "Holde meg rusfri, en dag av gangen.",
        "Rusfrihet og forebygging av tilbakefall, med en plan for hva som skal skje ved sprekk.",
    ),
    goal(
        LifeArea::SubstanceUse,
        "Bruke mindre, og slutte å sprøyte.",
        "Redusere bruken av rusmidler og risikoen for overdose.",
    ),
    goal(LifeArea::SubstanceUse, "Være stabil på medisinen.", "Stabil LAR-behandling uten bruk av andre rusmidler."),
    goal(
        LifeArea::Housing,
        "Jeg vil ha en leilighet som er min egen, og klare å bo der.",
        "Etablere seg i egen bolig og beholde den med oppfølging etter bolig først.",
    ),
    goal(LifeArea::Housing, "Slippe å flytte rundt hele tiden.", "Stabil bosituasjon uten flytting det neste året."),
    goal(
        LifeArea::WorkActivity,
        "Ha noe å stå opp til om morgenen.",
        "Delta i arbeidstrening eller fast aktivitet tre dager i uka.",
    ),
    goal(
        LifeArea::WorkActivity,
        "Jeg vil tilbake i jobb, kanskje deltid først.",
        "Avklare arbeidsevne med NAV og prøve ut arbeid i tilrettelagt stilling.",
    ),
    goal(
        LifeArea::Education,
        "Fullføre videregående, jeg manglet bare litt.",
        "Kartlegge retten til videregående opplæring og lage en plan for å fullføre.",
    ),
    goal(
        LifeArea::Leisure,
        "Begynne å fiske igjen og gå tur med hunden.",
        "Finne fritidsaktiviteter uten rus som personen trives med.",
    ),
    goal(
        LifeArea::SocialSkills,
        "Klare å ringe og ordne ting selv.",
        "Styrke ferdigheter i å ta kontakt med tjenester og holde avtaler.",
    ),
    goal(
        LifeArea::FamilyNetwork,
        "Få bedre kontakt med søsteren min.",
        "Gjenopprette kontakt med familien og bygge et nettverk uten rus.",
    ),
    goal(
        LifeArea::FamilyNetwork,
        "Ha venner som ikke ruser seg.",
        "Bygge et rusfritt nettverk gjennom aktivitet og likepersoner.",
    ),
    goal(
        LifeArea::PhysicalHealth,
        "Få fikset tennene.",
        "Tannbehandling og jevnlig oppfølging av den fysiske helsen hos fastlegen.",
    ),
    goal(
        LifeArea::PhysicalHealth,
        "Sove bedre og spise ordentlig.",
        "Bedre søvn og ernæring; fast kontakt med fastlege.",
    ),
    goal(
        LifeArea::MentalHealth,
        "Slippe å ha det så tungt om kveldene.",
        "Behandling for angst og depresjon i samarbeid med spesialisthelsetjenesten.",
    ),
    goal(
        LifeArea::Economy,
        "Ha oversikt over pengene og betale regningene selv.",
        "Ordnet økonomi: budsjett, faste trekk for husleie og strøm.",
    ),
    goal(LifeArea::Economy, "Bli kvitt inkassoen.", "Gjeldsrådgivning og avtale om nedbetaling av gjeld."),
    goal(
        LifeArea::Parenting,
        "Være der for barna mine og få mer samvær.",
        "Styrke foreldrerollen og trygge samværet i samarbeid med barnevernet.",
    ),
    goal(
        LifeArea::MentalHealth,
        "Bli mindre redd når jeg er ute blant folk.",
        "Mestre angst i sosiale situasjoner; samtaler og gradvis eksponering.",
    ),
];

static GOALS_SV: [GoalText; 7] = [
    goal(
        LifeArea::Housing,
        "Jag vill ha en egen lägenhet när jag kommer ut.",
        "Ordnat boende vid frigivningen och stöd för att behålla det.",
    ),
    goal(
        LifeArea::SubstanceUse,
        "Hålla mig drogfri när jag är ute.",
        "Drogfrihet och återfallsprevention efter frigivningen.",
    ),
    goal(
        LifeArea::WorkActivity,
        "Ha ett jobb att gå till.",
        "Sysselsättning eller arbetsträning inom tre månader efter frigivningen.",
    ),
    goal(LifeArea::Economy, "Klara mig på pengarna utan att låna.", "Ordnad försörjning och en plan för skulderna."),
    goal(
        LifeArea::FamilyNetwork,
        "Träffa min mamma igen.",
        "Återknyta kontakten med familjen och bygga ett nätverk utan droger.",
    ),
    goal(
        LifeArea::PhysicalHealth,
        "Få en läkare som känner mig.",
        "Fast läkarkontakt och läkemedelsgenomgång vid frigivningen.",
    ),
    goal(LifeArea::MentalHealth, "Orka med vardagen.", "Behandling för psykisk ohälsa i samverkan med regionen."),
];

struct MeasureText {
    service: &'static str,
    area: LifeArea,
    description: &'static str,
    owner: &'static str,
    extents: &'static [&'static str],
}

const fn measure(
    service: &'static str,
    area: LifeArea,
    description: &'static str,
    owner: &'static str,
    extents: &'static [&'static str],
) -> MeasureText {
    MeasureText { service, area, description, owner, extents }
}

static TEAM_TALKS: MeasureText = measure(
    RUSTEAM,
    LifeArea::SubstanceUse,
    "Samtaler og praktisk oppfølging med koordinator",
    "Rusteamet v/koordinator",
    &["1 time per uke", "2 timer per uke", "1 time annenhver uke"],
);
static LAR_MEASURE: MeasureText = measure(
    LAR,
    LifeArea::SubstanceUse,
    "Legemiddelassistert rehabilitering med utlevering og samtaler",
    "LAR, Helseforetaket",
    &["Daglig utlevering, samtale hver fjortende dag", "Utlevering to ganger per uke"],
);
static HOUSING_MEASURE: MeasureText = measure(
    HOUSING,
    LifeArea::Housing,
    "Oppfølging i egen bolig etter bolig først",
    "Boligoppfølgingsteamet",
    &["Hjemmebesøk 1 gang per uke", "Oppfølging i bolig 2 timer per uke", "Oppfølging i bolig 3 timer per uke"],
);
static FLAT_MEASURES: [MeasureText; 3] = [
    measure(
        LOW_THRESHOLD_FLATS,
        LifeArea::Housing,
        "Lavterskelbolig med tett oppfølging",
        "Rusteamet, boligtjenesten",
        &["Daglig tilsyn"],
    ),
    measure(
        DUAL_DIAGNOSIS_FLATS,
        LifeArea::MentalHealth,
        "Plass i ROP-bolig med døgnbemanning",
        "ROP-boligene v/primærkontakt",
        &["Døgnbemannet"],
    ),
    measure(
        SHARED_FLATS,
        LifeArea::Housing,
        "Plass i bofellesskap med bemanning",
        "Bofellesskapet v/primærkontakt",
        &["Bemanning dag og kveld"],
    ),
];
static GENERAL_MEASURES: [MeasureText; 6] = [
    measure(
        ECONOMY,
        LifeArea::Economy,
        "Budsjett og avtale om fast trekk for husleie og strøm",
        "NAV Porsgrunn v/veileder",
        &["Møte en gang i måneden", "Etter behov"],
    ),
    measure(
        DAY_CENTRE,
        LifeArea::WorkActivity,
        "Faste dager på dagsenteret med arbeidstrening",
        "Dagsenteret",
        &["3 dager per uke", "2 dager per uke"],
    ),
    measure(
        LOW_THRESHOLD_HEALTH,
        LifeArea::PhysicalHealth,
        "Sårstell, vaksiner og helsesamtaler",
        "Lavterskel helse v/sykepleier",
        &["Etter behov", "1 gang per uke"],
    ),
    measure(
        TSB_OUTPATIENT,
        LifeArea::MentalHealth,
        "Samtalebehandling ved TSB poliklinikk",
        "TSB poliklinikk v/behandler",
        &["1 time per uke", "1 time annenhver uke"],
    ),
    measure(
        RUSTEAM,
        LifeArea::FamilyNetwork,
        "Nettverksmøter med familie og venner",
        "Rusteamet v/koordinator",
        &["1 gang i måneden"],
    ),
    measure(
        ECONOMY,
        LifeArea::WorkActivity,
        "Arbeidsevnevurdering og plan for arbeidsrettet aktivitet",
        "NAV Porsgrunn v/veileder",
        &["Oppfølgingssamtale hver sjette uke"],
    ),
];
static TRUST_MEASURE: MeasureText = measure(
    GRENLAND_TREATMENT,
    LifeArea::SubstanceUse,
    "Behandling i bolig i Grenland",
    "Helseforetaket v/behandler",
    &["Døgnbemannet"],
);
static SHELTER_MEASURE: MeasureText = measure(
    NIGHT_SHELTER,
    LifeArea::Housing,
    "Seng på natthjemmet til varig bolig er på plass",
    "Natthjemmet v/miljøarbeider",
    &["Alle netter"],
);
static DETOX_MEASURE: MeasureText = measure(
    TSB_DETOX,
    LifeArea::SubstanceUse,
    "Avrusning og utredning før videre behandling",
    "TSB døgn v/behandler",
    &["Døgnopphold 2–3 uker"],
);
/// What a meeting decides, recorded as a measure with the meeting set.
static DECIDED_NB: [MeasureText; 3] = [
    measure(
        ECONOMY,
        LifeArea::Economy,
        "Søknad om bostøtte og avtale om fast trekk for husleie (vedtatt i ansvarsgruppemøtet)",
        "NAV Porsgrunn v/veileder",
        &["Engangstiltak"],
    ),
    measure(
        DAY_CENTRE,
        LifeArea::WorkActivity,
        "Prøve arbeidstrening på dagsenteret (vedtatt i ansvarsgruppemøtet)",
        "Dagsenteret",
        &["2 dager per uke"],
    ),
    measure(
        RUSTEAM,
        LifeArea::PhysicalHealth,
        "Koordinator følger til tannlege og fastlege (vedtatt i ansvarsgruppemøtet)",
        "Rusteamet v/koordinator",
        &["Etter behov"],
    ),
];
static SIP_MEASURES: [MeasureText; 3] = [
    measure(
        PROBATION_SERVICE,
        LifeArea::Housing,
        "Utslussning med stöd av frivården: boende och försörjning ordnas före frigivningen",
        "Frivården v/handläggare",
        &["Kontakt varje vecka"],
    ),
    measure(
        RUSTEAM,
        LifeArea::SubstanceUse,
        "Uppföljning i kommunens rusteam efter frigivningen",
        "Rusteamet i Porsgrunn v/koordinator",
        &["1 timme per vecka"],
    ),
    measure(
        ECONOMY,
        LifeArea::Economy,
        "Ansökan om ekonomiskt bistånd och budgetrådgivning",
        "NAV Porsgrunn v/handläggare",
        &["Vid behov"],
    ),
];
static DECIDED_SV: MeasureText = measure(
    PROBATION_SERVICE,
    LifeArea::FamilyNetwork,
    "Kontakt med anhöriga inför frigivningen (beslutat på SIP-mötet)",
    "Frivården v/handläggare",
    &["Engångsinsats"],
);

const NEEDS_NB: [&str; 5] = [
    "Personen har lang erfaring med rusmidler og har vært i behandling flere ganger. Ressurser: motivert for \
     endring, god kontakt med familien. Behov: stabil bolig, hjelp med økonomien og jevnlig oppfølging.",
    "Personen bor i kommunal bolig og får LAR. Ressurser: holder avtaler, liker å være i aktivitet. Behov: noe å \
     gjøre på dagtid, hjelp med helse og tannbehandling.",
    "Personen har nylig flyttet inn i egen bolig etter en periode uten fast bosted. Ressurser: sterkt ønske om å \
     klare seg selv. Behov: praktisk hjelp i boligen, kontakt med NAV og fastlege.",
    "Personen har både rusmiddelproblemer og psykiske plager. Ressurser: god humor og interesse for friluftsliv. \
     Behov: samordnet behandling og en trygg bolig.",
    "Personen har vært rusfri en periode og vil bygge en hverdag med arbeid og familie. Ressurser: fagbrev og \
     arbeidserfaring. Behov: støtte ved tilbakefall og hjelp til å komme i arbeid.",
];
const PERSON_NB: [&str; 4] = [
    "Møter til avtalte samtaler og sier fra hvis noe endrer seg.",
    "Deltar på dagsenteret og holder orden på egne avtaler med kalenderen på telefonen.",
    "Tar medisinene som avtalt og er med på å lage budsjett.",
    "Sier fra tidlig når det begynner å gå dårlig, og tar imot hjelp da.",
];
const RELATIVES_NB: &str = "Pårørende deltar i ansvarsgruppen og bidrar med praktisk hjelp og støtte i hverdagen.";
const NO_RELATIVES_NB: &str = "Ingen pårørende deltar i planarbeidet nå; personen vil ta det opp igjen ved revisjon.";
const SERVICES_NB: [&str; 3] = [
    "Rusteamet koordinerer planen og følger opp hver uke. NAV gir økonomisk rådgivning. Fastlegen følger opp helse \
     og medisiner.",
    "Boligoppfølgingsteamet gir oppfølging i boligen. LAR i helseforetaket har ansvar for medisineringen. \
     Rusteamet koordinerer.",
    "Koordinator holder sammen tjenestene. Dagsenteret gir aktivitet på dagtid, og lavterskeltilbudet følger opp \
     helsen.",
];
const HOW_NB: [&str; 3] = [
    "Ukentlige samtaler med koordinator, hjemmebesøk annenhver uke og møte i ansvarsgruppen hver tredje måned.",
    "Tiltakene gjennomføres etter avtale med personen. Ansvarsgruppen møtes ved behov og minst to ganger i året.",
    "Personen og koordinator går gjennom planen sammen før hvert møte i ansvarsgruppen.",
];
const COOPERATION_NB: [&str; 2] = [
    "Samarbeid med NAV, fastlegen og helseforetaket. Personen har samtykket til at deltakerne i ansvarsgruppen \
     utveksler de opplysningene som trengs.",
    "Samarbeid med Kirkens Bymisjon om bolig og med NAV om økonomi. Personen har samtykket til deling med \
     ansvarsgruppen.",
];
const NO_SHARING_NB: &str =
    "Personen har ikke samtykket til deling med andre virksomheter; samarbeidet går gjennom personen selv.";

const NEEDS_SV: &str = "Personen friges inom kort efter ett längre straff. Resurser: motiverad och har arbetat \
                        under anstaltstiden. Behov: bostad, försörjning, läkare och stöd mot återfall.";
const PERSON_SV: &str = "Deltar i mötena och håller kontakten med frivården och kommunen.";
const SERVICES_SV: &str = "Frivården samordnar planen fram till frigivningen. Rusteamet i Porsgrunn tar över \
                           uppföljningen efteråt, och NAV hjälper med försörjningen.";
const HOW_SV: &str = "Möten varannan månad före frigivningen och en vecka efter. Insatserna följs upp på varje möte.";
const COOPERATION_SV: &str = "Samverkan mellan Kriminalvården, Porsgrunns kommun och NAV. Personen har samtyckt \
                              till att uppgifter delas i gruppen.";
const NO_RELATIVES_SV: &str = "Inga anhöriga deltar just nu.";

const PLACES_NB: [&str; 4] =
    ["Rusteamets kontor, Porsgrunn", "Hjemme hos personen", "Møterom 2, Porsgrunn rådhus", "Videomøte"];
const PLACES_SV: [&str; 2] = ["Frivårdens kontor, Norrköping", "Videomöte"];
const AGENDAS_NB: [&str; 3] = [
    "1. Hvordan går det?\n2. Status for tiltakene\n3. Revisjon av planen\n4. Neste møte",
    "1. Runde rundt bordet\n2. Bolig og økonomi\n3. Behandling\n4. Eventuelt",
    "1. Personens egne mål\n2. Hva har fungert, hva har ikke fungert\n3. Ansvarsfordeling fremover",
];
const AGENDA_SV: &str = "1. Hur går det?\n2. Förberedelser inför frigivningen\n3. Insatser och ansvar\n4. Nästa möte";
const MINUTES_NB: [&str; 4] = [
    "Personen forteller at det går bedre. Oppfølgingen i boligen fortsetter som før. Målene er gått gjennom, og \
     neste møte er avtalt.",
    "Gjennomgang av målene. Personen ønsker mer aktivitet på dagtid; koordinator undersøker plass på dagsenteret.",
    "Kort møte. LAR-behandlingen er stabil. NAV orienterte om søknaden om bostøtte. Ingen endringer i tiltakene.",
    "Personen har hatt en tung periode med tilbakefall. Ansvarsgruppen ble enig om tettere oppfølging i en måned \
     og nytt møte etter det.",
];
const MINUTES_SV: &str = "Genomgång av förberedelserna inför frigivningen. Bostad och försörjning är på gång; \
                          läkartid bokas av frivården.";
const CANCELLED_NB: &str = "Avlyst: personen var syk. Nytt møte avtales.";
const CANCELLED_SV: &str = "Inställt: personen var sjuk. Nytt möte bokas.";

const PRISONS: [&str; 2] = ["Telemark fengsel, Skien avdeling", "Kriminalvården, anstalt i Östergötland"];
const INSTITUTIONS: [&str; 3] =
    ["Avrusning og utredning (TSB døgn)", "Døgnbehandling rus, Helseforetaket", "Bolig og behandling Grenland"];

fn note(item: ChecklistItem, swedish: bool) -> &'static str {
    match (item, swedish) {
        (ChecklistItem::Housing, false) => "Kommunal bolig tildelt, nøkkel hentes ved utskriving.",
        (ChecklistItem::Income, false) => "Søknad om økonomisk stønad sendt NAV.",
        (ChecklistItem::GeneralPractitioner, false) => "Fastlege avklart, første time bestilt.",
        (ChecklistItem::Medication, false) => "Resept og utlevering avtalt.",
        (ChecklistItem::Housing, true) => "Lägenhet ordnad via kommunen.",
        (ChecklistItem::Income, true) => "Ansökan om försörjningsstöd inlämnad.",
        (ChecklistItem::GeneralPractitioner, true) => "Läkare på vårdcentralen bokad.",
        (ChecklistItem::Medication, true) => "Läkemedel ordnade för de första veckorna.",
        (ChecklistItem::FirstMunicipalContact, _) => "",
    }
}

fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// The moment `time` (hours, minutes) on `day` in the demo's local time zone.
fn moment(zone: &TimeZone, day: Date, hour: i8, minute: i8) -> Result<Timestamp, Error> {
    let time = Time::new(hour, minute, 0, 0).map_err(|_| Error::Internal)?;
    day.to_datetime(time).to_zoned(zone.clone()).map(|z| z.timestamp()).map_err(|_| Error::Internal)
}

/// The working day on or before `day`.
fn weekday_before(day: Date) -> Date {
    match day.weekday() {
        Weekday::Saturday => plus_days(day, -1),
        Weekday::Sunday => plus_days(day, -2),
        _ => day,
    }
}

/// The working day on or after `day`.
fn weekday_after(day: Date) -> Date {
    match day.weekday() {
        Weekday::Saturday => plus_days(day, 2),
        Weekday::Sunday => plus_days(day, 1),
        _ => day,
    }
}

fn years_after(day: Date, years: i16) -> Date {
    day.checked_add(jiff::Span::new().years(years)).unwrap_or(day)
}

/// A care-team member to add.
#[derive(Debug, Clone)]
struct PlannedMember {
    account: AccountId,
    organization: OrganizationId,
    role: &'static str,
    from: Date,
}

#[derive(Debug, Clone)]
struct PlannedMeeting {
    id: MeetingId,
    day: Date,
    record: MeetingRecord,
}

/// One change after the plan was made; each is a version.
#[derive(Debug, Clone)]
enum Step {
    Document(Box<(PlanHeader, PlanDocument)>),
    Member(PlannedMember),
    Transition(Transition),
}

/// Everything about one plan, decided before anything is stored.
#[derive(Debug, Clone)]
struct PlannedPlan {
    person: PersonId,
    coordinator: Actor,
    organization: OrganizationId,
    created_on: Date,
    header: PlanHeader,
    document: PlanDocument,
    members: Vec<PlannedMember>,
    steps: Vec<(Timestamp, Step)>,
    meetings: Vec<PlannedMeeting>,
}

impl App {
    /// Adds the demo plans unless `koordinator` coordinates any plan already.
    pub(crate) async fn load_demo_plans(
        &self,
        ctx: &RequestContext,
        organizations: &[OrganizationId],
    ) -> Result<(), Error> {
        let world = self.demo_world(organizations).await?;
        let cast = self.demo_cast(&world, organizations).await?;
        {
            let grant = policy::authorize(&cast.coordinator, Action::ListOwnPlans).map_err(|_| Error::Forbidden)?;
            let mut tx = self.store.read().await?;
            if !plan_store::coordinated_by(&mut tx, &grant).await?.is_empty() {
                return Ok(());
            }
        }
        let started = Instant::now();
        let catalogue = self.demo_catalogue(&world).await?;
        let candidates = self.demo_plan_candidates(&world, &cast).await?;
        let plans = plan_demo_plans(&candidates, &cast, &catalogue, self.local_today())?;
        let counts = self.store_demo_plans(ctx, &plans).await?;
        tracing::info!(
            plans = counts.plans,
            sip = counts.sip,
            goals = counts.goals,
            measures = counts.measures,
            members = counts.members,
            meetings_held = counts.meetings_held,
            meetings_planned = counts.meetings_planned,
            revision_overdue = counts.revision_overdue,
            revision_soon = counts.revision_soon,
            transitions = counts.transitions,
            transitions_overdue = counts.transitions_overdue,
            versions = counts.versions,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "demo plans loaded"
        );
        Ok(())
    }

    async fn demo_cast(&self, world: &DemoWorld, organizations: &[OrganizationId]) -> Result<Cast, Error> {
        let mut tx = self.store.read().await?;
        let leader = accounts::by_username(&mut tx, "leder").await?.ok_or(Error::NotFound { what: "demo account" })?;
        let leader = Actor {
            account: leader.id,
            organization: organizations.first().copied().ok_or(Error::Internal)?,
            role: Role::Leader,
        };
        Ok(Cast {
            coordinator: world.actor(Staff::Coordinator)?.clone(),
            leader,
            trust: world.actor(Staff::HospitalTrust)?.clone(),
            probation: world.actor(Staff::Probation)?.clone(),
            low_threshold: world.actor(Staff::LowThreshold)?.clone(),
            shelter: world.actor(Staff::NightShelter)?.clone(),
        })
    }

    /// The catalogue services measures point at, by name; the probation service's from the
    /// Swedish region.
    async fn demo_catalogue(&self, world: &DemoWorld) -> Result<BTreeMap<&'static str, CatalogueService>, Error> {
        let mut found = BTreeMap::new();
        let names = [
            RUSTEAM,
            HOUSING,
            LOW_THRESHOLD_HEALTH,
            DAY_CENTRE,
            NIGHT_SHELTER,
            LOW_THRESHOLD_FLATS,
            DUAL_DIAGNOSIS_FLATS,
            SHARED_FLATS,
            ECONOMY,
            GRENLAND_TREATMENT,
            LAR,
            TSB_OUTPATIENT,
            TSB_DETOX,
        ];
        let mut tx = self.store.read().await?;
        for name in names {
            if let Ok(id) = world.service(name)
                && let Some(service) = los_store::services::by_id(&mut tx, id).await?
            {
                found.insert(name, CatalogueService { id, provider: service.provider });
            }
        }
        drop(tx);
        for region in self.list_regions().await? {
            if let Some(service) =
                self.region_chain(region.id).await?.into_iter().find(|s| s.description.name == PROBATION_SERVICE)
            {
                found.insert(PROBATION_SERVICE, CatalogueService { id: service.id, provider: service.provider });
            }
        }
        Ok(found)
    }

    /// The persons with an open episode at a service whose staff would coordinate a plan, in
    /// search order.
    async fn demo_plan_candidates(&self, world: &DemoWorld, cast: &Cast) -> Result<Vec<Candidate>, Error> {
        let search = policy::authorize(&cast.coordinator, Action::SearchPersons).map_err(|_| Error::Forbidden)?;
        let (today, now) = (self.local_today(), self.now());
        let mut tx = self.store.read().await?;
        let ids =
            person_store::search_candidates(&mut tx, &search, &SearchQuery::Name(vec![String::new()]), 100_000).await?;
        let mut found = Vec::new();
        for person in ids {
            let mut chosen = None;
            for group in Group::ALL {
                let actor = world.actor(group.staff())?;
                let relations =
                    person_store::relations(&mut tx, person, actor.account, actor.organization, today, now).await?;
                if !relations.active_episode_at_organization || relations.blocked {
                    continue;
                }
                let read = PersonAction::Read(DataCategory::ReferralsDecisions);
                let Ok(grant) = policy::authorize_person(actor, person, read, &relations) else { continue };
                let open: Vec<(String, Date)> = episodes::list(&mut tx, &grant)
                    .await?
                    .into_iter()
                    .filter(|e| e.period.end.is_none())
                    .map(|e| (e.service_name, e.period.start))
                    .collect();
                if !open.iter().any(|(name, _)| group.services().contains(&name.as_str())) {
                    continue;
                }
                let identity = PersonAction::Read(DataCategory::IdentityContact);
                let Ok(identity) = policy::authorize_person(actor, person, identity, &relations) else { continue };
                if person_store::summary(&mut tx, &identity).await?.pseudonymous {
                    continue;
                }
                let relatives = episodes::relatives(&mut tx, &identity)
                    .await?
                    .into_iter()
                    .filter(|r| r.record.may_be_contacted && r.record.relation != Relation::Child)
                    .map(|r| r.id)
                    .collect();
                chosen = Some((group, open, relatives));
                break;
            }
            let Some((group, episodes, relatives)) = chosen else { continue };
            let probation = {
                let (account, organization) = (cast.probation.account, cast.probation.organization);
                let relations = person_store::relations(&mut tx, person, account, organization, today, now).await?;
                !relations.blocked && relations.consented_categories.contains(&DataCategory::Plan)
            };
            let ngo = {
                let relations = person_store::relations(
                    &mut tx,
                    person,
                    cast.shelter.account,
                    cast.shelter.organization,
                    today,
                    now,
                )
                .await?;
                !relations.blocked && !relations.consented_categories.is_empty()
            };
            let mut blocked = Vec::new();
            for actor in
                [&cast.coordinator, &cast.leader, &cast.trust, &cast.probation, &cast.low_threshold, &cast.shelter]
            {
                let relations =
                    person_store::relations(&mut tx, person, actor.account, actor.organization, today, now).await?;
                if relations.blocked {
                    blocked.push(actor.account);
                }
            }
            found.push(Candidate { person, group, episodes, probation, ngo, relatives, blocked });
        }
        Ok(found)
    }

    /// Stores the planned plans in one transaction; returns what it stored.
    async fn store_demo_plans(&self, ctx: &RequestContext, plans: &[PlannedPlan]) -> Result<DemoPlanCounts, Error> {
        let (today, now) = (self.local_today(), self.now());
        let mut counts = DemoPlanCounts::default();
        let mut tx = self.store.write().await?;
        for planned in plans {
            let coordinator = &planned.coordinator;
            let relations = person_store::relations(
                &mut tx,
                planned.person,
                coordinator.account,
                coordinator.organization,
                today,
                now,
            )
            .await?;
            let change = PersonAction::Change(DataCategory::Plan);
            let Ok(grant) = policy::authorize_person(coordinator, planned.person, change, &relations) else {
                continue;
            };
            if plan_store::read(&mut tx, &grant).await?.is_some() {
                continue;
            }
            let versions = self.store_demo_plan(&mut tx, ctx, &grant, planned).await?;
            counts.plans += 1;
            counts.versions += versions;
            counts.sip += usize::from(planned.header.kind == PlanKind::Sip);
            let (header, document) = planned
                .steps
                .iter()
                .rev()
                .find_map(|(_, step)| match step {
                    Step::Document(state) => Some((&state.0, &state.1)),
                    _ => None,
                })
                .unwrap_or((&planned.header, &planned.document));
            counts.goals += document.goals.len();
            counts.measures += document.measures.len();
            counts.members +=
                planned.members.len() + planned.steps.iter().filter(|(_, s)| matches!(s, Step::Member(_))).count();
            if header.next_revision < today {
                counts.revision_overdue += 1;
            } else if days_between(today, header.next_revision) <= 30 {
                counts.revision_soon += 1;
            }
            for (_, step) in &planned.steps {
                if let Step::Transition(transition) = step {
                    counts.transitions += 1;
                    counts.transitions_overdue += usize::from(!transition.overdue_items(today).is_empty());
                }
            }
            counts.meetings_held += planned.meetings.iter().filter(|m| m.record.status == MeetingStatus::Held).count();
            counts.meetings_planned +=
                planned.meetings.iter().filter(|m| m.record.status == MeetingStatus::Planned).count();
        }
        tx.commit().await.map_err(map_sqlx)?;
        Ok(counts)
    }

    /// Stores one plan with its versions, members, transitions and meetings; returns how many
    /// versions it has.
    async fn store_demo_plan(
        &self,
        tx: &mut Tx,
        ctx: &RequestContext,
        grant: &PersonGrant,
        planned: &PlannedPlan,
    ) -> Result<usize, Error> {
        let zone = TimeZone::get("Europe/Oslo").unwrap_or(TimeZone::UTC);
        let created_at = moment(&zone, planned.created_on, 10, 0)?;
        let id = PlanId::generate();
        let (mut header, mut document) = (planned.header.clone(), planned.document.clone());
        plan_store::insert(tx, grant, id, planned.organization, &header, &document, created_at).await?;
        for member in &planned.members {
            plan_store::add_member(tx, grant, &new_id(), member.account, member.organization, member.role, member.from)
                .await?;
        }
        let first = snapshot(tx, grant, &header, &document).await?;
        plan_store::save_version(tx, grant, id, 1, &first, created_at).await?;
        self.record(tx, ctx, grant, AuditAction::PlanCreated, Some(id.to_string())).await?;
        let mut version = 1;
        for (at, step) in &planned.steps {
            let (action, subject) = match step {
                Step::Document(state) => {
                    (header, document) = (state.0.clone(), state.1.clone());
                    (AuditAction::PlanUpdated, id.to_string())
                }
                Step::Member(member) => {
                    let member_id = new_id();
                    plan_store::add_member(
                        tx,
                        grant,
                        &member_id,
                        member.account,
                        member.organization,
                        member.role,
                        member.from,
                    )
                    .await?;
                    (AuditAction::CareTeamMemberAdded, member_id)
                }
                Step::Transition(transition) => {
                    plan_store::save_transition(tx, grant, id, transition, *at).await?;
                    (AuditAction::PlanUpdated, transition.id.clone())
                }
            };
            version = plan_store::update(tx, grant, version, planned.organization, &header, &document, *at).await?;
            let next = snapshot(tx, grant, &header, &document).await?;
            plan_store::save_version(tx, grant, id, version, &next, *at).await?;
            self.record(tx, ctx, grant, action, Some(subject)).await?;
        }
        let members = plan_store::members(tx, grant).await?;
        for meeting in &planned.meetings {
            let invited: Vec<(AccountId, String)> = members
                .iter()
                .filter(|m| m.from <= meeting.day && m.to.is_none_or(|to| to >= meeting.day))
                .map(|m| (m.account, m.name.clone()))
                .collect();
            let scheduled = plus_days(meeting.day, -21).max(planned.created_on).min(self.local_today());
            let at = moment(&zone, scheduled, 14, 0)?.min(self.now());
            plan_store::insert_meeting(tx, grant, meeting.id, id, &meeting.record, &invited, at).await?;
            self.record(tx, ctx, grant, AuditAction::MeetingScheduled, Some(meeting.id.to_string())).await?;
        }
        Ok(usize::try_from(version).unwrap_or(0))
    }
}

/// The plan as it is in `tx`, for its version.
async fn snapshot(
    tx: &mut Tx,
    grant: &PersonGrant,
    header: &PlanHeader,
    document: &PlanDocument,
) -> Result<PlanSnapshot, Error> {
    Ok(PlanSnapshot {
        header: header.clone(),
        document: document.clone(),
        members: plan_store::members(tx, grant).await?,
        transitions: plan_store::transitions(tx, grant).await?,
    })
}

/// Decides the demo plans: who gets one, coordinated by whom, and everything in it.
fn plan_demo_plans(
    candidates: &[Candidate],
    cast: &Cast,
    catalogue: &BTreeMap<&'static str, CatalogueService>,
    today: Date,
) -> Result<Vec<PlannedPlan>, Error> {
    let mut rng = DemoRng(0x506C_616E_4C6F_7321);
    let zone = TimeZone::get("Europe/Oslo").unwrap_or(TimeZone::UTC);
    let target = PERSONS * PLAN_PERCENT / 100;
    // Outside the team: an even spread over each group, up to its cap.
    let mut chosen: Vec<(&Candidate, Actor)> = Vec::new();
    for (group, cap, actor) in [
        (Group::Trust, TRUST_PLANS, &cast.trust),
        (Group::LowThreshold, LOW_THRESHOLD_PLANS, &cast.low_threshold),
        (Group::Shelter, SHELTER_PLANS, &cast.shelter),
    ] {
        let members: Vec<&Candidate> = candidates.iter().filter(|c| c.group == group).collect();
        chosen.extend(spread(&members, cap).into_iter().map(|c| (c, actor.clone())));
    }
    // The team: everyone with consent to the probation service (the first few get a SIP from
    // Frivården), the rest spread evenly to reach the target; every ninth by the leader.
    let team: Vec<&Candidate> = candidates.iter().filter(|c| c.group == Group::Team).collect();
    let (probation, rest): (Vec<&Candidate>, Vec<&Candidate>) = team.into_iter().partition(|c| c.probation);
    for (index, candidate) in probation.iter().enumerate() {
        let actor = if index < SIP_PLANS { cast.probation.clone() } else { cast.coordinator.clone() };
        chosen.push((candidate, actor));
    }
    let need = target.saturating_sub(chosen.len());
    for (index, candidate) in spread(&rest, need).into_iter().enumerate() {
        let actor = if index % 9 == 4 { cast.leader.clone() } else { cast.coordinator.clone() };
        chosen.push((candidate, actor));
    }

    let mut plans = Vec::with_capacity(chosen.len());
    let mut transitions_planned = 0;
    let mut discharges = 0;
    for (index, (candidate, coordinator)) in chosen.into_iter().enumerate() {
        let sip = coordinator.account == cast.probation.account;
        let kind = if sip { PlanKind::Sip } else { PlanKind::Ip };
        let own_organization = coordinator.organization;
        // When the plan was made: after the first episode began, at least three weeks ago.
        let earliest = candidate.earliest_start().unwrap_or(today).max(plus_days(today, -700));
        let latest = plus_days(today, -21);
        let period_from = weekday_before(rng.day_between(earliest.min(latest), latest));
        let age = days_between(period_from, today);
        let period_to = years_after(period_from, 1).max(plus_days(today, 120)).min(years_after(period_from, 3));
        // One plan in eight has its revision overdue (the date passed without a revision);
        // about a quarter of the rest are due within 30 days.
        let next_revision = if index % 8 == 2 {
            plus_days(today, -rng.between(3, (age - 5).min(60)))
        } else if rng.chance(25) {
            plus_days(today, rng.between(1, 30))
        } else {
            plus_days(today, rng.between(31, 180))
        }
        .max(period_from)
        .min(period_to);
        let sharing = sip || rng.chance(88);
        let consent_given_on = Some(plus_days(period_from, -rng.between(0, 14)));
        let phase = if candidate.has(GRENLAND_TREATMENT) || candidate.has(TSB_DETOX) {
            Phase::Treatment
        } else if candidate.has(LAR) {
            if rng.chance(70) { Phase::Treatment } else { Phase::Aftercare }
        } else if candidate.in_housing() {
            if rng.chance(75) { Phase::Aftercare } else { Phase::PreTreatment }
        } else {
            Phase::ALL[rng.below(3) as usize]
        };
        let relatives: Vec<_> =
            if rng.chance(40) { candidate.relatives.iter().take(1).copied().collect() } else { Vec::new() };
        let contents = if sip {
            PlanContents {
                resources_and_needs: NEEDS_SV.into(),
                person_contribution: PERSON_SV.into(),
                relatives_contribution: NO_RELATIVES_SV.into(),
                services_contribution: SERVICES_SV.into(),
                how_carried_out: HOW_SV.into(),
                cooperation: COOPERATION_SV.into(),
                overall_responsible: Some(own_organization),
                person_takes_part: true,
                relatives_taking_part: Vec::new(),
            }
        } else {
            let needs = if candidate.has(LAR) { NEEDS_NB[1] } else { *pick(&mut rng, &NEEDS_NB) };
            PlanContents {
                resources_and_needs: needs.into(),
                person_contribution: pick(&mut rng, &PERSON_NB).to_string(),
                relatives_contribution: if relatives.is_empty() { NO_RELATIVES_NB } else { RELATIVES_NB }.into(),
                services_contribution: pick(&mut rng, &SERVICES_NB).to_string(),
                how_carried_out: pick(&mut rng, &HOW_NB).to_string(),
                cooperation: if sharing { pick(&mut rng, &COOPERATION_NB) } else { &NO_SHARING_NB }.to_string(),
                overall_responsible: None,
                person_takes_part: rng.chance(92),
                relatives_taking_part: relatives,
            }
        };
        let header = PlanHeader {
            kind,
            coordinator: coordinator.account,
            phase,
            period_from,
            period_to,
            next_revision,
            consent_given_on,
            consent_to_sharing: sharing,
        };

        // Goals: 2–5 in different life areas, the first where the person's need is.
        let bank: &[GoalText] = if sip { &GOALS_SV } else { &GOALS_NB };
        let count = rng.between(2, if sip { 4 } else { 5 }) as usize;
        let mut order: Vec<usize> = (0..bank.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let first_area =
            if candidate.in_housing() && !candidate.has(LAR) { LifeArea::Housing } else { LifeArea::SubstanceUse };
        if let Some(position) = order
            .iter()
            .position(|i| bank[*i].area == first_area && (candidate.has(LAR) || !bank[*i].own.contains("medisinen")))
        {
            let first = order.remove(position);
            order.insert(0, first);
        }
        let mut goals: Vec<Goal> = Vec::new();
        for i in order {
            let text = &bank[i];
            if goals.len() == count {
                break;
            }
            if goals.iter().any(|g| g.area == text.area) || (!candidate.has(LAR) && text.own.contains("medisinen")) {
                continue;
            }
            let status = match rng.between(0, 99) {
                0..=14 => GoalStatus::NotStarted,
                15..=64 => GoalStatus::InProgress,
                65..=84 => GoalStatus::Achieved,
                85..=93 => GoalStatus::Paused,
                _ => GoalStatus::Dropped,
            };
            goals.push(Goal {
                id: new_id(),
                area: text.area,
                own_words: text.own.into(),
                professional: text.professional.into(),
                status,
            });
        }

        // Measures: 2–6 at services of the catalogue, the person's own services first.
        let mut texts: Vec<&MeasureText> = Vec::new();
        if sip {
            texts.extend(SIP_MEASURES.iter());
        } else {
            match candidate.group {
                Group::Trust => texts.push(&TRUST_MEASURE),
                Group::Shelter => texts.push(&SHELTER_MEASURE),
                Group::LowThreshold => texts.push(&GENERAL_MEASURES[2]),
                Group::Team => texts.push(&TEAM_TALKS),
            }
            if candidate.has(LAR) {
                texts.push(&LAR_MEASURE);
            }
            if candidate.has(HOUSING) {
                texts.push(&HOUSING_MEASURE);
            }
            for flat in &FLAT_MEASURES {
                if candidate.has(flat.service) {
                    texts.push(flat);
                }
            }
            if phase == Phase::PreTreatment && rng.chance(30) {
                texts.push(&DETOX_MEASURE);
            }
            let mut general: Vec<&MeasureText> = GENERAL_MEASURES.iter().collect();
            for i in (1..general.len()).rev() {
                general.swap(i, rng.below(i as u64 + 1) as usize);
            }
            texts.extend(general);
        }
        let count = rng.between(2, 6) as usize;
        let mut measures = Vec::new();
        for text in texts {
            if measures.len() == count {
                break;
            }
            let Some(service) = catalogue.get(text.service) else { continue };
            if measures.iter().any(|m: &Measure| m.description == text.description) {
                continue;
            }
            measures.push(demo_measure(&mut rng, text, service, &goals, period_from, today, None));
        }

        // The care team: the coordinator, perhaps a colleague, and members from other
        // organisations where the person consented to sharing.
        let mut members = vec![PlannedMember {
            account: coordinator.account,
            organization: own_organization,
            role: COORDINATOR_ROLE,
            from: period_from,
        }];
        let mut later: Vec<PlannedMember> = Vec::new();
        if coordinator.account == cast.leader.account {
            members.push(PlannedMember {
                account: cast.coordinator.account,
                organization: cast.coordinator.organization,
                role: "kontaktperson i rusteamet",
                from: period_from,
            });
        } else if coordinator.account == cast.coordinator.account && rng.chance(10) {
            members.push(PlannedMember {
                account: cast.leader.account,
                organization: cast.leader.organization,
                role: "faglig ansvarlig",
                from: period_from,
            });
        }
        if sharing {
            let mut others: Vec<(Actor, &'static str)> = Vec::new();
            if sip {
                others.push((cast.coordinator.clone(), "kontaktperson i kommunen (Porsgrunn)"));
            } else {
                if candidate.probation {
                    others.push((cast.probation.clone(), "kontaktperson i Kriminalvården (frivården)"));
                }
                if candidate.with_trust() && coordinator.account != cast.trust.account {
                    others.push((cast.trust.clone(), "behandler i helseforetaket (LAR/TSB)"));
                }
                if (candidate.ngo || candidate.has(NIGHT_SHELTER) || rng.chance(15))
                    && coordinator.account != cast.shelter.account
                {
                    others.push((cast.shelter.clone(), "miljøarbeider, Kirkens Bymisjon"));
                }
                if coordinator.account != cast.low_threshold.account && (others.is_empty() || rng.chance(25)) {
                    others.push((cast.low_threshold.clone(), "sykepleier, lavterskel helse"));
                }
                if coordinator.organization != cast.coordinator.organization && others.len() < 3 {
                    others.push((cast.coordinator.clone(), "kontaktperson i rusteamet"));
                }
                if !candidate.with_trust() && others.len() < 2 && rng.chance(30) {
                    others.push((cast.trust.clone(), "behandler i TSB"));
                }
            }
            others.retain(|(actor, _)| !candidate.blocked.contains(&actor.account));
            others.truncate(3);
            for (actor, role) in others {
                let joined = plus_days(period_from, rng.between(0, 20)).min(plus_days(today, -1));
                let member =
                    PlannedMember { account: actor.account, organization: actor.organization, role, from: joined };
                // Now and then someone joins months later: a version of their own.
                if index % 4 == 1 && later.is_empty() && age > 120 {
                    later.push(PlannedMember { from: plus_days(period_from, rng.between(60, age - 30)), ..member });
                } else {
                    members.push(member);
                }
            }
        }

        // Meetings: 1–3 held (one in twenty cancelled), and often one planned in the next 60 days.
        let mut meetings = Vec::new();
        let place_bank: &[&str] = if sip { &PLACES_SV } else { &PLACES_NB };
        if rng.chance(88) {
            let held = rng.between(1, 3);
            let mut day = plus_days(today, -rng.between(5, 50));
            let mut days = Vec::new();
            for _ in 0..held {
                let on = weekday_before(day);
                if on <= period_from || on >= today {
                    break;
                }
                days.push(on);
                day = plus_days(on, -rng.between(40, 90));
            }
            days.reverse();
            for on in days {
                let cancelled = rng.chance(5);
                let hour = [9, 10, 12, 13][rng.below(4) as usize];
                let record = MeetingRecord {
                    starts_at: moment(&zone, on, hour, if rng.chance(30) { 30 } else { 0 })?,
                    duration_minutes: if rng.chance(70) { 60 } else { 90 },
                    place: place_bank[rng.below(place_bank.len() as u64) as usize].into(),
                    agenda: if sip { AGENDA_SV } else { *pick(&mut rng, &AGENDAS_NB) }.into(),
                    minutes: if cancelled {
                        if sip { CANCELLED_SV } else { CANCELLED_NB }.into()
                    } else if sip {
                        MINUTES_SV.into()
                    } else {
                        pick(&mut rng, &MINUTES_NB).to_string()
                    },
                    status: if cancelled { MeetingStatus::Cancelled } else { MeetingStatus::Held },
                };
                meetings.push(PlannedMeeting { id: MeetingId::generate(), day: on, record });
            }
        }
        if rng.chance(72) {
            let on = weekday_after(plus_days(today, rng.between(1, 60)));
            let hour = [9, 10, 12, 13][rng.below(4) as usize];
            let record = MeetingRecord {
                starts_at: moment(&zone, on, hour, 0)?,
                duration_minutes: 60,
                place: place_bank[rng.below(place_bank.len() as u64) as usize].into(),
                agenda: if sip { AGENDA_SV } else { *pick(&mut rng, &AGENDAS_NB) }.into(),
                minutes: String::new(),
                status: MeetingStatus::Planned,
            };
            meetings.push(PlannedMeeting { id: MeetingId::generate(), day: on, record });
        }

        // The versions: the plan as made, then the last held meeting's changes (goal statuses,
        // the next revision, perhaps a decided measure); some plans changed phase at the first.
        let held: Vec<&PlannedMeeting> = meetings.iter().filter(|m| m.record.status == MeetingStatus::Held).collect();
        let mut steps: Vec<(Timestamp, Step)> = Vec::new();
        let mut first_header = header.clone();
        let mut first_document = PlanDocument { contents, goals, measures };
        if let Some(last) = held.last() {
            let mut document = first_document.clone();
            if rng.chance(40) {
                let text = if sip { &DECIDED_SV } else { pick(&mut rng, &DECIDED_NB) };
                if let Some(service) = catalogue.get(text.service) {
                    let start = plus_days(last.day, rng.between(1, 10));
                    let decided =
                        demo_measure(&mut rng, text, service, &document.goals, start, today, Some(last.id.to_string()));
                    document.measures.push(decided);
                }
            }
            for goal in &mut first_document.goals {
                if matches!(goal.status, GoalStatus::Achieved | GoalStatus::Dropped | GoalStatus::Paused) {
                    goal.status = GoalStatus::InProgress;
                }
            }
            // The revision held at the meeting set today's next revision date.
            if last.day < header.next_revision {
                first_header.next_revision = last.day.max(period_from);
            }
            if (index % 4 == 1 || index % 6 == 3) && held.len() >= 2 && phase != Phase::PreTreatment {
                let mut middle = first_header.clone();
                first_header.phase = Phase::PreTreatment;
                middle.next_revision = first_header.next_revision;
                let at = moment(&zone, held[0].day, 15, 30)?;
                steps.push((at, Step::Document(Box::new((middle, first_document.clone())))));
            }
            let at = moment(&zone, last.day, 15, 0)?;
            steps.push((at, Step::Document(Box::new((header.clone(), document)))));
        }
        for member in later {
            let at = moment(&zone, member.from, 11, 0)?;
            steps.push((at, Step::Member(member)));
        }

        // Transitions: every release from prison planned with Frivården, and some discharges.
        let release = candidate.probation && (sip || members.iter().any(|m| m.account == cast.probation.account));
        let discharge = !release
            && discharges < DISCHARGES
            && (candidate.with_trust() || phase == Phase::Treatment)
            && rng.chance(30);
        if release || discharge {
            discharges += usize::from(discharge);
            let kind =
                if release { TransitionKind::ReleaseFromPrison } else { TransitionKind::DischargeFromInstitution };
            let institution = if release {
                PRISONS[usize::from(sip)]
            } else {
                INSTITUTIONS[rng.below(INSTITUTIONS.len() as u64) as usize]
            };
            // Three in eight are overdue with items open, one in eight is done, the rest lie ahead.
            let (due_on, done) = match transitions_planned % 8 {
                0 | 3 | 6 => (plus_days(today, -rng.between(2, 20)), rng.between(1, 3) as usize),
                7 => (plus_days(today, -rng.between(10, 40)), 5),
                _ => (plus_days(today, rng.between(4, 50)), rng.between(0, 3) as usize),
            };
            transitions_planned += 1;
            let due_on = due_on.max(plus_days(period_from, 7));
            let items = ChecklistItem::ALL
                .iter()
                .copied()
                .filter(|item| *item != ChecklistItem::FirstMunicipalContact)
                .take(done)
                .map(|item| (item, ItemState { done: true, note: note(item, sip).into() }))
                .collect();
            let transition = Transition {
                id: new_id(),
                kind,
                due_on,
                institution: institution.into(),
                first_contact_on: (done >= 5).then(|| plus_days(due_on, 2).min(plus_days(today, -1))),
                items,
            };
            let created =
                plus_days(due_on, -rng.between(30, 60)).max(plus_days(period_from, 1)).min(plus_days(today, -1));
            let at = moment(&zone, created, 12, 0)?;
            steps.push((at, Step::Transition(transition)));
        }
        steps.sort_by_key(|(at, _)| *at);
        plans.push(PlannedPlan {
            person: candidate.person,
            organization: own_organization,
            coordinator,
            created_on: period_from,
            header: first_header,
            document: first_document,
            members,
            steps,
            meetings,
        });
    }
    Ok(plans)
}

/// `want` of `items`, spread evenly over them (all when there are fewer).
fn spread<'a>(items: &[&'a Candidate], want: usize) -> Vec<&'a Candidate> {
    let total = items.len();
    if want >= total {
        return items.to_vec();
    }
    (0..want).filter_map(|i| items.get(i * total / want.max(1)).copied()).collect()
}

fn pick<'a, T>(rng: &mut DemoRng, items: &'a [T]) -> &'a T {
    &items[rng.below(items.len() as u64) as usize]
}

/// A measure of `text` at `service` from about `from`, with its status as of `today`.
fn demo_measure(
    rng: &mut DemoRng,
    text: &MeasureText,
    service: &CatalogueService,
    goals: &[Goal],
    from: Date,
    today: Date,
    meeting: Option<String>,
) -> Measure {
    let from =
        if meeting.is_some() { from } else { rng.day_between(from, plus_days(from, 60)).min(plus_days(today, 30)) };
    let to = (!rng.chance(35)).then(|| plus_days(from, rng.between(90, 365)));
    let status = if from > today {
        MeasureStatus::Planned
    } else if to.is_some_and(|to| to < today) {
        MeasureStatus::Completed
    } else if rng.chance(7) {
        MeasureStatus::Stopped
    } else {
        MeasureStatus::Active
    };
    Measure {
        id: new_id(),
        description: text.description.into(),
        goal: goals.iter().find(|g| g.area == text.area).map(|g| g.id.clone()),
        service: Some(service.id),
        organization: Some(service.provider),
        owner: text.owner.into(),
        extent: text.extents[rng.below(text.extents.len() as u64) as usize].into(),
        from,
        to,
        status,
        meeting,
    }
}

#[cfg(test)]
mod tests {
    use los_core::policy::PersonRelations;
    use los_store::organizations;

    use super::*;

    /// A grant that reads every plan, for counting what the loader stored; no actor has one.
    fn reader(person: PersonId) -> PersonGrant {
        let actor =
            Actor { account: AccountId::generate(), organization: OrganizationId::generate(), role: Role::Caseworker };
        let relations = PersonRelations { care_team_member: true, ..PersonRelations::default() };
        policy::authorize_person(&actor, person, PersonAction::Read(DataCategory::Plan), &relations).unwrap()
    }

    #[derive(Debug, Default)]
    struct Seen {
        plans: usize,
        sip: usize,
        by_coordinator: usize,
        goals: usize,
        measures: usize,
        decided: usize,
        members_other_organisations: usize,
        held: usize,
        planned: usize,
        revision_overdue: usize,
        revision_soon: usize,
        transitions: usize,
        transitions_overdue: usize,
        several_versions: usize,
    }

    async fn seen(app: &App, cast: &Cast) -> Seen {
        let (today, now) = (app.local_today(), app.now());
        let search = policy::authorize(&cast.coordinator, Action::SearchPersons).unwrap();
        let mut tx = app.store.read().await.unwrap();
        let ids = person_store::search_candidates(&mut tx, &search, &SearchQuery::Name(vec![String::new()]), 100_000)
            .await
            .unwrap();
        // The ordinary demo's persons, and the night shelter's pseudonymous guests from the
        // housing demo.
        assert!(ids.len() >= PERSONS, "{}", ids.len());
        let mut seen = Seen::default();
        let in_60_days = now.saturating_add(jiff::SignedDuration::from_hours(24 * 61)).unwrap();
        for id in ids {
            let grant = reader(id);
            let Some(plan) = plan_store::read(&mut tx, &grant).await.unwrap() else { continue };
            seen.plans += 1;
            let header = &plan.header;
            let country = organizations::by_id(&mut tx, plan.organization).await.unwrap().unwrap().country;
            assert_eq!(header.kind, PlanKind::of(country), "the kind follows the coordinator's organisation");
            seen.sip += usize::from(header.kind == PlanKind::Sip);
            seen.by_coordinator += usize::from(header.coordinator == cast.coordinator.account);
            assert!(header.period_from <= today && header.period_to > today);
            assert!(header.next_revision >= header.period_from && header.next_revision <= header.period_to);
            assert!(header.consent_given_on.is_some_and(|on| on <= today), "consent recorded");
            if header.next_revision < today {
                seen.revision_overdue += 1;
            } else if days_between(today, header.next_revision) <= 30 {
                seen.revision_soon += 1;
            }
            let document = &plan.document;
            assert!((2..=5).contains(&document.goals.len()), "{} goals", document.goals.len());
            assert!(document.goals.iter().all(|g| !g.own_words.is_empty() && !g.professional.is_empty()));
            assert!((2..=7).contains(&document.measures.len()), "{} measures", document.measures.len());
            for measure in &document.measures {
                assert!(measure.service.is_some() && measure.organization.is_some() && !measure.owner.is_empty());
                assert!(measure.to.is_none_or(|to| to >= measure.from));
                assert!(measure.goal.as_ref().is_none_or(|g| document.goals.iter().any(|goal| &goal.id == g)));
            }
            seen.goals += document.goals.len();
            seen.measures += document.measures.len();

            let versions = plan_store::versions(&mut tx, &grant).await.unwrap();
            assert_eq!(versions.first().map(|v| v.version), Some(1), "version 1 is there");
            assert_eq!(versions.len() as i64, plan.version);
            assert!(versions.windows(2).all(|w| w[0].changed_at <= w[1].changed_at && w[1].changed_at <= now));
            let last = &versions.last().unwrap().snapshot;
            assert_eq!((&last.header, &last.document), (&plan.header, &plan.document));
            seen.several_versions += usize::from(versions.len() >= 4);

            let members = plan_store::members(&mut tx, &grant).await.unwrap();
            assert!(
                members.iter().any(|m| m.account == header.coordinator && m.to.is_none() && m.from <= today),
                "the coordinator is a current member"
            );
            assert_eq!(last.members, members);
            for member in &members {
                let relations = person_store::relations(&mut tx, id, member.account, member.organization, today, now)
                    .await
                    .unwrap();
                assert!(!relations.blocked, "nobody the person has blocked is in the care team");
            }
            for member in members.iter().filter(|m| m.organization != plan.organization) {
                assert!(header.consent_to_sharing, "members from other organisations only with consent to sharing");
                assert!(member.from <= today);
                seen.members_other_organisations += 1;
            }

            let meetings = plan_store::meetings(&mut tx, &grant).await.unwrap();
            let ids: Vec<String> = meetings.iter().map(|m| m.id.to_string()).collect();
            for measure in document.measures.iter().filter(|m| m.meeting.is_some()) {
                assert!(ids.contains(measure.meeting.as_ref().unwrap()), "a decision points at its meeting");
                seen.decided += 1;
            }
            for meeting in &meetings {
                assert!(!meeting.invited.is_empty());
                match meeting.status {
                    MeetingStatus::Held => {
                        assert!(meeting.starts_at < now && !meeting.minutes.is_empty());
                        seen.held += 1;
                    }
                    MeetingStatus::Planned => {
                        assert!(meeting.starts_at > now && meeting.starts_at < in_60_days);
                        seen.planned += 1;
                    }
                    MeetingStatus::Cancelled => assert!(meeting.starts_at < now),
                }
            }
            let transitions = plan_store::transitions(&mut tx, &grant).await.unwrap();
            assert_eq!(last.transitions, transitions);
            seen.transitions += transitions.len();
            seen.transitions_overdue += transitions.iter().filter(|t| !t.overdue_items(today).is_empty()).count();
        }
        seen
    }

    #[tokio::test]
    async fn the_demo_plans_cover_about_40_percent_with_meetings_revisions_and_transitions_once() {
        let demo = crate::demo::testing::loaded_demo().await;
        let (app, organizations) = (&demo.app, demo.organizations.clone());
        let world = app.demo_world(&organizations).await.unwrap();
        let cast = app.demo_cast(&world, &organizations).await.unwrap();
        let s = seen(app, &cast).await;
        eprintln!("{s:?}");
        assert!((110..=130).contains(&s.plans), "{} plans", s.plans);
        assert!(s.by_coordinator * 10 >= s.plans * 7, "mostly koordinator: {}", s.by_coordinator);
        assert!((1..=5).contains(&s.sip));
        assert!(s.revision_overdue * 100 >= s.plans * 8 && s.revision_overdue * 100 <= s.plans * 20);
        assert!(s.revision_soon >= 10);
        assert!(s.held >= 100 && s.planned >= 50, "{} held, {} planned meetings", s.held, s.planned);
        assert!(s.decided >= 10, "{} measures decided in meetings", s.decided);
        assert!(s.members_other_organisations >= 80);
        assert!((12..=20).contains(&s.transitions), "{} transitions", s.transitions);
        assert!(s.transitions_overdue >= 2 && s.transitions_overdue < s.transitions);
        assert!(s.several_versions >= 3, "{} plans with several versions", s.several_versions);

        // The coordinator's start page has something in every part.
        let ctx = RequestContext::default();
        let own = app.own_plans(&ctx, &cast.coordinator).await.unwrap();
        eprintln!(
            "koordinator: {} plans, {} meetings, {} transitions, {} hidden",
            own.plans.len(),
            own.meetings.len(),
            own.transitions.len(),
            own.hidden
        );
        assert!(own.plans.len() >= 80 && own.hidden == 0);
        assert!(own.plans.iter().any(|l| l.revision_overdue) && own.plans.iter().any(|l| l.revision_due_soon));
        assert!(!own.meetings.is_empty());
        assert!(own.transitions.iter().any(|t| !t.overdue_items.is_empty()));
        let probation = app.own_plans(&ctx, &cast.probation).await.unwrap();
        assert!(!probation.plans.is_empty() && probation.hidden == 0);

        // Loading again adds nothing.
        app.load_demo().await.unwrap();
        assert_eq!(seen(app, &cast).await.plans, s.plans);
    }
}
