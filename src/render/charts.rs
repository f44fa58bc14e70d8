//! The report's charts, drawn once with plotters as standalone SVG documents: the HTML page
//! inlines them, the PDF embeds them and the build writes them to `charts/<id>.svg`. What
//! each chart shows and says (rows, series, title, text alternative) is `present::charts`'s;
//! this module only lays it out.
//!
//! Layout is done here, not by plotters' mesh: every label is measured with the metrics of
//! a CJK font found on the system (or, without one, a conservative estimate), so the label
//! areas are sized to fit and nothing is clipped or overlaps. Values are printed at the bar
//! ends; colours are Okabe–Ito (colour-blind safe) with “before” dark and “after” light so
//! the charts also read in grey.

use super::Chart;
use super::svg::{Drawing, SvgWriter};
use crate::config::RenderOptions;
use crate::present::charts::{BarRow, ChartSpec, Ink, Plot, Series};
use ab_glyph::{Font, FontVec};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
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

/// The width a chart is drawn at, and the one for narrow screens (a phone's 390 px less the
/// page's and the figure's margins), where the wide one would shrink its text below 11 px.
const WIDTH: u32 = 720;
const NARROW: u32 = 340;
const FONT_PX: f64 = 13.0;
const SMALL_PX: f64 = 12.0;
const MARGIN: i32 = 12;
/// Category labels longer than this many pixels, or two fifths of a chart's width, are
/// shortened with “…”.
const MAX_LABEL_PX: f64 = 190.0;

// Okabe–Ito.
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const GRID: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// The font used to measure text: its family and the face that covers CJK.
pub struct Measure {
    face: Option<FontVec>,
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
/// [`MEASURE_FAMILIES`] found whose face maps 中. Never fails: without a CJK
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
            let face = FontVec::try_from_vec_and_index(bytes, index)
                .ok()
                .filter(|f| f.glyph_id('中').0 != 0 && f.units_per_em().is_some());
            let Some(face) = face else { continue };
            return Measure {
                face: Some(face),
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

fn font(px: f64) -> TextStyle<'static> {
    TextStyle::from((FONT_STACK, px).into_font()).color(&INK)
}

fn anchored(px: f64, h: HPos, v: VPos) -> TextStyle<'static> {
    font(px).pos(Pos::new(h, v))
}

/// Horizontal bars: one row per category, one bar per series, each value at its bar's end.
fn hbar(series: &[Series], rows: &[BarRow], legend: bool, width_px: u32) -> Drawing {
    let bar = 12i32;
    let gap_in_row = 2i32;
    let n = series.len().max(1) as i32;
    let row_h = n * bar + (n - 1) * gap_in_row + 12;
    let legend_h = if legend { 26 } else { 0 };

    let labels: Vec<String> = rows
        .iter()
        .map(|r| {
            shorten(
                &r.label,
                FONT_PX,
                MAX_LABEL_PX.min(f64::from(width_px) * 0.4),
            )
        })
        .collect();
    let label_w = labels
        .iter()
        .map(|l| width(l, FONT_PX))
        .fold(0.0, f64::max)
        .ceil() as i32;
    let plot_x0 = MARGIN + label_w + 8;
    let plot_x1 = width_px as i32 - MARGIN;
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
    let shortened = rows
        .iter()
        .zip(&labels)
        .filter(|(r, l)| &r.label != *l)
        .map(|(r, l)| (l.clone(), r.label.clone()))
        .collect();
    let mut drawing = Drawing::new((width_px, height));
    {
        let root = SvgWriter::new(&mut drawing, shortened).into_drawing_area();
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
                let colour = colour(row.ink.unwrap_or(series[k.min(series.len() - 1)].ink));
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
    }
    drawing
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
            colour(s.ink).filled(),
        ));
        let _ = root.draw(&Text::new(
            s.name.as_str(),
            (x + 20, y + 8),
            anchored(FONT_PX, HPos::Left, VPos::Center),
        ));
        x += 20 + width(&s.name, FONT_PX).ceil() as i32 + 18;
    }
}

/// The chart as standalone SVG documents, named and titled: drawn wide and narrow.
fn finish(id: &str, title: &str, alt: &str, wide: Drawing, narrow: Drawing) -> Chart {
    Chart {
        id: id.to_string(),
        title: title.to_string(),
        alt: alt.to_string(),
        svg: wide.document(title, alt, FONT_STACK),
        narrow: narrow.document(title, alt, FONT_STACK),
    }
}

