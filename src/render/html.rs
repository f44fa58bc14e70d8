//! index.html: the notice as one self-contained page (CSS, script and chart SVGs inline, no
//! request to any other host), laid out from the view by a tera template.

use super::{Chart, Output};
use crate::error::Error;
use crate::present::view::{CellValue, CellView, View};
use serde::Serialize;
use std::path::Path;

/// The template shipped with jianfu; `<templates>/report.html` replaces it.
pub const DEFAULT_TEMPLATE: &str = include_str!("../../templates/report.html");

/// The name the template is registered under: tera autoescapes templates named *.html.
const NAME: &str = "report.html";

/// What the template sees: the view, the charts, and the tables with a sort key per cell.
#[derive(Serialize)]
struct Context<'a> {
    view: &'a View,
    charts: &'a [Chart],
    tables: Vec<Table<'a>>,
}

#[derive(Serialize)]
struct Table<'a> {
    id: &'a str,
    title: &'a str,
    /// 附件1
    number: usize,
    columns: Vec<Column<'a>>,
    rows: Vec<Vec<Cell<'a>>>,
    total: Option<Vec<Cell<'a>>>,
}

#[derive(Serialize)]
struct Column<'a> {
    label: &'a str,
    numeric: bool,
}

#[derive(Serialize)]
struct Cell<'a> {
    text: &'a str,
    /// The value behind the text, for sorting: the count, the rounded ratio, or the text.
    sort: String,
    numeric: bool,
}

fn cell<'a>(c: &'a CellView) -> Cell<'a> {
    let (sort, numeric) = match &c.value {
        CellValue::Text => (c.text.clone(), false),
        CellValue::Count { n } => (n.to_string(), true),
        // A missing ratio sorts below every other.
        CellValue::Ratio { rounded } => {
            (rounded.map_or("-1e9".to_string(), |r| r.to_string()), true)
        }
    };
    Cell {
        text: &c.text,
        sort,
        numeric,
    }
}

fn context<'a>(view: &'a View, charts: &'a [Chart]) -> Context<'a> {
    let tables = view
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| Table {
            id: &t.id,
            title: &t.title,
            number: i + 1,
            columns: t
                .columns
                .iter()
                .map(|c| Column {
                    label: &c.label,
                    numeric: c.numeric(),
                })
                .collect(),
            rows: t
                .rows
                .iter()
                .map(|r| r.iter().map(cell).collect())
                .collect(),
            total: t.total.as_ref().map(|r| r.iter().map(cell).collect()),
        })
        .collect();
    Context {
        view,
        charts,
        tables,
    }
}

/// Renders `index.html` from the view and the charts, with `<templates>/report.html` in
/// place of the default template when that file exists.
pub fn render_html(
    view: &View,
    charts: &[Chart],
    templates: Option<&Path>,
) -> Result<Output, Error> {
    let custom = templates.map(|dir| dir.join(NAME)).filter(|p| p.is_file());
    let source = match &custom {
        Some(path) => std::fs::read_to_string(path).map_err(|e| {
            Error::Input(vec![crate::load::problem::Problem::file(
                path.display().to_string(),
                crate::load::problem::ProblemKind::Unreadable {
                    detail: e.to_string(),
                },
            )])
        })?,
        None => DEFAULT_TEMPLATE.to_string(),
    };
    let origin = custom.as_deref();
    let mut tera = tera::Tera::default();
    tera.add_raw_template(NAME, &source)
        .map_err(|e| template_error(origin, &e))?;
    let context = tera::Context::from_serialize(context(view, charts))
        .map_err(|e| Error::Internal(e.to_string()))?;
    let html = tera
        .render(NAME, &context)
        .map_err(|e| template_error(origin, &e))?;
    Ok(Output {
        path: "index.html".into(),
        bytes: html.into_bytes(),
    })
}

/// A template that does not parse or render, with every cause tera gives: the user's
/// problem for their own template, a bug in jianfu for the default one.
fn template_error(custom: Option<&Path>, e: &tera::Error) -> Error {
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    match custom {
        Some(path) => Error::Input(vec![crate::load::problem::Problem::file(
            path.display().to_string(),
            crate::load::problem::ProblemKind::Unreadable { detail },
        )]),
        None => Error::Internal(format!("templates/{NAME}: {detail}")),
    }
}
