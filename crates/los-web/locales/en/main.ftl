# Los – English

## Shared
skip-to-content = Skip to main content
demo-banner = Demo version: invented people and data only. Do not enter real personal data.
footer-text = Los – coordinated services for people with substance-use problems and mental illness.
language-switch = Language
nav-main = Main menu
nav-home = Overview
nav-organizations = Organisations
nav-accounts = Accounts
nav-audit = Audit log
nav-account = My account
logout = Log out
yes = Yes
no = No
form-save = Save
form-cancel = Cancel
form-has-errors = The form has errors to correct
form-conflict = Someone else changed this while you were editing. Check the fields and save again.

## Roles
role-admin = Administrator
role-leader = Service leader
role-caseworker = Caseworker / coordinator
role-analyst = Analyst

## Organisation kinds
org-kind-municipal_unit = Municipal unit
org-kind-hospital_trust = Hospital trust
org-kind-dps = Community mental health centre (DPS)
org-kind-lar = Opioid agonist treatment (LAR)
org-kind-prison_probation = Prison and probation service
org-kind-nav = NAV (labour and welfare)
org-kind-ngo = Non-governmental organisation
org-kind-private_institution = Private institution
country-NO = Norway
country-SE = Sweden

## Error reasons
reason-required = is required
reason-too-short = must be at least { $min } characters
reason-too-long = must be at most { $max } characters
reason-too-few = must have at least { $min } entries
reason-invalid-characters = contains characters that are not allowed
reason-invalid-format = has the wrong format
reason-unknown-value = is not a valid choice
reason-already-exists = is already in use
reason-wrong-code = is not correct
reason-password-too-weak = is too easy to guess: use more words or more different characters
reason-password-mismatch = does not match the new password
reason-not-allowed = is not allowed here
reason-unknown = does not exist

## Error pages
error-status = Status code
error-request-id = Request ID
error-back-home = Go to the start page
error-retry-after = Try again in { $seconds } seconds.
error-bad-request-title = The request could not be processed
error-bad-request-text = Something that was sent was incomplete or too large. Go back and try again.
error-unauthenticated-title = Please log in
error-unauthenticated-text = Your session has expired or ended. Log in again.
error-forbidden-title = No access
error-forbidden-text = You do not have access to this, or the form had expired. Reload the page and try again.
error-method-title = Not allowed here
error-method-text = This page cannot be used this way. Go back and use the buttons on the page.
error-not-found-title = Page not found
error-not-found-text = The page or case does not exist, or it has moved.
error-conflict-title = Changed by someone else
error-conflict-text = Someone else changed this in the meantime. Reload the page.
error-throttled-title = Too many attempts
error-throttled-text = Wait a little before trying again.
error-unavailable-title = Temporarily unavailable
error-unavailable-text = Los cannot reach its database right now. Nothing was saved. Try again shortly.
error-internal-title = Something went wrong
error-internal-text = An unexpected error occurred. Quote the request ID if you contact support.

## Login
login-title = Log in
login-intro = Log in with your username and password. Then we ask for a code from your authenticator app.
login-submit = Log in
login-failed = Wrong username or password.
login-throttled = Too many failed attempts. Wait { $seconds } seconds before trying again.
login-demo-hint = The demo logins are printed in the terminal when Los is started with --demo.
field-username = Username
field-password = Password
field-code = One-time code (6 digits)
field-recovery-code = Recovery code
second-factor-title = Two-factor login
second-factor-intro = Enter the six-digit code shown in your authenticator app.
recovery-login-title = Log in with a recovery code
recovery-login-intro = Each recovery code works once. Create new codes on your account page afterwards.
login-verify = Confirm
login-use-recovery = No phone? Use a recovery code
login-use-app = Use a code from the authenticator app
enrol-title = Set up two-factor login
enrol-intro = Los requires a second factor at login because it holds health information.
enrol-step-app = Install an authenticator app (for example Microsoft Authenticator, Google Authenticator or FreeOTP).
enrol-step-scan = Scan the QR code with the app, or type in the key below.
enrol-step-code = Enter the code the app shows and press Activate.
enrol-qr-label = QR code for the authenticator app
enrol-manual = Key for manual entry:
enrol-submit = Activate
recovery-title = Recovery codes
recovery-intro = Print or store these codes somewhere safe. Each code works once if you lose your phone. They are shown only now.
recovery-continue = Continue

## Start page
home-title = Overview
home-greeting = Hello, { $name }
home-acting-as = You are working as
home-switch-role = Switch organisation or role
home-no-role = Your account has no role in an organisation yet. Ask an administrator for access.
home-shortcuts = Shortcuts
home-second-factor-missing-title = Two-factor login is not set up
home-second-factor-missing-text = It is optional in the demo, but required for every role in production.
home-recovery-codes-low = You have { $count } unused recovery codes left.

