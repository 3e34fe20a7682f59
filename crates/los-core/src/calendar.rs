//! Working-day calendars for Norway and Sweden.
//!
//! Every public holiday is computed, never listed: Easter Sunday by the Gregorian computus (the
//! "anonymous" Meeus/Jones/Butcher algorithm) and the movable feasts from it, the fixed dates as
//! they are, and the Swedish Midsummer Day and All Saints' Day as the Saturday in their window.
//! Holidays are computed for the Gregorian years [`FIRST_SUPPORTED_YEAR`]..=[`LAST_SUPPORTED_YEAR`];
//! outside that range a calendar knows only weekends.
//!
//! Saturdays and Sundays are never working days. On top of the public holidays:
//!
//! * **Sweden.** Lag (1930:173) om beräkning av lagstadgad tid, 2 §, treats Midsummer Eve, Christmas
//!   Eve and New Year's Eve like public holidays when a time limit ends. The Swedish calendar here is
//!   a *deadline* calendar, so those three eves are always non-working days
//!   ([`HolidayKind::TreatedAsHoliday`]).
//! * **Norway.** Christmas Eve and New Year's Eve are customarily days off, but not in law (domstolloven
//!   § 149 moves a deadline only past Saturdays, Sundays and holidays). They are working days unless
//!   the local [`CalendarOptions`] say otherwise ([`HolidayKind::LocalDayOff`]).
//!
//! Pure code: no clock, no IO, no panics. Arithmetic that could leave jiff's date range returns
//! [`DateOutOfRange`].

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use crate::locale::Locale;
use crate::organization::Country;

/// The first year holidays are computed for (the first full year of the Gregorian calendar).
pub const FIRST_SUPPORTED_YEAR: i16 = 1583;
/// The last year holidays are computed for (jiff's last year).
pub const LAST_SUPPORTED_YEAR: i16 = 9999;

/// A computation would leave the range of dates jiff can represent (years -9999..=9999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the date falls outside the supported range")]
pub struct DateOutOfRange;

/// Every day a calendar can know as a holiday or a day treated like one. The code is stable: it is
/// stored, sent over the API and used as a translation key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayCode {
    NewYearsDay,
    Epiphany,
    MaundyThursday,
    GoodFriday,
    EasterSunday,
    EasterMonday,
    MayDay,
    ConstitutionDay,
    AscensionDay,
    WhitSunday,
    WhitMonday,
    NationalDay,
    MidsummerEve,
    MidsummerDay,
    AllSaintsDay,
    ChristmasEve,
    ChristmasDay,
    BoxingDay,
    NewYearsEve,
}

impl HolidayCode {
    pub const ALL: [HolidayCode; 19] = [
        HolidayCode::NewYearsDay,
        HolidayCode::Epiphany,
        HolidayCode::MaundyThursday,
        HolidayCode::GoodFriday,
        HolidayCode::EasterSunday,
        HolidayCode::EasterMonday,
        HolidayCode::MayDay,
        HolidayCode::ConstitutionDay,
        HolidayCode::AscensionDay,
        HolidayCode::WhitSunday,
        HolidayCode::WhitMonday,
        HolidayCode::NationalDay,
        HolidayCode::MidsummerEve,
        HolidayCode::MidsummerDay,
        HolidayCode::AllSaintsDay,
        HolidayCode::ChristmasEve,
        HolidayCode::ChristmasDay,
        HolidayCode::BoxingDay,
        HolidayCode::NewYearsEve,
    ];

