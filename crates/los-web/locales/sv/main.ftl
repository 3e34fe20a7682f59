# Los – svenska

## Gemensamt
skip-to-content = Hoppa till huvudinnehållet
demo-banner = Demoversion: endast påhittade personer och uppgifter. Registrera inga riktiga personuppgifter.
footer-text = Los – samordnade insatser för personer med missbruk och psykisk ohälsa.
language-switch = Språk
nav-main = Huvudmeny
nav-home = Översikt
nav-organizations = Verksamheter
nav-accounts = Användarkonton
nav-audit = Åtkomstlogg
nav-account = Mitt konto
logout = Logga ut
yes = Ja
no = Nej
form-save = Spara
form-cancel = Avbryt
form-has-errors = Formuläret har fel som måste rättas
form-conflict = Någon annan har ändrat detta medan du redigerade. Gå igenom fälten och spara igen.

## Roller
role-admin = Administratör
role-leader = Verksamhetschef
role-caseworker = Handläggare / samordnare
role-analyst = Analytiker

## Verksamhetstyper
org-kind-municipal_unit = Kommunal enhet
org-kind-hospital_trust = Region / sjukhus
org-kind-dps = Psykiatrisk öppenvård
org-kind-lar = Läkemedelsassisterad behandling (LARO)
org-kind-prison_probation = Kriminalvården
org-kind-nav = Arbets- och välfärdsförvaltning (NAV)
org-kind-ngo = Ideell organisation
org-kind-private_institution = Privat institution
country-NO = Norge
country-SE = Sverige

## Felorsaker
reason-required = måste fyllas i
reason-too-short = måste ha minst { $min } tecken
reason-too-long = får ha högst { $max } tecken
reason-too-few = måste ha minst { $min } val
reason-invalid-characters = innehåller tecken som inte är tillåtna
reason-invalid-format = har fel format
reason-unknown-value = är inte ett giltigt val
reason-already-exists = används redan
reason-wrong-code = är inte rätt
reason-password-too-weak = är för lätt att gissa: använd fler ord eller fler olika tecken
reason-password-mismatch = är inte samma som det nya lösenordet
reason-not-allowed = är inte tillåtet här
reason-unknown = finns inte

## Felsidor
error-status = Statuskod
error-request-id = Förfrågans ID
error-back-home = Till startsidan
error-retry-after = Försök igen om { $seconds } sekunder.
error-bad-request-title = Förfrågan kunde inte behandlas
error-bad-request-text = Något i det som skickades var ofullständigt eller för stort. Gå tillbaka och försök igen.
error-unauthenticated-title = Du måste logga in
error-unauthenticated-text = Din session har gått ut eller avslutats. Logga in igen.
error-forbidden-title = Ingen åtkomst
error-forbidden-text = Du har inte åtkomst till detta, eller så hade formuläret gått ut. Ladda om sidan och försök igen.
error-method-title = Åtgärden är inte tillåten här
error-method-text = Sidan kan inte användas på det här sättet. Gå tillbaka och använd knapparna på sidan.
error-not-found-title = Sidan hittades inte
error-not-found-text = Sidan eller ärendet finns inte, eller har flyttats.
error-conflict-title = Ändrat av någon annan
error-conflict-text = Någon annan har ändrat detta under tiden. Ladda om sidan.
error-throttled-title = För många försök
error-throttled-text = Vänta en stund innan du försöker igen.
error-unavailable-title = Tjänsten är tillfälligt otillgänglig
error-unavailable-text = Los når inte databasen just nu. Inget har sparats. Försök igen om en stund.
error-internal-title = Något gick fel
error-internal-text = Ett oväntat fel uppstod. Ange förfrågans ID om du kontaktar support.

