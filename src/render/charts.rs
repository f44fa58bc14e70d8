//! The report's charts, drawn once with plotters as standalone SVG documents: the HTML page
//! inlines them, the PDF embeds them and the build writes them to `charts/<id>.svg`.
//!
//! Layout is done here, not by plotters' mesh: every label is measured with the metrics of
//! a CJK font found on the system (or, without one, a conservative estimate), so the label
//! areas are sized to fit and nothing is clipped or overlaps. Values are printed at the bar
//! ends; colours are Okabe–Ito (colour-blind safe) with “before” dark and “after” light so
//! the charts also read in grey.

use super::Chart;
use crate::config::{RenderOptions, ReportConfig};
use crate::model::{DimensionRow, Figures, KindFigures, Report};
use crate::present::format::NONE;
use crate::present::view::View;
use crate::present::words::{part_label, part_name, unit_in_part};
use ab_glyph::{Font, FontRef};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::cmp::Ordering;
use std::sync::OnceLock;

/// The CSS font-family every chart text names, so browsers and typst pick a CJK font.
pub const FONT_STACK: &str =
    "\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif";

/// Families looked for on the system to measure text with, in order.
const MEASURE_FAMILIES: [&str; 5] = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
];

/// plotters' SVG backend writes `font-size = size / 1.24`; sizes here are CSS pixels.
const PLOTTERS_FONT_SCALE: f64 = 1.24;

const WIDTH: u32 = 720;
const FONT_PX: f64 = 13.0;
const SMALL_PX: f64 = 12.0;
const MARGIN: i32 = 12;
/// Category labels longer than this many pixels are shortened with “…”.
const MAX_LABEL_PX: f64 = 190.0;
/// Most bars in a chart of townships; the rest are in the annex tables.
const CHART_ROWS: usize = 30;

// Okabe–Ito.
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const GRID: RGBColor = RGBColor(0x99, 0x99, 0x99);

const BEFORE: (&str, RGBColor) = ("清理前", BLUE);
const AFTER: (&str, RGBColor) = ("清理后", SKY);

/// The font used to measure text: its family and the face that covers CJK.
pub struct Measure {
    face: Option<FontRef<'static>>,
    /// The family found, for diagnostics; None when widths are estimated.
    pub family: Option<String>,
}

static MEASURE: OnceLock<Measure> = OnceLock::new();

/// The measuring font, loaded from the system's fonts if [`measure_with`] was not called.
pub fn measure() -> &'static Measure {
    measure_with(&RenderOptions::default())
}

/// Loads the measuring font once, from the folders and system fonts the PDF is set from
/// (`--font-dir`, campaign.toml's `font_dirs`, `--no-system-fonts`): the first of
/// [`MEASURE_FAMILIES`] found whose face maps 中, its bytes leaked once so plotters can keep
/// them, and registered with plotters under [`FONT_STACK`]. Never fails: without a CJK
/// font, widths are estimated. The first call's fonts serve the whole process.
pub fn measure_with(fonts: &RenderOptions) -> &'static Measure {
    MEASURE.get_or_init(|| {
        let mut db = fontdb::Database::new();
        for dir in &fonts.font_dirs {
            db.load_fonts_dir(dir);
        }
        if fonts.system_fonts {
            db.load_system_fonts();
        }
        for family in MEASURE_FAMILIES {
            let query = fontdb::Query {
                families: &[fontdb::Family::Name(family)],
                ..fontdb::Query::default()
            };
            let Some(id) = db.query(&query) else { continue };
            let Some((source, index)) = db.face_source(id) else {
                continue;
            };
            let bytes: Option<Vec<u8>> = match source {
                fontdb::Source::Binary(data) => Some((*data).as_ref().to_vec()),
                fontdb::Source::File(path) => std::fs::read(path).ok(),
                fontdb::Source::SharedFile(_, data) => Some((*data).as_ref().to_vec()),
            };
            let Some(bytes) = bytes else { continue };
            // Check before leaking, so a useless file is not kept.
            let covers = FontRef::try_from_slice_and_index(&bytes, index)
                .is_ok_and(|f| f.glyph_id('中').0 != 0 && f.units_per_em().is_some());
            if !covers {
                continue;
            }
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            let face = FontRef::try_from_slice_and_index(bytes, index).ok();
            // plotters reads the first face of a collection: register it only if that
            // face covers CJK too (the drawing itself never asks plotters to measure).
            if FontRef::try_from_slice(bytes).is_ok_and(|f| f.glyph_id('中').0 != 0) {
                let _ = plotters::style::register_font(FONT_STACK, FontStyle::Normal, bytes);
            }
            return Measure {
                face,
                family: Some(family.to_string()),
            };
        }
        Measure {
            face: None,
            family: None,
        }
    })
}

