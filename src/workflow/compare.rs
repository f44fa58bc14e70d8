//! `jianfu compare`: one report comparing campaigns across cities, built from each
//! campaign's own report model and rendered by the same renderers as a report.

use crate::analyse::compare::{compare, staff};
use crate::config::CompareOptions;
use crate::error::Error;
use crate::load::{Scope, load_campaign};
use crate::model::Comparison;
use crate::output::atomic::{Durability, Staging};
use crate::present::charts::comparison_charts;
use crate::present::comparison::comparison_view;
use crate::render::{Output, charts, html, pdf, xlsx};
use std::path::PathBuf;

/// Builds the comparison report of `campaigns` into `options.out`. Like a build, the
/// folder appears whole or not at all; a PDF failure is returned after the rest is written.
pub fn run(
    campaigns: &[PathBuf],
    options: &CompareOptions,
) -> Result<(Comparison, Vec<Error>), Error> {
    let mut reports = Vec::with_capacity(campaigns.len());
    let mut problems = Vec::new();
    for dir in campaigns {
        match load_campaign(dir, Scope::Latest) {
            Ok(inventory) => {
                let report = crate::analyse::analyse(&inventory)?;
                reports.push((report, staff(&inventory)?));
            }
            Err(p) => problems.extend(p),
        }
    }
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let cmp = compare(&reports);
    charts::measure_with(&options.render);
    let view = comparison_view(&cmp);
    let charts = charts::draw(&comparison_charts(&cmp, &cmp.percentages));
    let mut json = serde_json::to_vec_pretty(&cmp).map_err(|e| Error::Internal(e.to_string()))?;
    json.push(b'\n');
    let mut outputs = vec![
        Output {
            path: "comparison.json".into(),
            bytes: json,
        },
        html::render_html(&view, &charts, options.render.templates.as_deref())?,
        xlsx::render_xlsx(&view)?,
    ];
    outputs.extend(charts.iter().map(|c| Output {
        path: format!("charts/{}.svg", c.id),
        bytes: c.svg.clone().into_bytes(),
    }));
    let mut failed = Vec::new();
    match pdf::render_pdf(&view, &charts, &options.render) {
        Ok(pdf) => outputs.push(pdf),
        Err(e) => failed.push(e),
    }
    let staging = Staging::new(&options.out, Durability::LOCAL)?;
    for output in &outputs {
        staging.write(&output.path, &output.bytes)?;
    }
    staging.commit()?;
    Ok((cmp, failed))
}
