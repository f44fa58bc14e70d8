//! report.pdf: the notice typeset by typst (embedded as a library) in the GB/T 9704 layout
//! of Chinese official documents.
//!
//! Data reaches the template only as files, never as generated markup: the view is the
//! virtual file `view.json` (read with `json("view.json")`), the font choice and the chart
//! list are `meta.json`, and each chart is `charts/<id>.svg`. Strings from the inventories
//! (a unit named `#set text(red)` or `<script>`) therefore stay strings; nothing the clerk
//! typed can ever be interpreted as typst markup.
//!
//! The template is `templates/report.typ`, compiled into the binary; a `report.typ` in the
//! `--templates` folder replaces it. The document's date is the report's date (typst's
//! `datetime.today()` is that date too), so the same inputs give the same bytes.

use crate::config::RenderOptions;
use crate::error::Error;
use crate::present::view::View;
use crate::render::fonts::{Families, FontOptions, Fonts};
use crate::render::{Chart, Output};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// The output's file name in the report folder.
pub const FILE: &str = "report.pdf";

/// The built-in template.
pub const TEMPLATE: &str = include_str!("../../templates/report.typ");

/// What the template reads besides the view (`meta.json`).
#[derive(Serialize)]
struct Meta<'a> {
    fonts: &'a Families,
    charts: Vec<ChartRef<'a>>,
}

#[derive(Serialize)]
struct ChartRef<'a> {
    id: &'a str,
    title: &'a str,
    alt: &'a str,
    /// The virtual file holding the SVG, relative to the template.
    path: String,
}

/// The fonts report.pdf is set in: found, and the faces it uses loaded.
pub fn fonts(options: &RenderOptions) -> Fonts {
    let fonts = Fonts::discover(&FontOptions {
        dirs: options.font_dirs.clone(),
        system: options.system_fonts,
    });
    // Without a Chinese font there is nothing to load; typesetting says why.
    if let Ok(families) = fonts.families(FILE) {
        fonts.preload(&families);
    }
    fonts
}

/// Typesets the notice: `report.pdf`.
pub fn render_pdf(view: &View, charts: &[Chart], options: &RenderOptions) -> Result<Output, Error> {
    render_pdf_with(view, charts, options, fonts(options))
}

/// [`render_pdf`] in fonts already found ([`fonts`]), as a build finds them on another
/// core while it computes the figures.
pub fn render_pdf_with(
    view: &View,
    charts: &[Chart],
    options: &RenderOptions,
    fonts: Fonts,
) -> Result<Output, Error> {
    let families = fonts.families(FILE)?;
    let template = template(options)?;
    let date = document_date(view)?;

    let mut files = HashMap::new();
    files.insert(path("view.json"), to_json(view)?);
    let meta = Meta {
        fonts: &families,
        charts: charts
            .iter()
            .map(|c| ChartRef {
                id: &c.id,
                title: &c.title,
                alt: &c.alt,
                path: format!("charts/{}.svg", c.id),
            })
            .collect(),
    };
    files.insert(path("meta.json"), to_json(&meta)?);
    for chart in charts {
        // Chart ids are file stems chosen by jianfu, never user text; check anyway so a
        // bad id fails here rather than as a confusing typst path error.
        crate::safe_name::check(&chart.id)
            .map_err(|e| render_error(format!("chart id {:?}: {e}", chart.id)))?;
        files.insert(
            path(&format!("charts/{}.svg", chart.id)),
            Bytes::new(chart.svg.clone().into_bytes()),
        );
    }

    let main = path("report.typ");
    let world = ReportWorld {
        library: LazyHash::new(Library::default()),
        fonts,
        main: Source::new(main, template),
        files,
        today: Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8)
            .ok_or_else(|| render_error(format!("bad date {date}")))?,
    };
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| render_error(diagnostics(&world, &errors)))?;
    let mut pdf_options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(format!("jianfu/{}/{}", view.title, view.date)),
        timestamp: Some(typst_pdf::Timestamp::new_utc(world.today)),
        ..Default::default()
    };
    if options.pdf_a {
        pdf_options.standards = typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_2b])
            .map_err(|e| render_error(e.message().to_string()))?;
    }
    let bytes = typst_pdf::pdf(&document, &pdf_options)
        .map_err(|errors| render_error(diagnostics(&world, &errors)))?;
    Ok(Output {
        path: FILE.into(),
        bytes,
    })
}

fn to_json(value: &impl Serialize) -> Result<Bytes, Error> {
    serde_json::to_vec(value)
        .map(Bytes::new)
        .map_err(|e| Error::Internal(e.to_string()))
}

fn render_error(detail: String) -> Error {
    Error::Render {
        output: FILE.into(),
        detail,
    }
}

/// The template's text: `<templates>/report.typ` if there is one, else the built-in one.
fn template(options: &RenderOptions) -> Result<String, Error> {
    if let Some(dir) = &options.templates {
        let custom = dir.join("report.typ");
        if custom.is_file() {
            return std::fs::read_to_string(&custom)
                .map_err(|e| render_error(format!("{}: {e}", custom.display())));
        }
    }
    Ok(TEMPLATE.to_string())
}

fn document_date(view: &View) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(&view.current, "%Y-%m-%d")
        .map_err(|e| Error::Internal(format!("view date {:?}: {e}", view.current)))
}

fn path(p: &str) -> FileId {
    FileId::new(RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(p).expect("virtual paths of jianfu are valid"),
    ))
}

/// Errors of typst, one per line, each with the template line it points to when it
/// points into the template (a custom one's author needs it).
fn diagnostics(world: &ReportWorld, errors: &[SourceDiagnostic]) -> String {
    use typst::WorldExt;
    errors
        .iter()
        .map(|d| {
            let at = (d.span.id() == Some(world.main.id()))
                .then(|| world.range(d.span))
                .flatten()
                .and_then(|range| world.main.lines().byte_to_line(range.start));
            let mut line = match at {
                Some(n) => format!("report.typ line {}: {}", n + 1, d.message),
                None => d.message.to_string(),
            };
            for hint in &d.hints {
                line += &format!(" (hint: {})", hint.v);
            }
            line
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Everything typst may read: the template, the virtual files and the fonts. Nothing on
/// disk besides the fonts.
struct ReportWorld {
    library: LazyHash<Library>,
    fonts: Fonts,
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.store.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.store.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