    pub fn code(self) -> &'static str {
        match self {
            HolidayCode::NewYearsDay => "new_years_day",
            HolidayCode::Epiphany => "epiphany",
            HolidayCode::MaundyThursday => "maundy_thursday",
            HolidayCode::GoodFriday => "good_friday",
            HolidayCode::EasterSunday => "easter_sunday",
            HolidayCode::EasterMonday => "easter_monday",
            HolidayCode::MayDay => "may_day",
            HolidayCode::ConstitutionDay => "constitution_day",
            HolidayCode::AscensionDay => "ascension_day",
            HolidayCode::WhitSunday => "whit_sunday",
            HolidayCode::WhitMonday => "whit_monday",
            HolidayCode::NationalDay => "national_day",
            HolidayCode::MidsummerEve => "midsummer_eve",
            HolidayCode::MidsummerDay => "midsummer_day",
            HolidayCode::AllSaintsDay => "all_saints_day",
            HolidayCode::ChristmasEve => "christmas_eve",
            HolidayCode::ChristmasDay => "christmas_day",
            HolidayCode::BoxingDay => "boxing_day",
            HolidayCode::NewYearsEve => "new_years_eve",
        }
    }

    pub fn parse(code: &str) -> Option<HolidayCode> {
        let code = code.trim();
        HolidayCode::ALL.into_iter().find(|holiday| holiday.code() == code)
    }

    /// The day's name in the given language. Norway's 17 May and Sweden's 6 June are named after
    /// their country, so the names stay unambiguous on a shared list.
    pub fn name(self, locale: Locale) -> &'static str {
        match locale {
            Locale::NorwegianBokmal => self.name_nb(),
            Locale::Swedish => self.name_sv(),
            Locale::English => self.name_en(),
        }
    }

    fn name_nb(self) -> &'static str {
        match self {
            HolidayCode::NewYearsDay => "Første nyttårsdag",
            HolidayCode::Epiphany => "Helligtrekongersdag",
            HolidayCode::MaundyThursday => "Skjærtorsdag",
            HolidayCode::GoodFriday => "Langfredag",
            HolidayCode::EasterSunday => "Første påskedag",
            HolidayCode::EasterMonday => "Andre påskedag",
            HolidayCode::MayDay => "Offentlig høytidsdag (1. mai)",
            HolidayCode::ConstitutionDay => "Grunnlovsdag (17. mai)",
            HolidayCode::AscensionDay => "Kristi himmelfartsdag",
            HolidayCode::WhitSunday => "Første pinsedag",
            HolidayCode::WhitMonday => "Andre pinsedag",
            HolidayCode::NationalDay => "Sveriges nasjonaldag",
            HolidayCode::MidsummerEve => "Midtsommeraften",
            HolidayCode::MidsummerDay => "Midtsommerdagen",
            HolidayCode::AllSaintsDay => "Allehelgensdag",
            HolidayCode::ChristmasEve => "Julaften",
            HolidayCode::ChristmasDay => "Første juledag",
            HolidayCode::BoxingDay => "Andre juledag",
            HolidayCode::NewYearsEve => "Nyttårsaften",
        }
    }

    fn name_sv(self) -> &'static str {
        match self {
            HolidayCode::NewYearsDay => "Nyårsdagen",
            HolidayCode::Epiphany => "Trettondedag jul",
            HolidayCode::MaundyThursday => "Skärtorsdagen",
            HolidayCode::GoodFriday => "Långfredagen",
            HolidayCode::EasterSunday => "Påskdagen",
            HolidayCode::EasterMonday => "Annandag påsk",
            HolidayCode::MayDay => "Första maj",
            HolidayCode::ConstitutionDay => "Norges nationaldag (17 maj)",
            HolidayCode::AscensionDay => "Kristi himmelsfärdsdag",
            HolidayCode::WhitSunday => "Pingstdagen",
            HolidayCode::WhitMonday => "Annandag pingst",
            HolidayCode::NationalDay => "Sveriges nationaldag",
            HolidayCode::MidsummerEve => "Midsommarafton",
            HolidayCode::MidsummerDay => "Midsommardagen",
            HolidayCode::AllSaintsDay => "Alla helgons dag",
            HolidayCode::ChristmasEve => "Julafton",
            HolidayCode::ChristmasDay => "Juldagen",
            HolidayCode::BoxingDay => "Annandag jul",
            HolidayCode::NewYearsEve => "Nyårsafton",
        }
    }

    fn name_en(self) -> &'static str {
        match self {
            HolidayCode::NewYearsDay => "New Year's Day",
            HolidayCode::Epiphany => "Epiphany",
            HolidayCode::MaundyThursday => "Maundy Thursday",
            HolidayCode::GoodFriday => "Good Friday",
            HolidayCode::EasterSunday => "Easter Sunday",
            HolidayCode::EasterMonday => "Easter Monday",
            HolidayCode::MayDay => "May Day",
            HolidayCode::ConstitutionDay => "Constitution Day (Norway)",
            HolidayCode::AscensionDay => "Ascension Day",
            HolidayCode::WhitSunday => "Whit Sunday",
            HolidayCode::WhitMonday => "Whit Monday",
            HolidayCode::NationalDay => "National Day of Sweden",
            HolidayCode::MidsummerEve => "Midsummer Eve",
            HolidayCode::MidsummerDay => "Midsummer Day",
            HolidayCode::AllSaintsDay => "All Saints' Day",
            HolidayCode::ChristmasEve => "Christmas Eve",
            HolidayCode::ChristmasDay => "Christmas Day",
            HolidayCode::BoxingDay => "Boxing Day",
            HolidayCode::NewYearsEve => "New Year's Eve",
        }
    }
}