impl Measure {
    /// The advance width of `text` at `px` CSS pixels.
    pub fn width(&self, text: &str, px: f64) -> f64 {
        let mut em = 0.0f64;
        let mut previous = None;
        for c in text.chars() {
            let glyph = self
                .face
                .as_ref()
                .map(|f| (f, f.glyph_id(c)))
                .filter(|(_, g)| g.0 != 0);
            match glyph {
                Some((face, g)) => {
                    let upem = f64::from(face.units_per_em().unwrap_or(1000.0));
                    if let Some(p) = previous {
                        em += f64::from(face.kern_unscaled(p, g)) / upem;
                    }
                    em += f64::from(face.h_advance_unscaled(g)) / upem;
                    previous = Some(g);
                }
                None => {
                    em += estimate_em(c);
                    previous = None;
                }
            }
        }
        em * px
    }
}

/// A generous width, in em, for a character no measured font covers.
fn estimate_em(c: char) -> f64 {
    if c.is_ascii() {
        if c.is_ascii_uppercase() || c == 'm' || c == 'w' || c == '%' {
            0.8
        } else {
            0.6
        }
    } else {
        1.0
    }
}

fn width(text: &str, px: f64) -> f64 {
    measure().width(text, px)
}

/// `text` shortened with “…” to fit `max` pixels; the text itself when it fits.
fn shorten(text: &str, px: f64, max: f64) -> String {
    if width(text, px) <= max {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let candidate = |n: usize| -> String { chars[..n].iter().chain(['…'].iter()).collect() };
    // The longest prefix that fits, by bisection: a name of thousands of characters
    // would otherwise be measured thousands of times.
    let (mut fits, mut too_long) = (0, chars.len());
    while too_long - fits > 1 {
        let mid = fits + (too_long - fits) / 2;
        if width(&candidate(mid), px) <= max {
            fits = mid;
        } else {
            too_long = mid;
        }
    }
    candidate(fits)
}

fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

fn font(px: f64) -> TextStyle<'static> {
    TextStyle::from((FONT_STACK, px * PLOTTERS_FONT_SCALE).into_font()).color(&INK)
}

fn anchored(px: f64, h: HPos, v: VPos) -> TextStyle<'static> {
    font(px).pos(Pos::new(h, v))
}

/// One bar series of a horizontal bar chart.
struct Series {
    name: &'static str,
    colour: RGBColor,
}

/// One category (row) of a horizontal bar chart: its label and one value per series.
struct Row {
    label: String,
    values: Vec<f64>,
    /// The printed value at each bar's end.
    texts: Vec<String>,
    /// Overrides the series colour, for single-series charts with a colour per row.
    colour: Option<RGBColor>,
}

impl Row {
    fn separator() -> Row {
        Row {
            label: "⋯".to_string(),
            values: vec![],
            texts: vec![],
            colour: None,
        }
    }
}

/// A drawn SVG, and the labels that were shortened (their full text goes into a tooltip).
struct Drawn {
    svg: String,
    shortened: Vec<(String, String)>,
}

