# Los – norsk bokmål (standardspråk)

## Felles
skip-to-content = Hopp til hovedinnholdet
demo-banner = Demoversjon: bare oppdiktede personer og data. Ikke registrer ekte personopplysninger.
footer-text = Los – koordinerte tjenester for personer med rusproblemer og psykiske lidelser.
language-switch = Språk
nav-main = Hovedmeny
nav-home = Oversikt
nav-organizations = Virksomheter
nav-accounts = Brukerkontoer
nav-audit = Tilgangslogg
nav-account = Min konto
logout = Logg ut
yes = Ja
no = Nei
form-save = Lagre
form-cancel = Avbryt
form-has-errors = Skjemaet har feil som må rettes
form-conflict = Noen andre har endret dette mens du redigerte. Se over feltene og lagre på nytt.

## Roller
role-admin = Administrator
role-leader = Tjenesteleder
role-caseworker = Saksbehandler / koordinator
role-analyst = Analytiker

## Virksomhetstyper
org-kind-municipal_unit = Kommunal enhet
org-kind-hospital_trust = Helseforetak
org-kind-dps = Distriktspsykiatrisk senter (DPS)
org-kind-lar = Legemiddelassistert rehabilitering (LAR)
org-kind-prison_probation = Kriminalomsorgen
org-kind-nav = NAV
org-kind-ngo = Frivillig organisasjon
org-kind-private_institution = Privat institusjon
country-NO = Norge
country-SE = Sverige

## Feilårsaker
reason-required = må fylles ut
reason-too-short = må ha minst { $min } tegn
reason-too-long = kan ha høyst { $max } tegn
reason-too-few = må ha minst { $min } valg
reason-invalid-characters = inneholder tegn som ikke er tillatt
reason-invalid-format = har feil format
reason-unknown-value = er ikke et gyldig valg
reason-already-exists = er allerede i bruk
reason-wrong-code = er ikke riktig
reason-password-too-weak = er for lett å gjette: bruk flere ord eller flere ulike tegn
reason-password-mismatch = er ikke lik det nye passordet
reason-not-allowed = er ikke tillatt her
reason-unknown = finnes ikke

## Feilsider
error-status = Statuskode
error-request-id = Forespørsels-ID
error-back-home = Til forsiden
error-retry-after = Prøv igjen om { $seconds } sekunder.
error-bad-request-title = Forespørselen kunne ikke behandles
error-bad-request-text = Noe i det som ble sendt, var ufullstendig eller for stort. Gå tilbake og prøv igjen.
error-unauthenticated-title = Du må logge inn
error-unauthenticated-text = Økten din er utløpt eller avsluttet. Logg inn på nytt.
error-forbidden-title = Ingen tilgang
error-forbidden-text = Du har ikke tilgang til dette, eller skjemaet var utløpt. Last siden på nytt og prøv igjen.
error-method-title = Handlingen er ikke tillatt her
error-method-text = Siden kan ikke brukes på denne måten. Gå tilbake og bruk knappene på siden.
error-not-found-title = Fant ikke siden
error-not-found-text = Siden eller saken finnes ikke, eller den er flyttet.
error-conflict-title = Endret av noen andre
error-conflict-text = Noen andre har endret dette i mellomtiden. Last siden på nytt.
error-throttled-title = For mange forsøk
error-throttled-text = Vent litt før du prøver igjen.
error-unavailable-title = Tjenesten er midlertidig utilgjengelig
error-unavailable-text = Los får ikke kontakt med databasen akkurat nå. Ingenting er lagret. Prøv igjen om litt.
error-internal-title = Noe gikk galt
error-internal-text = En uventet feil oppstod. Oppgi forespørsels-ID-en hvis du kontakter brukerstøtte.