## Inloggning
login-title = Logga in
login-intro = Logga in med användarnamn och lösenord. Därefter ber vi om en kod från din autentiseringsapp.
login-submit = Logga in
login-failed = Fel användarnamn eller lösenord.
login-throttled = För många misslyckade försök. Vänta { $seconds } sekunder innan du försöker igen.
login-demo-hint = Demoanvändarna skrivs ut i terminalen när Los startas med --demo.
field-username = Användarnamn
field-password = Lösenord
field-code = Engångskod (6 siffror)
field-recovery-code = Återställningskod
second-factor-title = Tvåfaktorsinloggning
second-factor-intro = Skriv den sexsiffriga koden som visas i din autentiseringsapp.
recovery-login-title = Logga in med återställningskod
recovery-login-intro = Varje återställningskod kan användas en gång. Skapa nya koder på kontosidan efteråt.
login-verify = Bekräfta
login-use-recovery = Har du inte telefonen? Använd en återställningskod
login-use-app = Använd kod från autentiseringsappen
enrol-title = Aktivera tvåfaktorsinloggning
enrol-intro = Los kräver en extra faktor vid inloggning eftersom tjänsten innehåller hälsouppgifter.
enrol-step-app = Installera en autentiseringsapp (till exempel Microsoft Authenticator, Google Authenticator eller FreeOTP).
enrol-step-scan = Skanna QR-koden med appen, eller skriv in nyckeln nedan.
enrol-step-code = Skriv koden som appen visar och tryck Aktivera.
enrol-qr-label = QR-kod för autentiseringsappen
enrol-manual = Nyckel för manuell registrering:
enrol-submit = Aktivera
recovery-title = Återställningskoder
recovery-intro = Skriv ut eller spara koderna på ett säkert ställe. Varje kod kan användas en gång om du tappar bort telefonen. De visas bara nu.
recovery-continue = Fortsätt

## Startsida
home-title = Översikt
home-greeting = Hej, { $name }
home-acting-as = Du arbetar nu som
home-switch-role = Byt verksamhet eller roll
home-no-role = Ditt konto har ännu ingen roll i någon verksamhet. Be en administratör om åtkomst.
home-shortcuts = Genvägar
home-second-factor-missing-title = Tvåfaktorsinloggning är inte aktiverad
home-second-factor-missing-text = I demoversionen är den frivillig, men i drift krävs den för alla roller.
home-recovery-codes-low = Du har { $count } oanvända återställningskoder kvar.

## Mitt konto
account-title = Mitt konto
account-second-factor = Tvåfaktorsinloggning
account-second-factor-on = Tvåfaktorsinloggning är aktiv.
account-second-factor-off = Tvåfaktorsinloggning är inte aktiverad.
account-recovery-left = Oanvända återställningskoder: { $count }.
account-new-recovery-codes = Skapa nya återställningskoder
account-enrol = Aktivera tvåfaktorsinloggning
account-roles = Verksamhet och roll
account-acting-as = Arbeta som
account-switch = Byt
account-change-password = Byt lösenord
account-password-changed = Lösenordet är bytt.
field-current-password = Nuvarande lösenord
field-new-password = Nytt lösenord
field-confirm-password = Upprepa nytt lösenord
password-hint = Minst 12 tecken. En mening med flera ord är både stark och lätt att komma ihåg.
account-tokens = Personliga åtkomstnycklar
account-tokens-intro = Åtkomstnycklar låter ett verksamhetssystem eller en integration använda Los API med dina behörigheter i den verksamhet du arbetar i nu. Nyckeln visas bara en gång.
account-token-created = Ny nyckel – kopiera den nu, den visas inte igen:
account-token-create = Skapa nyckel
account-token-created-at = Skapad
account-token-expires = Upphör
account-token-last-used = Senast använd
account-token-status = Status
account-token-revoke = Återkalla
account-token-revoked = Återkallad
account-never = Aldrig
field-token-name = Nyckelns namn
field-token-days = Giltig antal dagar
field-token-days-hint = 1–366 dagar. Lämna tomt för en nyckel utan slutdatum.