/// Horizontal bars: one row per category, one bar per series, each value at its bar's end.
fn hbar(series: &[Series], rows: &[Row], legend: bool) -> Drawn {
    let bar = 12i32;
    let gap_in_row = 2i32;
    let n = series.len().max(1) as i32;
    let row_h = n * bar + (n - 1) * gap_in_row + 12;
    let legend_h = if legend { 26 } else { 0 };

    let labels: Vec<String> = rows
        .iter()
        .map(|r| shorten(&r.label, FONT_PX, MAX_LABEL_PX))
        .collect();
    let label_w = labels
        .iter()
        .map(|l| width(l, FONT_PX))
        .fold(0.0, f64::max)
        .ceil() as i32;
    let plot_x0 = MARGIN + label_w + 8;
    let plot_x1 = WIDTH as i32 - MARGIN;
    let plot_w = f64::from(plot_x1 - plot_x0);

    // Scale: every bar plus its value label fits in the plot; negative values extend left.
    let pad = 4.0;
    let min_v = rows
        .iter()
        .flat_map(|r| r.values.iter().copied())
        .fold(0.0, f64::min);
    let neg_room = if min_v < 0.0 {
        rows.iter()
            .flat_map(|r| r.values.iter().zip(&r.texts))
            .filter(|(v, _)| **v < 0.0)
            .map(|(_, t)| width(t, SMALL_PX) + pad)
            .fold(0.0, f64::max)
    } else {
        0.0
    };
    let mut scale = f64::INFINITY;
    for r in rows {
        for (v, t) in r.values.iter().zip(&r.texts) {
            let text = width(t, SMALL_PX) + pad;
            if *v > 0.0 {
                scale = scale.min((plot_w - neg_room - text) / (v - min_v));
            } else {
                scale = scale.min((plot_w - text) / (-min_v).max(f64::MIN_POSITIVE));
            }
        }
    }
    if !scale.is_finite() || scale <= 0.0 {
        scale = 1.0;
    }
    let zero_x = plot_x0 + (neg_room + (-min_v) * scale).round() as i32;

    let top = MARGIN + legend_h;
    let height = (top + rows.len() as i32 * row_h + MARGIN) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        if legend {
            draw_legend(&root, series, MARGIN);
        }
        for (i, (row, label)) in rows.iter().zip(&labels).enumerate() {
            let y0 = top + i as i32 * row_h;
            let mid = y0 + row_h / 2;
            let _ = root.draw(&Text::new(
                label.clone(),
                (plot_x0 - 8, mid),
                anchored(FONT_PX, HPos::Right, VPos::Center),
            ));
            let bars_h = n * bar + (n - 1) * gap_in_row;
            let mut y = mid - bars_h / 2;
            for (k, (v, t)) in row.values.iter().zip(&row.texts).enumerate() {
                let colour = row.colour.unwrap_or(series[k.min(series.len() - 1)].colour);
                let end = zero_x + (v * scale).round() as i32;
                let (a, b) = if end >= zero_x {
                    (zero_x, end)
                } else {
                    (end, zero_x)
                };
                if b > a {
                    let _ = root.draw(&Rectangle::new([(a, y), (b, y + bar)], colour.filled()));
                }
                let (tx, h) = if *v < 0.0 {
                    (a - pad as i32, HPos::Right)
                } else {
                    (b + pad as i32, HPos::Left)
                };
                let _ = root.draw(&Text::new(
                    t.clone(),
                    (tx, y + bar / 2),
                    anchored(SMALL_PX, h, VPos::Center),
                ));
                y += bar + gap_in_row;
            }
        }
        // The zero line over the bars' start.
        let _ = root.draw(&PathElement::new(
            vec![(zero_x, top), (zero_x, top + rows.len() as i32 * row_h)],
            GRID.stroke_width(1),
        ));
        let _ = root.present();
    }
    let shortened = rows
        .iter()
        .zip(labels)
        .filter(|(r, l)| &r.label != l)
        .map(|(r, l)| (l, r.label.clone()))
        .collect();
    Drawn { svg, shortened }
}

fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    series: &[Series],
    y: i32,
) {
    let mut x = MARGIN;
    for s in series {
        let _ = root.draw(&Rectangle::new(
            [(x, y + 2), (x + 14, y + 14)],
            s.colour.filled(),
        ));
        let _ = root.draw(&Text::new(
            s.name,
            (x + 20, y + 8),
            anchored(FONT_PX, HPos::Left, VPos::Center),
        ));
        x += 20 + width(s.name, FONT_PX).ceil() as i32 + 18;
    }
}

