//! What a printed page shows: no two words of a PDF overlap or touch, so no text runs
//! out of its table cell into the next (a cell's rule lies between its text and the
//! next cell's). Read through poppler's `pdftotext -bbox`, as a reader's eye would.

mod common;
use common::{built_samples, jianfu, repo};
use std::path::Path;

/// Full-width punctuation typst sets half-width (、） after a closing bracket): its box
/// may touch its neighbour's, which is how it is meant to look.
const CJK_PUNCTUATION: &str = "，。、；：？！“”‘’（）《》〈〉【】「」『』—…·";

#[derive(Debug)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

/// Every word of every page, with its box.
fn words(pdf: &Path) -> Vec<Vec<Word>> {
    let run = std::process::Command::new("pdftotext")
        .args(["-bbox", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) runs");
    let out = String::from_utf8_lossy(&run.stdout);
    let number = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + tag[start..].find('"').unwrap();
        tag[start..end].parse().unwrap()
    };
    out.split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<word ")
                .skip(1)
                .map(|w| {
                    let (tag, rest) = w.split_once('>').unwrap();
                    Word {
                        x0: number(tag, "xMin"),
                        y0: number(tag, "yMin"),
                        x1: number(tag, "xMax"),
                        y1: number(tag, "yMax"),
                        text: rest.split("</word>").next().unwrap().to_string(),
                    }
                })
                .collect()
        })
        .collect()
}

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