## Kommuner
nav-municipalities = Kommuner och regioner
municipalities-title = Kommuner
municipalities-intro = Kommunerna i Los med kommunkod, tidszon för datum och frister, och folkmängd (används för tal per invånare och fördelning av bidrag).
municipalities-empty = Inga kommuner är registrerade ännu.
municipalities-population-unknown = okänd
municipalities-population-in = Invånare { $year }
municipalities-api-note = Kommuner och regioner registreras och ändras av en administratör via API:et (/api/v1/municipalities och /api/v1/regions).
regions-title = Samverkan mellan kommuner
regions-empty = Ingen samverkan mellan kommuner är registrerad ännu.
field-region-name = Samverkan
field-host = Värdkommun
field-members = Deltagande kommuner
field-municipality-number = Kommunkod
field-time-zone = Tidszon

## Verksamheter
organizations-title = Verksamheter
organizations-intro = Verksamheterna i vårdkedjan: kommunala enheter, regionens specialistvård, Kriminalvården, NAV och ideella organisationer.
organizations-empty = Inga verksamheter är registrerade ännu.
organization-new = Ny verksamhet
organization-edit = Ändra verksamhet
field-organization-name = Namn
field-organization-kind = Typ
field-country = Land
field-organization = Verksamhet

## Administration av konton
accounts-title = Användarkonton
account-new = Nytt användarkonto
accounts-roles = Roller
accounts-status = Status
accounts-active = Aktivt
accounts-disabled = Inaktiverat
accounts-actions = Åtgärder
accounts-disable = Inaktivera kontot
accounts-enable = Aktivera kontot
accounts-reset-second-factor = Nollställ tvåfaktorsinloggning
accounts-grant-role = Ge roll
accounts-revoke-role = Ta bort rollen
accounts-no-roles = Kontot har inga roller.
accounts-audit-link = Visa händelser utförda av detta konto
field-display-name = Fullständigt namn
field-role = Roll
field-language = Språk
username-hint = 3–64 tecken: små bokstäver, siffror och . - _ @

## Åtkomstlogg
audit-title = Åtkomstlogg
audit-intro = Alla inloggningar, ändringar av konton och uppslag i personuppgifter, med vem, när och varför. Loggen kan inte ändras, och varje händelse är kedjad till den föregående.
audit-any = Alla
audit-action = Händelse
audit-outcome = Utfall
audit-actor = Utförd av (konto-ID)
audit-person = Person (ID)
audit-from = Från datum
audit-to = Till och med datum
audit-before = Äldre än
audit-id-hint = Ett ID i formatet xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
audit-filter = Filtrera
audit-empty = Inga händelser matchar filtret.
audit-older = Visa äldre händelser
audit-time = Tidpunkt
audit-subject = Gäller
audit-reason = Motivering
audit-request = Förfrågan
audit-outcome-success = Utförd
audit-outcome-failure = Misslyckades
audit-outcome-denied = Nekad
audit-action-login_password = Inloggning med lösenord
audit-action-login_second_factor = Inloggning med engångskod
audit-action-login_recovery_code = Inloggning med återställningskod
audit-action-login_throttled = Inloggning bromsad
audit-action-logout = Utloggning
audit-action-session_expired = Session utgången
audit-action-second_factor_enrolled = Tvåfaktor aktiverad
audit-action-second_factor_reset = Tvåfaktor nollställd
audit-action-recovery_codes_regenerated = Nya återställningskoder
audit-action-password_changed = Lösenord bytt
audit-action-account_created = Konto skapat
audit-action-account_updated = Konto ändrat
audit-action-account_disabled = Konto inaktiverat
audit-action-account_enabled = Konto aktiverat
audit-action-role_granted = Roll given
audit-action-role_revoked = Roll borttagen
audit-action-token_created = Åtkomstnyckel skapad
audit-action-token_revoked = Åtkomstnyckel återkallad
audit-action-token_used = Åtkomstnyckel använd
audit-action-organization_created = Verksamhet skapad
audit-action-organization_updated = Verksamhet ändrad
audit-action-municipality_created = Kommun skapad
audit-action-municipality_updated = Kommun ändrad
audit-action-region_created = Samverkan skapad
audit-action-region_updated = Samverkan ändrad
audit-action-audit_viewed = Åtkomstlogg läst
audit-action-access_denied = Åtkomst nekad