/// Adds the accessible name and title to the root element and a `<title>` tooltip with the
/// full text to every shortened label.
fn finish(drawn: Drawn, id: &str, title: &str, alt: &str) -> Chart {
    let mut svg = drawn.svg;
    // plotters divides the size it is given by 1.24: print the CSS size exactly.
    for px in [FONT_PX, SMALL_PX] {
        svg = svg.replace(
            &format!(
                "font-size=\"{}\"",
                px * PLOTTERS_FONT_SCALE / PLOTTERS_FONT_SCALE
            ),
            &format!("font-size=\"{px}\""),
        );
    }
    if let Some(end) = svg.find('>') {
        let head = &svg[..end];
        let head = head.replacen(
            "<svg ",
            &format!(
                "<svg role=\"img\" aria-label=\"{}\" font-family=\"{}\" ",
                escape_xml(alt),
                escape_xml(FONT_STACK)
            ),
            1,
        );
        svg = format!(
            "{head}>\n<title>{}</title>\n<desc>{}</desc>{}",
            escape_xml(title),
            escape_xml(alt),
            &svg[end + 1..]
        );
    }
    let mut from = 0;
    for (short, full) in drawn.shortened {
        let needle = format!(">\n{}\n</text>", escape_xml(&short));
        if let Some(at) = svg[from..].find(&needle) {
            let at = from + at + 1;
            let tip = format!("<title>{}</title>", escape_xml(&full));
            svg.insert_str(at, &tip);
            from = at + tip.len() + needle.len() - 1;
        }
    }
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        alt: alt.to_string(),
        svg,
    }
}

/// What each kind is called.
struct Kind<'a> {
    id: &'static str,
    noun: &'static str,
    figures: &'a KindFigures,
}

/// Every chart the report has data for, in reading order.
pub fn charts(report: &Report, view: &View) -> Vec<Chart> {
    let o = &view.options;
    let mut out = Vec::new();
    let kinds = [
        ("groups", "工作群", &report.groups),
        ("accounts", "政务新媒体", &report.accounts),
    ];
    for (id, noun, figures) in kinds {
        let Some(figures) = figures else { continue };
        let kind = Kind { id, noun, figures };
        out.extend(by_township(&kind, view));
        out.extend(reduction_by_part(report, &kind, o));
        out.extend(reduction_by_unit(report, &kind, o));
        out.extend(dispositions(&kind, view));
        out.extend(platforms(&kind, view));
    }
    out.extend(burden_histogram(report, view));
    out.extend(trend(report));
    out
}

fn before_after_rows(rows: &[&DimensionRow], null_label: &str) -> Vec<Row> {
    rows.iter()
        .map(|r| Row {
            label: r.key.clone().unwrap_or_else(|| null_label.to_string()),
            values: vec![r.figures.before as f64, r.figures.after as f64],
            texts: vec![r.figures.before.to_string(), r.figures.after.to_string()],
            colour: None,
        })
        .collect()
}

fn before_after() -> [Series; 2] {
    [
        Series {
            name: BEFORE.0,
            colour: BEFORE.1,
        },
        Series {
            name: AFTER.0,
            colour: AFTER.1,
        },
    ]
}

fn sorted_by_before(rows: &[DimensionRow]) -> Vec<&DimensionRow> {
    let mut sorted: Vec<&DimensionRow> = rows.iter().collect();
    sorted.sort_by(|a, b| {
        b.figures
            .before
            .cmp(&a.figures.before)
            .then(b.figures.after.cmp(&a.figures.after))
            .then_with(|| a.key.cmp(&b.key))
    });
    sorted
}

fn key_or(r: &DimensionRow, null: &str) -> String {
    r.key.clone().unwrap_or_else(|| null.to_string())
}

fn by_township(kind: &Kind, view: &View) -> Option<Chart> {
    let rows = &kind.figures.by_township;
    if rows.is_empty() || rows.iter().all(|r| r.key.is_none()) {
        return None;
    }
    let sorted = sorted_by_before(rows);
    // A province has thousands of townships: the chart shows the largest ones.
    let cut = sorted.len() > CHART_ROWS;
    let drawn = hbar(
        &before_after(),
        &before_after_rows(&sorted[..sorted.len().min(CHART_ROWS)], "市直单位"),
        true,
    );
    let top = sorted[0];
    let t = &kind.figures.totals;
    let alt = format!(
        "按乡镇街道统计的{noun}数量，清理前（{}）共{}个、清理后（{}）共{}个，分布在{}个乡镇街道及市直单位；清理前最多的是{}，由{}个减至{}个。",
        view.baseline_date,
        t.before,
        view.date,
        t.after,
        rows.iter().filter(|r| r.key.is_some()).count(),
        key_or(top, "市直单位"),
        top.figures.before,
        top.figures.after,
        noun = kind.noun,
    );
    let title = if cut {
        format!(
            "清理前{}最多的{}个乡镇街道清理前后数量",
            kind.noun, CHART_ROWS
        )
    } else {
        format!("各乡镇街道{}清理前后数量", kind.noun)
    };
    Some(finish(
        drawn,
        &format!("{}_by_township", kind.id),
        &title,
        &alt,
    ))
}

