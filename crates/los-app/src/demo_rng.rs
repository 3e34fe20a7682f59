//! The small deterministic generator the demo data is drawn from (SplitMix64): the demo needs
//! to be the same every time, not random.

use jiff::ToSpan;
use jiff::civil::Date;

pub(crate) struct DemoRng(pub(crate) u64);

impl DemoRng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A number in `from..=to`; `from` if the range is empty.
    pub(crate) fn between(&mut self, from: i64, to: i64) -> i64 {
        if to <= from {
            return from;
        }
        from + (self.next() % (to - from + 1) as u64) as i64
    }

    /// True `percent` times in a hundred.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len() as u64) as usize).copied().unwrap_or_default()
    }

    /// A day in `from..=to`; `from` if the range is empty.
    pub(crate) fn day_between(&mut self, from: Date, to: Date) -> Date {
        let days = days_between(from, to);
        if days <= 0 {
            return from;
        }
        plus_days(from, self.between(0, days))
    }
}

/// Calendar days from `from` to `to` (negative when `to` is earlier).
pub(crate) fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map(|span| i64::from(span.get_days())).unwrap_or(0)
}

/// `day` moved by `days` (back when negative); `day` itself if that leaves the calendar.
pub(crate) fn plus_days(day: Date, days: i64) -> Date {
    day.checked_add(days.days()).unwrap_or(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_draws_within_bounds() {
        let (mut a, mut b) = (DemoRng(7), DemoRng(7));
        for _ in 0..1000 {
            let x = a.between(-3, 3);
            assert_eq!(x, b.between(-3, 3));
            assert!((-3..=3).contains(&x));
        }
        let from = jiff::civil::date(2026, 1, 1);
        let day = a.day_between(from, jiff::civil::date(2026, 1, 31));
        assert!(day >= from && day.month() == 1);
        assert_eq!(a.day_between(from, from), from);
        assert_eq!(days_between(from, plus_days(from, -5)), -5);
    }
}