/// Why a day that is not a weekend is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// A public holiday by law (helligdag / høytidsdag; allmän helgdag / nationaldag).
    Public,
    /// Not a holiday, but treated as one when a time limit ends (Sweden, lag (1930:173) 2 §).
    TreatedAsHoliday,
    /// A customary day off chosen in the local calendar options (Norway).
    LocalDayOff,
}

/// One holiday (or day treated as one) on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Holiday {
    pub date: Date,
    pub code: HolidayCode,
    pub kind: HolidayKind,
}

/// Why a date is not a working day. A holiday on a weekend reports the holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DayOff {
    Saturday,
    Sunday,
    Holiday { code: HolidayCode, kind: HolidayKind },
}

/// Easter Sunday of a Gregorian year, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
/// `None` outside [`FIRST_SUPPORTED_YEAR`]..=[`LAST_SUPPORTED_YEAR`].
pub fn easter_sunday(year: i16) -> Option<Date> {
    if !(FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR).contains(&year) {
        return None;
    }
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

/// The public holidays of a country in a year, sorted by date. Two holidays can fall on the same
/// date (Norway: 1 May and Ascension Day in 2008; Sweden: National Day and Whit Sunday in 2049); both
/// are listed. Weekends and days only treated as holidays are not included (see
/// [`WorkingCalendar::days_off`]). Empty outside the supported years.
pub fn holidays(country: Country, year: i16) -> Vec<Holiday> {
    let mut list = Vec::with_capacity(14);
    let Some(easter) = easter_sunday(year) else {
        return list;
    };
    let fixed = |list: &mut Vec<Holiday>, month: i8, day: i8, code: HolidayCode| {
        if let Ok(date) = Date::new(year, month, day) {
            list.push(Holiday { date, code, kind: HolidayKind::Public });
        }
    };
    let movable = |list: &mut Vec<Holiday>, offset: i64, code: HolidayCode| {
        if let Ok(date) = add_days(easter, offset) {
            list.push(Holiday { date, code, kind: HolidayKind::Public });
        }
    };
    fixed(&mut list, 1, 1, HolidayCode::NewYearsDay);
    match country {
        Country::Norway => {
            movable(&mut list, -3, HolidayCode::MaundyThursday);
            movable(&mut list, -2, HolidayCode::GoodFriday);
            movable(&mut list, 0, HolidayCode::EasterSunday);
            movable(&mut list, 1, HolidayCode::EasterMonday);
            fixed(&mut list, 5, 1, HolidayCode::MayDay);
            fixed(&mut list, 5, 17, HolidayCode::ConstitutionDay);
            movable(&mut list, 39, HolidayCode::AscensionDay);
            movable(&mut list, 49, HolidayCode::WhitSunday);
            movable(&mut list, 50, HolidayCode::WhitMonday);
        }
        Country::Sweden => {
            fixed(&mut list, 1, 6, HolidayCode::Epiphany);
            movable(&mut list, -2, HolidayCode::GoodFriday);
            movable(&mut list, 0, HolidayCode::EasterSunday);
            movable(&mut list, 1, HolidayCode::EasterMonday);
            fixed(&mut list, 5, 1, HolidayCode::MayDay);
            movable(&mut list, 39, HolidayCode::AscensionDay);
            fixed(&mut list, 6, 6, HolidayCode::NationalDay);
            movable(&mut list, 49, HolidayCode::WhitSunday);
            if let Some(date) = weekday_on_or_after(year, 6, 20, Weekday::Saturday) {
                list.push(Holiday { date, code: HolidayCode::MidsummerDay, kind: HolidayKind::Public });
            }
            if let Some(date) = weekday_on_or_after(year, 10, 31, Weekday::Saturday) {
                list.push(Holiday { date, code: HolidayCode::AllSaintsDay, kind: HolidayKind::Public });
            }
        }
    }
    fixed(&mut list, 12, 25, HolidayCode::ChristmasDay);
    fixed(&mut list, 12, 26, HolidayCode::BoxingDay);
    // A stable sort keeps the order above for two holidays on one date.
    list.sort_by_key(|holiday| holiday.date);
    list
}

/// Local choices for a calendar. Both default to `false`.
///
/// In Norway these make the customary days off non-working. In Sweden the two eves are always
/// non-working in the deadline calendar, so the options change nothing there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarOptions {
    /// Treat Christmas Eve (24 December) as a day off.
    pub christmas_eve_off: bool,
    /// Treat New Year's Eve (31 December) as a day off.
    pub new_years_eve_off: bool,
}