fn reduced(f: &Figures) -> i64 {
    f.before as i64 - f.after as i64
}

/// Compares two rows' reduction ratios exactly, by cross-multiplying the integer counts.
fn ratio_cmp(a: &Figures, b: &Figures) -> Ordering {
    let left = i128::from(reduced(a)) * i128::from(b.before);
    let right = i128::from(reduced(b)) * i128::from(a.before);
    left.cmp(&right)
}

/// A roll-up's parts ranked by reduction ratio (各县精简占比).
fn reduction_by_part(report: &Report, kind: &Kind, o: &ReportConfig) -> Option<Chart> {
    let parts = report.parts.as_deref().unwrap_or(&[]);
    let rows: Vec<(String, &Figures)> = kind
        .figures
        .by_part
        .iter()
        .map(|r| {
            (
                part_name(parts, r.key.as_deref().unwrap_or_default()),
                &r.figures,
            )
        })
        .collect();
    reduction_ranking(kind, o, rows, part_label(parts), "part")
}

fn reduction_by_unit(report: &Report, kind: &Kind, o: &ReportConfig) -> Option<Chart> {
    let parts = report.parts.as_deref().unwrap_or(&[]);
    let rows: Vec<(String, &Figures)> = kind
        .figures
        .by_unit
        .iter()
        .map(|r| {
            let key = key_or(r, "未填写单位");
            (unit_in_part(parts, r.part.as_deref(), &key), &r.figures)
        })
        .collect();
    reduction_ranking(kind, o, rows, "单位", "unit")
}

/// Rows (a unit's or a part's) ranked by reduction ratio; the top and bottom ten of many.
fn reduction_ranking(
    kind: &Kind,
    o: &ReportConfig,
    rows: Vec<(String, &Figures)>,
    what: &str,
    id: &str,
) -> Option<Chart> {
    let mut units: Vec<(String, &Figures)> =
        rows.into_iter().filter(|(_, f)| f.before > 0).collect();
    if units.is_empty() {
        return None;
    }
    units.sort_by(|a, b| {
        ratio_cmp(b.1, a.1)
            .then(b.1.before.cmp(&a.1.before))
            .then_with(|| a.0.cmp(&b.0))
    });
    let row = |(label, f): &(String, &Figures)| Row {
        label: label.clone(),
        values: vec![reduced(f) as f64 / f.before as f64],
        texts: vec![o.pct(reduced(f), f.before)],
        colour: None,
    };
    let many = units.len() > 20;
    let rows: Vec<Row> = if many {
        let mut rows: Vec<Row> = units[..10].iter().map(row).collect();
        rows.push(Row::separator());
        rows.extend(units[units.len() - 10..].iter().map(row));
        rows
    } else {
        units.iter().map(row).collect()
    };
    let series = [Series {
        name: "精简占比",
        colour: GREEN,
    }];
    let drawn = hbar(&series, &rows, false);
    let (best, worst) = (&units[0], &units[units.len() - 1]);
    let alt = format!(
        "{}{}个{what}的{}精简占比{}：最高的是{}（{}，{}个减至{}个），最低的是{}（{}，{}个减至{}个）。",
        if many {
            format!("精简占比最高和最低的各10个{what}，共")
        } else {
            "共".to_string()
        },
        units.len(),
        kind.noun,
        if many { "中" } else { "" },
        best.0,
        o.pct(reduced(best.1), best.1.before),
        best.1.before,
        best.1.after,
        worst.0,
        o.pct(reduced(worst.1), worst.1.before),
        worst.1.before,
        worst.1.after,
    );
    let title = if many {
        format!("{}精简占比最高和最低的各10个{what}", kind.noun)
    } else {
        format!("各{what}{}精简占比", kind.noun)
    };
    Some(finish(
        drawn,
        &format!("{}_reduction_by_{id}", kind.id),
        &title,
        &alt,
    ))
}