## Innlogging
login-title = Logg inn
login-intro = Logg inn med brukernavn og passord. Deretter ber vi om en kode fra autentiseringsappen din.
login-submit = Logg inn
login-failed = Feil brukernavn eller passord.
login-throttled = For mange mislykkede forsøk. Vent { $seconds } sekunder før du prøver igjen.
login-demo-hint = Demobrukere skrives ut i terminalen når Los startes med --demo.
field-username = Brukernavn
field-password = Passord
field-code = Engangskode (6 sifre)
field-recovery-code = Gjenopprettingskode
second-factor-title = Tofaktorinnlogging
second-factor-intro = Skriv inn den sekssifrede koden som vises i autentiseringsappen din.
recovery-login-title = Logg inn med gjenopprettingskode
recovery-login-intro = Hver gjenopprettingskode kan brukes én gang. Lag nye koder på kontosiden etterpå.
login-verify = Bekreft
login-use-recovery = Har du ikke telefonen? Bruk en gjenopprettingskode
login-use-app = Bruk kode fra autentiseringsappen
enrol-title = Sett opp tofaktorinnlogging
enrol-intro = Los krever en ekstra faktor ved innlogging fordi tjenesten inneholder helseopplysninger.
enrol-step-app = Installer en autentiseringsapp (for eksempel Microsoft Authenticator, Google Authenticator eller FreeOTP).
enrol-step-scan = Skann QR-koden med appen, eller skriv inn nøkkelen under.
enrol-step-code = Skriv inn koden appen viser, og trykk Aktiver.
enrol-qr-label = QR-kode for autentiseringsappen
enrol-manual = Nøkkel for manuell registrering:
enrol-submit = Aktiver
recovery-title = Gjenopprettingskoder
recovery-intro = Skriv ut eller lagre disse kodene på et trygt sted. Hver kode kan brukes én gang hvis du mister telefonen. De vises bare nå.
recovery-continue = Fortsett

## Forside
home-title = Oversikt
home-greeting = Hei, { $name }
home-acting-as = Du arbeider nå som
home-switch-role = Bytt virksomhet eller rolle
home-no-role = Kontoen din har ingen rolle i en virksomhet ennå. Be en administrator om tilgang.
home-shortcuts = Snarveier
home-second-factor-missing-title = Tofaktorinnlogging er ikke satt opp
home-second-factor-missing-text = I demoversjonen er den frivillig, men i drift kreves den for alle roller.
home-recovery-codes-low = Du har { $count } ubrukte gjenopprettingskoder igjen.

## Min konto
account-title = Min konto
account-second-factor = Tofaktorinnlogging
account-second-factor-on = Tofaktorinnlogging er aktiv.
account-second-factor-off = Tofaktorinnlogging er ikke satt opp.
account-recovery-left = Ubrukte gjenopprettingskoder: { $count }.
account-new-recovery-codes = Lag nye gjenopprettingskoder
account-enrol = Sett opp tofaktorinnlogging
account-roles = Virksomhet og rolle
account-acting-as = Arbeid som
account-switch = Bytt
account-change-password = Endre passord
account-password-changed = Passordet er endret.
field-current-password = Nåværende passord
field-new-password = Nytt passord
field-confirm-password = Gjenta nytt passord
password-hint = Minst 12 tegn. En setning med flere ord er både sterk og lett å huske.
account-tokens = Personlige tilgangsnøkler
account-tokens-intro = Tilgangsnøkler lar et fagsystem eller en integrasjon bruke Los-API-et med dine rettigheter i virksomheten du arbeider i nå. Nøkkelen vises bare én gang.
account-token-created = Ny nøkkel – kopier den nå, den vises ikke igjen:
account-token-create = Lag nøkkel
account-token-created-at = Laget
account-token-expires = Utløper
account-token-last-used = Sist brukt
account-token-status = Status
account-token-revoke = Trekk tilbake
account-token-revoked = Trukket tilbake
account-never = Aldri
field-token-name = Navn på nøkkelen
field-token-days = Gyldig i antall dager
field-token-days-hint = 1–366 dager. La feltet stå tomt for en nøkkel uten utløpsdato.

