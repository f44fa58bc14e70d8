//! The SVG the charts are written as: a plotters drawing backend of our own, so that the
//! document carries what plotters' SVG backend has no API for (the accessible name, the
//! title and description, a tooltip with the full text of a shortened label, font sizes in
//! exact CSS pixels) without editing its output text afterwards.

use plotters::prelude::DrawingBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use std::collections::VecDeque;
use std::fmt::Write as _;

/// Text as XML character data or an attribute value.
pub fn escape_xml(s: &str) -> String {
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

/// A chart's drawn elements and its size, before they are wrapped into a document.
pub struct Drawing {
    pub size: (u32, u32),
    pub body: String,
}

impl Drawing {
    pub fn new(size: (u32, u32)) -> Self {
        Drawing {
            size,
            body: String::new(),
        }
    }

    /// The standalone SVG document: an image named by `alt`, titled `title`, its text set
    /// in `fonts` (a CSS font-family list).
    pub fn document(&self, title: &str, alt: &str, fonts: &str) -> String {
        let (w, h) = self.size;
        format!(
            "<svg role=\"img\" aria-label=\"{alt}\" font-family=\"{fonts}\" width=\"{w}\" \
             height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\">\n\
             <title>{title}</title>\n<desc>{alt}</desc>\n{body}</svg>\n",
            alt = escape_xml(alt),
            fonts = escape_xml(fonts),
            title = escape_xml(title),
            body = self.body,
        )
    }
}

/// The backend plotters draws a chart through; every element becomes one SVG element.
/// Text sizes are taken as CSS pixels.
pub struct SvgWriter<'a> {
    drawing: &'a mut Drawing,
    /// (shown text, full text) of shortened labels, in drawing order: the next text drawn
    /// that equals the front's shown text gets the full text as its tooltip.
    tooltips: VecDeque<(String, String)>,
}

impl<'a> SvgWriter<'a> {
    pub fn new(drawing: &'a mut Drawing, tooltips: Vec<(String, String)>) -> Self {
        SvgWriter {
            drawing,
            tooltips: tooltips.into(),
        }
    }

    fn element(&mut self, tag: &str, attributes: &[(&str, String)]) {
        let out = &mut self.drawing.body;
        out.push('<');
        out.push_str(tag);
        for (key, value) in attributes {
            let _ = write!(out, " {key}=\"{}\"", escape_xml(value));
        }
        out.push_str("/>\n");
    }
}

fn colour(c: BackendColor) -> String {
    let (r, g, b) = c.rgb;
    format!("#{r:02X}{g:02X}{b:02X}")
}

fn points(path: impl IntoIterator<Item = BackendCoord>) -> String {
    path.into_iter().fold(String::new(), |mut s, (x, y)| {
        let _ = write!(s, "{x},{y} ");
        s
    })
}

/// The fill and stroke of a shape drawn filled or outlined.
fn paint(c: BackendColor, filled: bool) -> (String, String) {
    if filled {
        (colour(c), "none".into())
    } else {
        ("none".into(), colour(c))
    }
}

type Drawn = Result<(), DrawingErrorKind<std::fmt::Error>>;

impl DrawingBackend for SvgWriter<'_> {
    type ErrorType = std::fmt::Error;

    fn get_size(&self) -> (u32, u32) {
        self.drawing.size
    }

    fn ensure_prepared(&mut self) -> Drawn {
        Ok(())
    }

    fn present(&mut self) -> Drawn {
        Ok(())
    }

    fn draw_pixel(&mut self, (x, y): BackendCoord, c: BackendColor) -> Drawn {
        self.draw_rect((x, y), (x + 1, y + 1), &c, true)
    }

    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, s: &S) -> Drawn {
        self.draw_path([from, to], s)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        (x0, y0): BackendCoord,
        (x1, y1): BackendCoord,
        s: &S,
        filled: bool,
    ) -> Drawn {
        let (fill, stroke) = paint(s.color(), filled);
        self.element(
            "rect",
            &[
                ("x", x0.to_string()),
                ("y", y0.to_string()),
                ("width", (x1 - x0).to_string()),
                ("height", (y1 - y0).to_string()),
                ("opacity", s.color().alpha.to_string()),
                ("fill", fill),
                ("stroke", stroke),
            ],
        );
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        s: &S,
    ) -> Drawn {
        self.element(
            "polyline",
            &[
                ("fill", "none".into()),
                ("opacity", s.color().alpha.to_string()),
                ("stroke", colour(s.color())),
                ("stroke-width", s.stroke_width().to_string()),
                ("points", points(path)),
            ],
        );
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        (cx, cy): BackendCoord,
        r: u32,
        s: &S,
        filled: bool,
    ) -> Drawn {
        let (fill, stroke) = paint(s.color(), filled);
        self.element(
            "circle",
            &[
                ("cx", cx.to_string()),
                ("cy", cy.to_string()),
                ("r", r.to_string()),
                ("opacity", s.color().alpha.to_string()),
                ("fill", fill),
                ("stroke", stroke),
                ("stroke-width", s.stroke_width().to_string()),
            ],
        );
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        s: &S,
    ) -> Drawn {
        self.element(
            "polygon",
            &[
                ("opacity", s.color().alpha.to_string()),
                ("fill", colour(s.color())),
                ("points", points(path)),
            ],
        );
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(&mut self, text: &str, s: &S, (x, y): BackendCoord) -> Drawn {
        let anchor = match s.anchor().h_pos {
            HPos::Left => "start",
            HPos::Right => "end",
            HPos::Center => "middle",
        };
        // Where the baseline sits against the anchor point, as browsers and typst agree.
        let dy = match s.anchor().v_pos {
            VPos::Top => "0.76em",
            VPos::Center => "0.5ex",
            VPos::Bottom => "-0.5ex",
        };
        let tooltip = match self.tooltips.front() {
            Some((shown, _)) if shown == text => self.tooltips.pop_front().map(|(_, full)| full),
            _ => None,
        };
        let out = &mut self.drawing.body;
        let _ = write!(
            out,
            "<text x=\"{x}\" y=\"{y}\" dy=\"{dy}\" text-anchor=\"{anchor}\" font-family=\"{}\" \
             font-size=\"{}\" opacity=\"{}\" fill=\"{}\">",
            escape_xml(s.family().as_str()),
            s.size(),
            s.color().alpha,
            colour(s.color()),
        );
        if let Some(full) = tooltip {
            let _ = write!(out, "<title>{}</title>", escape_xml(&full));
        }
        let _ = writeln!(out, "\n{}\n</text>", escape_xml(text));
        Ok(())
    }
}