/// The working-day calendar of a country, with local options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WorkingCalendar {
    pub country: Country,
    #[serde(default)]
    pub options: CalendarOptions,
}

impl WorkingCalendar {
    /// The calendar of a country with the default options.
    pub fn new(country: Country) -> Self {
        Self { country, options: CalendarOptions::default() }
    }

    pub fn with_options(country: Country, options: CalendarOptions) -> Self {
        Self { country, options }
    }

    pub fn norway() -> Self {
        Self::new(Country::Norway)
    }

    pub fn sweden() -> Self {
        Self::new(Country::Sweden)
    }

    /// The days that are off beyond the public holidays, in the order they fall in a year.
    pub fn extra_days_off(&self) -> Vec<HolidayCode> {
        match self.country {
            Country::Sweden => vec![HolidayCode::MidsummerEve, HolidayCode::ChristmasEve, HolidayCode::NewYearsEve],
            Country::Norway => {
                let mut codes = Vec::new();
                if self.options.christmas_eve_off {
                    codes.push(HolidayCode::ChristmasEve);
                }
                if self.options.new_years_eve_off {
                    codes.push(HolidayCode::NewYearsEve);
                }
                codes
            }
        }
    }

    /// Every non-working day of a year that is not a plain weekend: the public holidays and the
    /// extra days off, sorted by date. Empty outside the supported years.
    pub fn days_off(&self, year: i16) -> Vec<Holiday> {
        let mut list = holidays(self.country, year);
        if list.is_empty() {
            return list;
        }
        let kind = match self.country {
            Country::Sweden => HolidayKind::TreatedAsHoliday,
            Country::Norway => HolidayKind::LocalDayOff,
        };
        for code in self.extra_days_off() {
            let date = match code {
                HolidayCode::MidsummerEve => weekday_on_or_after(year, 6, 19, Weekday::Friday),
                HolidayCode::ChristmasEve => Date::new(year, 12, 24).ok(),
                HolidayCode::NewYearsEve => Date::new(year, 12, 31).ok(),
                _ => None,
            };
            if let Some(date) = date {
                list.push(Holiday { date, code, kind });
            }
        }
        list.sort_by_key(|holiday| holiday.date);
        list
    }

    /// Why `date` is not a working day, or `None` when it is one.
    pub fn day_off(&self, date: Date) -> Option<DayOff> {
        DayClassifier::new(self).day_off(date)
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        self.day_off(date).is_none()
    }

    /// The date `n` working days after `start`. The start day itself is never counted, whether it
    /// is a working day or not; `n = 0` returns `start` unchanged. For `n >= 1` the result is always a
    /// working day.
    pub fn add_working_days(&self, start: Date, n: u32) -> Result<Date, DateOutOfRange> {
        let mut classifier = DayClassifier::new(self);
        let mut date = start;
        let mut left = n;
        while left > 0 {
            date = date.tomorrow().map_err(|_| DateOutOfRange)?;
            if classifier.day_off(date).is_none() {
                left -= 1;
            }
        }
        Ok(date)
    }

