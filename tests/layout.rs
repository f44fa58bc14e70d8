//! What a printed page shows: no two words of a PDF overlap or touch, so no text runs
//! out of its table cell into the next (a cell's rule lies between its text and the
//! next cell's). Read through poppler's `pdftotext -bbox`, as a reader's eye would.

mod common;
use common::{built_samples, jianfu, repo, words};
use std::path::Path;

/// Full-width punctuation typst sets half-width (、） after a closing bracket): its box
/// may touch its neighbour's, which is how it is meant to look.
const CJK_PUNCTUATION: &str = "，。、；：？！“”‘’（）《》〈〉【】「」『』—…·";

/// Pairs of words on one line whose boxes overlap or come closer than a point.
fn touching(pdf: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for (n, page) in words(pdf).iter().enumerate() {
        for a in page {
            for b in page {
                let same_line = a.y1.min(b.y1) - a.y0.max(b.y0) > 1.0;
                let right_after = b.x0 >= a.x0 && b.x1 > a.x1 && !std::ptr::eq(a, b);
                if !(same_line && right_after && b.x0 - a.x1 < 1.0) {
                    continue;
                }
                let punctuated = a
                    .text
                    .chars()
                    .last()
                    .is_some_and(|c| CJK_PUNCTUATION.contains(c))
                    || b.text
                        .chars()
                        .next()
                        .is_some_and(|c| CJK_PUNCTUATION.contains(c));
                if !punctuated {
                    found.push(format!("page {}: {:?} touches {:?}", n + 1, a.text, b.text));
                }
            }
        }
    }
    found
}

#[test]
fn no_word_of_a_sample_pdf_touches_another() {
    let out = built_samples();
    let mut pdfs = 0;
    for campaign in ["lichuan", "zhuji", "pingdingshan-gxq"] {
        for report in std::fs::read_dir(out.join(campaign)).unwrap().flatten() {
            let pdf = report.path().join("report.pdf");
            let found = touching(&pdf);
            assert!(found.is_empty(), "{}:\n{}", pdf.display(), found.join("\n"));
            pdfs += 1;
        }
    }
    assert_eq!(pdfs, 3);
}

#[test]
fn no_word_of_a_five_campaign_comparison_touches_another() {
    let tmp = tempfile::tempdir().unwrap();
    let mut campaigns: Vec<String> = ["lichuan", "zhuji", "pingdingshan-gxq"]
        .iter()
        .map(|c| repo().join("data").join(c).display().to_string())
        .collect();
    for seed in ["1", "2"] {
        let dir = tmp.path().join(format!("synth{seed}"));
        let run = jianfu(
            tmp.path(),
            &[
                "synth",
                dir.to_str().unwrap(),
                "--groups",
                "300",
                "--accounts",
                "60",
                "--seed",
                seed,
            ],
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        campaigns.push(dir.display().to_string());
    }
    let out = tmp.path().join("compared");
    let mut args = vec!["compare"];
    args.extend(campaigns.iter().map(String::as_str));
    args.extend(["--out", out.to_str().unwrap()]);
    let run = jianfu(tmp.path(), &args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let found = touching(&out.join("report.pdf"));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// For each page of a PDF, the tallest band of its text block (GB/T 9704: 37 mm from the
/// top, 35 mm from the bottom, portrait or landscape) without a dark pixel, as a share of
/// the block's height: a page left half empty, whether at its foot or between two charts.
fn empty_bands(pdf: &Path) -> Vec<f64> {
    let tmp = tempfile::tempdir().unwrap();
    let run = std::process::Command::new("pdftoppm")
        .args(["-r", "50", "-gray", "-png"])
        .arg(pdf)
        .arg(tmp.path().join("p"))
        .output()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(run.status.success());
    let mut files: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let bytes = std::fs::read(file).unwrap();
            let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
                .read_info()
                .unwrap();
            let mut buf = vec![0; reader.output_buffer_size().unwrap()];
            let info = reader.next_frame(&mut buf).unwrap();
            let (w, h) = (info.width as usize, info.height as usize);
            let channels = info.color_type.samples();
            let page_mm = if w > h { 210.0 } else { 297.0 };
            let px = |mm: f64| (mm / page_mm * h as f64) as usize;
            let (top, bottom) = (px(37.0), px(page_mm - 35.0));
            let inked = |y: usize| (0..w).any(|x| buf[(y * w + x) * channels] < 200);
            let (mut run, mut tallest) = (0, 0);
            for y in top..bottom {
                run = if inked(y) { 0 } else { run + 1 };
                tallest = tallest.max(run);
            }
            tallest as f64 / (bottom - top) as f64
        })
        .collect()
}

/// Whether each page of a PDF ends a part of it: the body, or an annex (the page after it
/// starts with "附件N"), or the document.
fn part_ends(pdf: &Path) -> Vec<bool> {
    let pages = words(pdf);
    let starts_annex = |p: &Vec<common::Word>| {
        p.first()
            .and_then(|w| w.text.strip_prefix("附件"))
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    (0..pages.len())
        .map(|i| pages.get(i + 1).is_none_or(starts_annex))
        .collect()
}

fn half_empty_pages(pdf: &Path) -> Vec<String> {
    let ends = part_ends(pdf);
    let bands = empty_bands(pdf);
    assert_eq!(ends.len(), bands.len());
    bands
        .iter()
        .zip(&ends)
        .enumerate()
        .filter(|(_, (band, end))| !**end && **band > 1.0 / 3.0)
        .map(|(i, (band, _))| format!("page {}: {:.0}% empty", i + 1, band * 100.0))
        .collect()
}

#[test]
fn no_page_but_a_parts_last_is_more_than_a_third_empty() {
    let out = built_samples();
    let mut pdfs = 0;
    for campaign in ["lichuan", "zhuji", "pingdingshan-gxq"] {
        for report in std::fs::read_dir(out.join(campaign)).unwrap().flatten() {
            let pdf = report.path().join("report.pdf");
            let found = half_empty_pages(&pdf);
            assert!(found.is_empty(), "{}:\n{}", pdf.display(), found.join("\n"));
            pdfs += 1;
        }
    }
    assert_eq!(pdfs, 3);
}