/// One line per series over the dates, each point labelled with its count.
fn lines(
    series: &[Series],
    dates: &[String],
    values: &[Vec<Option<u64>>],
    width_px: u32,
) -> Drawing {
    let max = values
        .iter()
        .flatten()
        .flatten()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let label_w = dates.iter().map(|l| width(l, SMALL_PX)).fold(0.0, f64::max);
    let height = 300u32;
    let legend_y = MARGIN;
    let plot_top = MARGIN + 26 + 20;
    let plot_bottom = height as i32 - MARGIN - 24;
    // Room on both sides for the first and last date labels, centred on their points.
    let side = (label_w / 2.0).ceil() as i32 + MARGIN + 8;
    let x0 = side;
    let x1 = width_px as i32 - side;
    let step = f64::from(x1 - x0) / dates.len().saturating_sub(1).max(1) as f64;
    // Show every k-th date label so neighbours never touch.
    let every = ((label_w + 12.0) / step).ceil().max(1.0) as usize;
    let y_of = |v: u64| {
        plot_bottom - ((v as f64 / max as f64) * f64::from(plot_bottom - plot_top)).round() as i32
    };
    let x_of = |i: usize| x0 + (i as f64 * step).round() as i32;
    let mut drawing = Drawing::new((width_px, height));
    let root = SvgWriter::new(&mut drawing, vec![]).into_drawing_area();
    let _ = root.fill(&WHITE);
    draw_legend(&root, series, legend_y);
    let _ = root.draw(&PathElement::new(
        vec![(x0 - 8, plot_bottom), (x1 + 8, plot_bottom)],
        GRID.stroke_width(1),
    ));
    for (i, label) in dates.iter().enumerate() {
        if i % every != 0 && i != dates.len() - 1 {
            continue;
        }
        let _ = root.draw(&Text::new(
            label.clone(),
            (x_of(i), plot_bottom + 6),
            anchored(SMALL_PX, HPos::Center, VPos::Top),
        ));
    }
    for (k, (s, values)) in series.iter().zip(values).enumerate() {
        let colour = colour(s.ink);
        let points: Vec<(i32, i32)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (x_of(i), y_of(v))))
            .collect();
        let _ = root.draw(&PathElement::new(points, colour.stroke_width(2)));
        for (i, v) in values.iter().enumerate() {
            let Some(v) = *v else { continue };
            let (x, y) = (x_of(i), y_of(v));
            let _ = root.draw(&Circle::new((x, y), 4, colour.filled()));
            // The first series' counts above its points, the second's below.
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
    drop(root);
    drawing
}

/// The colour of each ink: Okabe–Ito.
fn colour(ink: Ink) -> RGBColor {
    match ink {
        Ink::Before | Ink::Retained | Ink::GroupsRatio | Ink::Groups => BLUE,
        Ink::After => SKY,
        Ink::Ratio | Ink::New => GREEN,
        Ink::Merged | Ink::AccountsRatio => ORANGE,
        Ink::Dissolved | Ink::Accounts => VERMILLION,
        Ink::Expired => PURPLE,
    }
}

/// Draws each chart as a standalone SVG document, at both widths.
pub fn draw(specs: &[ChartSpec]) -> Vec<Chart> {
    specs
        .iter()
        .map(|spec| {
            let at = |width_px| match &spec.plot {
                Plot::Bars {
                    series,
                    rows,
                    legend,
                } => hbar(series, rows, *legend, width_px),
                Plot::Lines {
                    series,
                    dates,
                    values,
                } => lines(series, dates, values, width_px),
            };
            finish(&spec.id, &spec.title, &spec.alt, at(WIDTH), at(NARROW))
        })
        .collect()
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
        let rows = vec![BarRow {
            label: "<script>alert(1)</script>&一个名字非常非常非常非常非常非常长的单位".into(),
            values: vec![3.0],
            texts: vec!["3".into()],
            ink: None,
        }];
        let series = [Series {
            name: "a".into(),
            ink: Ink::Before,
        }];
        let chart = finish(
            "x",
            "<b>",
            "a & b",
            hbar(&series, &rows, false, WIDTH),
            hbar(&series, &rows, false, NARROW),
        );
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
