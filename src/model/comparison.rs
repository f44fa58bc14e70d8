//! The comparison of campaigns across cities, written as comparison.json.

use crate::config::ReportConfig;
use serde::Serialize;

/// The comparison's figures, written as comparison.json.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub campaigns: Vec<CampaignSummary>,
    /// How the comparison prints percentages: the most decimals any campaign asks for,
    /// rounded as the first campaign rounds.
    #[serde(skip)]
    pub percentages: ReportConfig,
    /// Campaign ids, best first: by the groups' reduction ratio, then the accounts' closure
    /// rate; campaigns without groups after those with.
    pub ranking: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CampaignSummary {
    pub id: String,
    pub name: String,
    pub region: String,
    pub baseline: String,
    pub current: String,
    /// Staff of all units (在编人数 in units.csv); null without it.
    pub staff: Option<u64>,
    pub groups: Option<KindSummary>,
    pub accounts: Option<KindSummary>,
    /// Median active groups per cadre, before and after; null without members tables.
    pub burden_median_before: Option<f64>,
    pub burden_median_after: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct KindSummary {
    pub before: u64,
    pub after: u64,
    pub closed: u64,
    pub new: u64,
    pub reduction_ratio: Option<f64>,
    pub closure_rate: Option<f64>,
    /// Units with an item at either snapshot.
    pub units: u64,
    /// Active items now per unit; null without units.
    pub per_unit_after: Option<f64>,
    /// Active items now per 100 staff; null without staff.
    pub per_100_staff_after: Option<f64>,
}
