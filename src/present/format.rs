//! How numbers and dates are printed in every output: percentages rounded once by the
//! campaign's `[report]` settings, dates as offices write them.

use crate::config::ReportConfig;
use crate::percent::percent;
use chrono::{Datelike, NaiveDate};

/// The dash printed for a ratio that does not exist (before = 0) or a missing key.
pub const NONE: &str = "—";

// Methods on the setting itself, so every caller that holds `[report]` prints alike;
// defined here because printing is this layer's job, not the config's.
impl ReportConfig {
    /// `77.5` (no sign) — or None when the denominator is 0.
    pub fn percent(&self, numerator: i64, denominator: u64) -> Option<String> {
        percent(numerator, denominator, self.decimals, self.rounding)
    }

    /// `77.5%` — or — when the denominator is 0.
    pub fn pct(&self, numerator: i64, denominator: u64) -> String {
        self.percent(numerator, denominator)
            .map_or_else(|| NONE.to_string(), |p| format!("{p}%"))
    }

    /// The printed percentage as a fraction (0.775), for spreadsheets that format it.
    pub fn rounded(&self, numerator: i64, denominator: u64) -> Option<f64> {
        self.percent(numerator, denominator)
            .and_then(|p| p.parse::<f64>().ok())
            .map(|p| p / 100.0)
    }
}

/// 2019年第三季度
pub fn quarter_name(date: NaiveDate) -> String {
    const NAMES: [&str; 4] = ["一", "二", "三", "四"];
    format!(
        "{}年第{}季度",
        date.year(),
        NAMES[(date.month0() / 3) as usize]
    )
}

/// 2019年9月30日
pub fn chinese_date(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// A report's YYYY-MM-DD date; the model only ever holds valid ones.
pub fn parse_date(date: &str) -> NaiveDate {
    NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("report dates are YYYY-MM-DD")
}

/// 2019年9月30日 from a report's YYYY-MM-DD date.
pub fn report_date(date: &str) -> String {
    chinese_date(parse_date(date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_and_dates_as_offices_write_them() {
        let d = |m, day| NaiveDate::from_ymd_opt(2019, m, day).unwrap();
        assert_eq!(quarter_name(d(9, 30)), "2019年第三季度");
        assert_eq!(quarter_name(d(1, 1)), "2019年第一季度");
        assert_eq!(quarter_name(d(12, 31)), "2019年第四季度");
        assert_eq!(chinese_date(d(6, 11)), "2019年6月11日");
    }

    #[test]
    fn percentages_follow_the_report_settings() {
        let two = ReportConfig {
            decimals: 2,
            ..ReportConfig::default()
        };
        assert_eq!(two.pct(1550, 2000), "77.50%");
        assert_eq!(ReportConfig::default().pct(1550, 2000), "77.5%");
        assert_eq!(two.pct(1, 0), NONE);
        assert_eq!(ReportConfig::default().rounded(1, 16), Some(0.062));
    }
}
