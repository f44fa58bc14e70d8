//! The one-line figure of a report, the same on the terminal, the share's index, a
//! comparison and the report's own cards: 工作群 2000 → 450，精简占比 77.5%.

use super::words::noun_in;
use crate::config::ReportConfig;
use crate::lang::Lang;
use crate::model::{Figures, Kind, Report};

/// One kind's headline.
pub fn headline(kind: Kind, totals: &Figures, numbers: &ReportConfig, lang: Lang) -> String {
    let ratio = numbers.pct(reduced(totals), totals.before);
    let (before, after) = (totals.before, totals.after);
    match lang {
        Lang::Zh => format!(
            "{} {before} → {after}，精简占比 {ratio}",
            noun_in(kind, lang)
        ),
        Lang::En => format!(
            "{} {before} → {after}, reduced {ratio}",
            noun_in(kind, lang)
        ),
    }
}

/// Each kind the report has, in its own settings' precision.
pub fn headlines(report: &Report, lang: Lang) -> Vec<String> {
    report
        .kinds()
        .map(|(kind, figures)| headline(kind, &figures.totals, &report.campaign.percentages, lang))
        .collect()
}

/// before − after: the items the campaign took away.
pub fn reduced(f: &Figures) -> i64 {
    f.before as i64 - f.after as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_headline_prints_in_the_campaigns_precision() {
        let f = Figures {
            before: 2000,
            after: 450,
            ..Figures::default()
        };
        let two = ReportConfig {
            decimals: 2,
            ..ReportConfig::default()
        };
        assert_eq!(
            headline(Kind::Groups, &f, &two, Lang::Zh),
            "工作群 2000 → 450，精简占比 77.50%"
        );
        assert_eq!(
            headline(Kind::Groups, &f, &ReportConfig::default(), Lang::En),
            "groups 2000 → 450, reduced 77.5%"
        );
    }
}
