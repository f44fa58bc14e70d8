//! tables.xlsx's own words: the summary sheet's particulars and labels, the title of a
//! table's continuation sheet past Excel's row limit, and when units stop getting a sheet
//! each. The annex tables themselves are the view's.

use crate::present::view::View;

/// The first sheet's name.
pub const SUMMARY_SHEET: &str = "总体情况";

/// A sheet whose title has no usable character.
pub const UNTITLED_SHEET: &str = "表";

/// Past this many units with findings, a sheet each would be thousands of tabs no one can
/// page through (and most of the workbook's time and size): the rectification annex,
/// filtered by 单位, serves instead, and the summary sheet says so.
pub const MAX_UNIT_SHEETS: usize = 200;

/// The summary sheet: the notice's particulars, then the headline figures under
/// `headline_columns`, then each kind's totals on rows led by `totals`.
pub struct Summary {
    pub particulars: Vec<(&'static str, String)>,
    pub headline_columns: [&'static str; 3],
    pub totals: &'static str,
}

pub fn summary(view: &View) -> Summary {
    let mut particulars = vec![
        ("标题", view.title.clone()),
        ("活动", view.campaign_name.clone()),
        ("地区", view.region.clone()),
        ("通报单位", view.authority.clone()),
        ("统计期", view.period.clone()),
        ("清理前基准日", view.baseline_date.clone()),
        ("截至", view.date.clone()),
    ];
    if view.rectification.len() > MAX_UNIT_SHEETS {
        particulars.push((
            "分单位整改清单",
            format!(
                "{}个单位有整改事项，多于{}个，不再逐单位分表；请在整改清单附表中按“单位”列筛选",
                view.rectification.len(),
                MAX_UNIT_SHEETS
            ),
        ));
    }
    Summary {
        particulars,
        headline_columns: ["指标", "数值", "说明"],
        totals: "合计",
    }
}

/// The title of a long table's `part`-th sheet (2, 3, …).
pub fn continued(title: &str, part: usize) -> String {
    format!("{title}（续{part}）")
}