## Kommuner
nav-municipalities = Kommuner og regioner
municipalities-title = Kommuner
municipalities-intro = Kommunene i Los med kommunenummer, tidssone for datoer og frister, og innbyggertall (brukes til tall per innbygger og fordeling av tilskudd).
municipalities-empty = Ingen kommuner er registrert ennå.
municipalities-population-unknown = ukjent
municipalities-population-in = Innbyggere { $year }
municipalities-api-note = Kommuner og regioner registreres og endres av administrator gjennom API-et (/api/v1/municipalities og /api/v1/regions).
regions-title = Interkommunale samarbeid
regions-empty = Ingen interkommunale samarbeid er registrert ennå.
field-region-name = Samarbeid
field-host = Vertskommune
field-members = Deltakerkommuner
field-municipality-number = Kommunenummer
field-time-zone = Tidssone

## Virksomheter
organizations-title = Virksomheter
organizations-intro = Virksomhetene som deltar i tiltakskjeden: kommunale enheter, spesialisthelsetjenesten, kriminalomsorgen, NAV og frivillige.
organizations-empty = Ingen virksomheter er registrert ennå.
organization-new = Ny virksomhet
organization-edit = Endre virksomhet
field-organization-name = Navn
field-organization-kind = Type
field-country = Land
field-organization = Virksomhet

## Administrasjon av kontoer
accounts-title = Brukerkontoer
account-new = Ny brukerkonto
accounts-roles = Roller
accounts-status = Status
accounts-active = Aktiv
accounts-disabled = Deaktivert
accounts-actions = Handlinger
accounts-disable = Deaktiver kontoen
accounts-enable = Aktiver kontoen
accounts-reset-second-factor = Nullstill tofaktorinnlogging
accounts-grant-role = Gi rolle
accounts-revoke-role = Fjern rollen
accounts-no-roles = Kontoen har ingen roller.
accounts-audit-link = Se hendelser utført av denne kontoen
field-display-name = Fullt navn
field-role = Rolle
field-language = Språk
username-hint = 3–64 tegn: små bokstaver, tall og . - _ @

## Tilgangslogg
audit-title = Tilgangslogg
audit-intro = Alle innlogginger, endringer av kontoer og oppslag i personopplysninger, med hvem, når og hvorfor. Loggen kan ikke endres, og hver hendelse er kjedet til den forrige.
audit-any = Alle
audit-action = Hendelse
audit-outcome = Utfall
audit-actor = Utført av (konto-ID)
audit-person = Person (ID)
audit-from = Fra dato
audit-to = Til og med dato
audit-before = Eldre enn
audit-id-hint = En ID i formatet xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
audit-filter = Filtrer
audit-empty = Ingen hendelser passer filteret.
audit-older = Vis eldre hendelser
audit-time = Tidspunkt
audit-subject = Gjelder
audit-reason = Begrunnelse
audit-request = Forespørsel
audit-outcome-success = Utført
audit-outcome-failure = Mislyktes
audit-outcome-denied = Avvist
audit-action-login_password = Innlogging med passord
audit-action-login_second_factor = Innlogging med engangskode
audit-action-login_recovery_code = Innlogging med gjenopprettingskode
audit-action-login_throttled = Innlogging bremset
audit-action-logout = Utlogging
audit-action-session_expired = Økt utløpt
audit-action-second_factor_enrolled = Tofaktor satt opp
audit-action-second_factor_reset = Tofaktor nullstilt
audit-action-recovery_codes_regenerated = Nye gjenopprettingskoder
audit-action-password_changed = Passord endret
audit-action-account_created = Konto opprettet
audit-action-account_updated = Konto endret
audit-action-account_disabled = Konto deaktivert
audit-action-account_enabled = Konto aktivert
audit-action-role_granted = Rolle gitt
audit-action-role_revoked = Rolle fjernet
audit-action-token_created = Tilgangsnøkkel laget
audit-action-token_revoked = Tilgangsnøkkel trukket tilbake
audit-action-token_used = Tilgangsnøkkel brukt
audit-action-organization_created = Virksomhet opprettet
audit-action-organization_updated = Virksomhet endret
audit-action-municipality_created = Kommune opprettet
audit-action-municipality_updated = Kommune endret
audit-action-region_created = Interkommunalt samarbeid opprettet
audit-action-region_updated = Interkommunalt samarbeid endret
audit-action-audit_viewed = Tilgangslogg lest
audit-action-access_denied = Tilgang avvist