fn dispositions(kind: &Kind, view: &View) -> Option<Chart> {
    let t = &kind.figures.totals;
    if t.before == 0 && t.new == 0 {
        return None;
    }
    let items = [
        ("保留", t.retained, BLUE),
        ("合并", t.merged, ORANGE),
        ("解散", t.dissolved, VERMILLION),
        ("到期解散", t.expired, PURPLE),
        ("新建", t.new, GREEN),
    ];
    let rows: Vec<Row> = items
        .iter()
        .map(|(label, n, colour)| Row {
            label: (*label).to_string(),
            values: vec![*n as f64],
            texts: vec![format!("{n}个")],
            colour: Some(*colour),
        })
        .collect();
    let series = [Series {
        name: "数量",
        colour: BLUE,
    }];
    let drawn = hbar(&series, &rows, false);
    let alt = format!(
        "{}清理前在用的{}个{noun}中，保留{}个、合并{}个、解散{}个、阶段性工作结束后解散{}个；截至{}新建{}个。",
        view.baseline_date,
        t.before,
        t.retained,
        t.merged,
        t.dissolved,
        t.expired,
        view.date,
        t.new,
        noun = kind.noun,
    );
    Some(finish(
        drawn,
        &format!("{}_dispositions", kind.id),
        &format!("{}处置情况", kind.noun),
        &alt,
    ))
}

fn platforms(kind: &Kind, view: &View) -> Option<Chart> {
    let rows = &kind.figures.by_platform;
    if rows.is_empty() || rows.iter().all(|r| r.key.is_none()) {
        return None;
    }
    let sorted = sorted_by_before(rows);
    let drawn = hbar(&before_after(), &before_after_rows(&sorted, "未填写"), true);
    let parts: Vec<String> = sorted
        .iter()
        .map(|r| {
            format!(
                "{}由{}个减至{}个",
                key_or(r, "未填写平台"),
                r.figures.before,
                r.figures.after
            )
        })
        .collect();
    let alt = format!(
        "各平台{}清理前（{}）后（{}）数量：{}。",
        kind.noun,
        view.baseline_date,
        view.date,
        parts.join("，")
    );
    Some(finish(
        drawn,
        &format!("{}_platforms", kind.id),
        &format!("各平台{}清理前后数量", kind.noun),
        &alt,
    ))
}