## My account
account-title = My account
account-second-factor = Two-factor login
account-second-factor-on = Two-factor login is active.
account-second-factor-off = Two-factor login is not set up.
account-recovery-left = Unused recovery codes: { $count }.
account-new-recovery-codes = Create new recovery codes
account-enrol = Set up two-factor login
account-roles = Organisation and role
account-acting-as = Work as
account-switch = Switch
account-change-password = Change password
account-password-changed = Your password has been changed.
field-current-password = Current password
field-new-password = New password
field-confirm-password = Repeat new password
password-hint = At least 12 characters. A sentence of several words is both strong and easy to remember.
account-tokens = Personal access tokens
account-tokens-intro = Access tokens let a system or an integration use the Los API with your rights in the organisation you are working in now. A token is shown only once.
account-token-created = New token – copy it now, it will not be shown again:
account-token-create = Create token
account-token-created-at = Created
account-token-expires = Expires
account-token-last-used = Last used
account-token-status = Status
account-token-revoke = Revoke
account-token-revoked = Revoked
account-never = Never
field-token-name = Token name
field-token-days = Valid for days
field-token-days-hint = 1–366 days. Leave empty for a token without an expiry date.

## Municipalities
nav-municipalities = Municipalities and regions
municipalities-title = Municipalities
municipalities-intro = The municipalities in Los with their official number, the time zone for dates and deadlines, and population (used for per-capita figures and grant allocation).
municipalities-empty = No municipalities are registered yet.
municipalities-population-unknown = unknown
municipalities-population-in = Inhabitants { $year }
municipalities-api-note = Administrators register and change municipalities and regions through the API (/api/v1/municipalities and /api/v1/regions).
regions-title = Inter-municipal collaborations
regions-empty = No inter-municipal collaborations are registered yet.
field-region-name = Collaboration
field-host = Host municipality
field-members = Member municipalities
field-municipality-number = Municipality number
field-time-zone = Time zone

## Organisations
organizations-title = Organisations
organizations-intro = The organisations in the chain of services: municipal units, specialised health services, the prison and probation service, NAV and NGOs.
organizations-empty = No organisations are registered yet.
organization-new = New organisation
organization-edit = Edit organisation
field-organization-name = Name
field-organization-kind = Kind
field-country = Country
field-organization = Organisation

## Account administration
accounts-title = Accounts
account-new = New account
accounts-roles = Roles
accounts-status = Status
accounts-active = Active
accounts-disabled = Disabled
accounts-actions = Actions
accounts-disable = Disable account
accounts-enable = Enable account
accounts-reset-second-factor = Reset two-factor login
accounts-grant-role = Grant role
accounts-revoke-role = Remove role
accounts-no-roles = The account has no roles.
accounts-audit-link = See events performed by this account
field-display-name = Full name
field-role = Role
field-language = Language
username-hint = 3–64 characters: lower-case letters, digits and . - _ @

## Audit log
audit-title = Audit log
audit-intro = Every login, account change and access to personal data, with who, when and why. The log cannot be changed, and each event is chained to the one before.
audit-any = Any
audit-action = Event
audit-outcome = Outcome
audit-actor = Performed by (account ID)
audit-person = Person (ID)
audit-from = From date
audit-to = To and including date
audit-before = Older than
audit-id-hint = An ID of the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
audit-filter = Filter
audit-empty = No events match the filter.
audit-older = Show older events
audit-time = Time
audit-subject = Concerns
audit-reason = Reason
audit-request = Request
audit-outcome-success = Done
audit-outcome-failure = Failed
audit-outcome-denied = Denied
audit-action-login_password = Login with password
audit-action-login_second_factor = Login with one-time code
audit-action-login_recovery_code = Login with recovery code
audit-action-login_throttled = Login slowed down
audit-action-logout = Logout
audit-action-session_expired = Session expired
audit-action-second_factor_enrolled = Second factor set up
audit-action-second_factor_reset = Second factor reset
audit-action-recovery_codes_regenerated = New recovery codes
audit-action-password_changed = Password changed
audit-action-account_created = Account created
audit-action-account_updated = Account changed
audit-action-account_disabled = Account disabled
audit-action-account_enabled = Account enabled
audit-action-role_granted = Role granted
audit-action-role_revoked = Role removed
audit-action-token_created = Access token created
audit-action-token_revoked = Access token revoked
audit-action-token_used = Access token used
audit-action-organization_created = Organisation created
audit-action-organization_updated = Organisation changed
audit-action-municipality_created = Municipality created
audit-action-municipality_updated = Municipality changed
audit-action-region_created = Region created
audit-action-region_updated = Region changed
audit-action-audit_viewed = Audit log viewed
audit-action-access_denied = Access denied