    /// The number of working days in `(a, b]` when `a <= b`, and minus the number in `(b, a]` when
    /// `b < a`. So `working_days_between(a, add_working_days(a, n)) == n`.
    pub fn working_days_between(&self, a: Date, b: Date) -> i64 {
        let (low, high, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let mut classifier = DayClassifier::new(self);
        let mut count: i64 = 0;
        let mut date = low;
        while date < high {
            let Ok(next) = date.tomorrow() else { break };
            date = next;
            if classifier.day_off(date).is_none() {
                count += 1;
            }
        }
        sign * count
    }

    /// The number of working days in the half-open range `[from, until)`; zero when `until <= from`.
    pub fn working_days_in(&self, from: Date, until: Date) -> u32 {
        let mut classifier = DayClassifier::new(self);
        let mut count: u32 = 0;
        let mut date = from;
        while date < until {
            if classifier.day_off(date).is_none() {
                count = count.saturating_add(1);
            }
            let Ok(next) = date.tomorrow() else { break };
            date = next;
        }
        count
    }

    /// `date` itself when it is a working day, otherwise the first working day after it.
    pub fn next_working_day_on_or_after(&self, date: Date) -> Result<Date, DateOutOfRange> {
        let mut classifier = DayClassifier::new(self);
        let mut date = date;
        while classifier.day_off(date).is_some() {
            date = date.tomorrow().map_err(|_| DateOutOfRange)?;
        }
        Ok(date)
    }

    /// The non-working days from `from` (inclusive) up to `until` (exclusive), with the reason for
    /// each; used to explain why a deadline moved.
    pub fn days_off_between(&self, from: Date, until: Date) -> Vec<(Date, DayOff)> {
        let mut classifier = DayClassifier::new(self);
        let mut list = Vec::new();
        let mut date = from;
        while date < until {
            if let Some(off) = classifier.day_off(date) {
                list.push((date, off));
            }
            let Ok(next) = date.tomorrow() else { break };
            date = next;
        }
        list
    }
}

/// Classifies days, keeping the holidays of the last year it looked at so that loops over many
/// days compute each year's holidays once.
struct DayClassifier<'a> {
    calendar: &'a WorkingCalendar,
    year: Option<i16>,
    days_off: Vec<Holiday>,
}

impl<'a> DayClassifier<'a> {
    fn new(calendar: &'a WorkingCalendar) -> Self {
        Self { calendar, year: None, days_off: Vec::new() }
    }

    fn day_off(&mut self, date: Date) -> Option<DayOff> {
        if self.year != Some(date.year()) {
            self.days_off = self.calendar.days_off(date.year());
            self.year = Some(date.year());
        }
        if let Some(holiday) = self.days_off.iter().find(|holiday| holiday.date == date) {
            return Some(DayOff::Holiday { code: holiday.code, kind: holiday.kind });
        }
        match date.weekday() {
            Weekday::Saturday => Some(DayOff::Saturday),
            Weekday::Sunday => Some(DayOff::Sunday),
            _ => None,
        }
    }
}

/// The first `weekday` on or after the given day of a year.
fn weekday_on_or_after(year: i16, month: i8, day: i8, weekday: Weekday) -> Option<Date> {
    let first = Date::new(year, month, day).ok()?;
    let offset =
        (i64::from(weekday.to_monday_zero_offset()) - i64::from(first.weekday().to_monday_zero_offset())).rem_euclid(7);
    add_days(first, offset).ok()
}

/// Days since 1970-01-01 (negative before). Exact for every date jiff can represent.
pub fn day_number(date: Date) -> i64 {
    // Howard Hinnant's days_from_civil.
    let month = i64::from(date.month());
    let year = i64::from(date.year()) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(date.day()) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date with the given [`day_number`], if jiff can represent it.
pub fn date_from_day_number(days: i64) -> Result<Date, DateOutOfRange> {
    // Howard Hinnant's civil_from_days; the bound keeps every step far from overflow.
    if !(-10_000_000..=10_000_000).contains(&days) {
        return Err(DateOutOfRange);
    }
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    let year = i16::try_from(year).map_err(|_| DateOutOfRange)?;
    let month = i8::try_from(month).map_err(|_| DateOutOfRange)?;
    let day = i8::try_from(day).map_err(|_| DateOutOfRange)?;
    Date::new(year, month, day).map_err(|_| DateOutOfRange)
}

/// `date` plus `days` calendar days (negative goes back).
pub fn add_days(date: Date, days: i64) -> Result<Date, DateOutOfRange> {
    let target = day_number(date).checked_add(days).ok_or(DateOutOfRange)?;
    date_from_day_number(target)
}

/// Calendar days from `a` to `b` (negative when `b` is before `a`).
pub fn calendar_days_between(a: Date, b: Date) -> i64 {
    day_number(b) - day_number(a)
}

#[cfg(test)]
mod tests;