/// Cadres by how many active groups they sit in; counts of ten and more share a row, as
/// the report's “10个及以上” figure does.
fn burden_histogram(report: &Report, view: &View) -> Option<Chart> {
    let burden = report.burden.as_ref()?;
    if burden.distribution.is_empty() {
        return None;
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut tail = (0u64, 0u64);
    let max = burden.distribution.iter().map(|b| b.groups).max()?;
    for bin in &burden.distribution {
        if bin.groups >= 10 && max > 10 {
            tail.0 += bin.before;
            tail.1 += bin.after;
        } else {
            rows.push(Row {
                label: format!("{}个群", bin.groups),
                values: vec![bin.before as f64, bin.after as f64],
                texts: vec![format!("{}人", bin.before), format!("{}人", bin.after)],
                colour: None,
            });
        }
    }
    if max > 10 {
        rows.push(Row {
            label: "10个及以上".to_string(),
            values: vec![tail.0 as f64, tail.1 as f64],
            texts: vec![format!("{}人", tail.0), format!("{}人", tail.1)],
            colour: None,
        });
    }
    let drawn = hbar(&before_after(), &rows, true);
    let alt = format!(
        "{}名干部按所在工作群个数分布：清理前（{}）人均{:.1}个、最多{}个，清理后（{}）人均{:.1}个、最多{}个；身处10个及以上工作群的干部由{}人减少到{}人。",
        burden.cadres,
        view.baseline_date,
        burden.before.mean,
        burden.before.max,
        view.date,
        burden.after.mean,
        burden.after.max,
        burden.before.ge10,
        burden.after.ge10,
    );
    Some(finish(
        drawn,
        "burden_histogram",
        "干部所在工作群个数分布",
        &alt,
    ))
}

/// Active items at each snapshot: one line per kind, each point labelled with its count.
fn trend(report: &Report) -> Option<Chart> {
    let points = &report.trend;
    if points.len() < 2 {
        return None;
    }
    type Pick = fn(&crate::model::TrendPoint) -> Option<u64>;
    let kinds: [(&str, RGBColor, Pick); 2] = [
        ("工作群", BLUE, |p| p.groups),
        ("政务新媒体", VERMILLION, |p| p.accounts),
    ];
    let present: Vec<&(&str, RGBColor, Pick)> = kinds
        .iter()
        .filter(|(_, _, pick)| points.iter().any(|p| pick(p).is_some()))
        .collect();
    if present.is_empty() {
        return None;
    }
    let max = points
        .iter()
        .flat_map(|p| present.iter().filter_map(|(_, _, pick)| pick(p)))
        .max()
        .unwrap_or(0)
        .max(1);
    let labels: Vec<String> = points.iter().map(|p| short_date(&p.date)).collect();
    let label_w = labels
        .iter()
        .map(|l| width(l, SMALL_PX))
        .fold(0.0, f64::max);
    let height = 300u32;
    let legend_y = MARGIN;
    let plot_top = MARGIN + 26 + 20;
    let plot_bottom = height as i32 - MARGIN - 24;
    // Room on both sides for the first and last date labels, centred on their points.
    let side = (label_w / 2.0).ceil() as i32 + MARGIN + 8;
    let x0 = side;
    let x1 = WIDTH as i32 - side;
    let step = f64::from(x1 - x0) / (points.len() - 1) as f64;
    // Show every k-th date label so neighbours never touch.
    let every = ((label_w + 12.0) / step).ceil().max(1.0) as usize;
    let y_of = |v: u64| {
        plot_bottom - ((v as f64 / max as f64) * f64::from(plot_bottom - plot_top)).round() as i32
    };
    let x_of = |i: usize| x0 + (i as f64 * step).round() as i32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let series: Vec<Series> = present
            .iter()
            .map(|(name, colour, _)| Series {
                name,
                colour: *colour,
            })
            .collect();
        draw_legend(&root, &series, legend_y);
        let _ = root.draw(&PathElement::new(
            vec![(x0 - 8, plot_bottom), (x1 + 8, plot_bottom)],
            GRID.stroke_width(1),
        ));
        for (i, label) in labels.iter().enumerate() {
            if i % every != 0 && i != points.len() - 1 {
                continue;
            }
            let _ = root.draw(&Text::new(
                label.clone(),
                (x_of(i), plot_bottom + 6),
                anchored(SMALL_PX, HPos::Center, VPos::Top),
            ));
        }
        for (k, (_, colour, pick)) in present.iter().enumerate() {
            let line: Vec<(i32, i32)> = points
                .iter()
                .enumerate()
                .filter_map(|(i, p)| pick(p).map(|v| (x_of(i), y_of(v))))
                .collect();
            let _ = root.draw(&PathElement::new(line.clone(), colour.stroke_width(2)));
            for (i, p) in points.iter().enumerate() {
                let Some(v) = pick(p) else { continue };
                let (x, y) = (x_of(i), y_of(v));
                let _ = root.draw(&Circle::new((x, y), 4, colour.filled()));
                // The first kind's counts above its points, the second's below.
                let (dy, vpos) = if k == 0 {
                    (-8, VPos::Bottom)
                } else {
                    (8, VPos::Top)
                };
                let _ = root.draw(&Text::new(
                    v.to_string(),
                    (x, y + dy),
                    anchored(SMALL_PX, HPos::Center, vpos),
                ));
            }
        }
        let _ = root.present();
    }
    let parts: Vec<String> = present
        .iter()
        .map(|(name, _, pick)| {
            let values: Vec<String> = points
                .iter()
                .map(|p| {
                    format!(
                        "{}{}",
                        short_date(&p.date),
                        pick(p).map_or(NONE.to_string(), |v| format!("{v}个"))
                    )
                })
                .collect();
            format!("在用{name}：{}", values.join("、"))
        })
        .collect();
    let alt = format!("各次台账日期的在用数量变化，{}。", parts.join("；"));
    Some(finish(
        Drawn {
            svg,
            shortened: vec![],
        },
        "trend",
        "各次台账在用数量变化",
        &alt,
    ))
}

/// 2019-04-30 → 2019年4月30日
fn short_date(date: &str) -> String {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(crate::present::format::chinese_date)
        .unwrap_or_else(|_| date.to_string())
}

/// The comparison's charts: each campaign's ratios side by side, and its counts before
/// and after. A campaign without a kind shows "—" and no bar, never a zero.
pub fn comparison_charts(cmp: &crate::model::Comparison, o: &ReportConfig) -> Vec<Chart> {
    let ranked: Vec<&crate::model::CampaignSummary> = cmp
        .ranking
        .iter()
        .filter_map(|id| cmp.campaigns.iter().find(|c| &c.id == id))
        .collect();
    let label = |c: &crate::model::CampaignSummary| {
        if c.region.is_empty() {
            c.name.clone()
        } else {
            c.region.clone()
        }
    };
    let value = |k: Option<&crate::model::KindSummary>, closed: bool| match k {
        Some(k) if k.before > 0 => {
            let num = if closed {
                k.closed as i64
            } else {
                k.before as i64 - k.after as i64
            };
            (num as f64 / k.before as f64, o.pct(num, k.before))
        }
        _ => (0.0, "—".to_string()),
    };
    let rows: Vec<Row> = ranked
        .iter()
        .map(|c| {
            let (g, gt) = value(c.groups.as_ref(), false);
            let (a, at) = value(c.accounts.as_ref(), true);
            Row {
                label: label(c),
                values: vec![g, a],
                texts: vec![gt, at],
                colour: None,
            }
        })
        .collect();
    let series = [
        Series {
            name: "工作群精简占比",
            colour: BLUE,
        },
        Series {
            name: "政务新媒体停止运营占比",
            colour: ORANGE,
        },
    ];
    let alt = ranked
        .iter()
        .map(|c| {
            format!(
                "{}：工作群精简占比{}，政务新媒体停止运营占比{}",
                label(c),
                value(c.groups.as_ref(), false).1,
                value(c.accounts.as_ref(), true).1
            )
        })
        .collect::<Vec<_>>()
        .join("；");
    let mut out = vec![finish(
        hbar(&series, &rows, true),
        "comparison_ratios",
        "各地精简占比对比",
        &(alt + "。"),
    )];
    for (id, noun, pick) in [
        (
            "comparison_groups",
            "工作群",
            (|c: &crate::model::CampaignSummary| c.groups.clone())
                as fn(&crate::model::CampaignSummary) -> Option<crate::model::KindSummary>,
        ),
        ("comparison_accounts", "政务新媒体", |c| {
            c.accounts.clone()
        }),
    ] {
        let with: Vec<(&crate::model::CampaignSummary, crate::model::KindSummary)> = ranked
            .iter()
            .filter_map(|c| pick(c).map(|k| (*c, k)))
            .collect();
        if with.is_empty() {
            continue;
        }
        let rows: Vec<Row> = with
            .iter()
            .map(|(c, k)| Row {
                label: label(c),
                values: vec![k.before as f64, k.after as f64],
                texts: vec![k.before.to_string(), k.after.to_string()],
                colour: None,
            })
            .collect();
        let alt = with
            .iter()
            .map(|(c, k)| format!("{}{}个减至{}个", label(c), k.before, k.after))
            .collect::<Vec<_>>()
            .join("；");
        out.push(finish(
            hbar(&before_after(), &rows, true),
            id,
            &format!("各地{noun}清理前后数量"),
            &format!("各地{noun}清理前后数量：{alt}。"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_shortened_to_fit_with_an_ellipsis() {
        let long = "某某市某某区某某街道某某社区居民委员会综合治理网格化服务管理中心";
        let short = shorten(long, FONT_PX, MAX_LABEL_PX);
        assert!(short.ends_with('…'), "{short}");
        assert!(width(&short, FONT_PX) <= MAX_LABEL_PX);
        assert_eq!(shorten("市委办", FONT_PX, MAX_LABEL_PX), "市委办");
    }

    #[test]
    fn cjk_is_measured_about_one_em_wide() {
        let w = width("中文", 10.0);
        assert!((18.0..=22.0).contains(&w), "{w}");
    }

    #[test]
    fn text_is_xml_escaped_and_full_names_go_into_tooltips() {
        let rows = vec![Row {
            label: "<script>alert(1)</script>&一个名字非常非常非常非常非常非常长的单位".into(),
            values: vec![3.0],
            texts: vec!["3".into()],
            colour: None,
        }];
        let series = [Series {
            name: "a",
            colour: BLUE,
        }];
        let chart = finish(hbar(&series, &rows, false), "x", "<b>", "a & b");
        assert!(!chart.svg.contains("<script"), "{}", chart.svg);
        assert!(!chart.svg.contains("<b>"));
        assert!(
            chart
                .svg
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;&amp;")
        );
        assert!(chart.svg.contains("<title>&lt;script&gt;"));
        assert!(chart.svg.contains("aria-label=\"a &amp; b\""));
        assert!(chart.svg.contains("font-size=\"13\""));
        assert!(!chart.svg.contains("00000"), "{}", chart.svg);
    }
}
