//! The parts of the 通报 around its body, laid out as GB/T 9704-2012 lays them out: the red
//! 版头 (发文机关标志, 发文字号, red rule) and the 主送 and 抄送 when campaign.toml's
//! `[report]` sets them, nothing of them when it does not; the 附件说明 and each 附件's
//! heading; "续表" over a table's header repeated on the next page. Read from the PDF
//! through poppler (`pdftotext -bbox` for positions, `pdftoppm` for colour) and from the
//! page's HTML.

mod common;
use common::{Word, built_samples, files_under, jianfu, repo, words};
use scraper::{Html, Selector};
use std::path::{Path, PathBuf};

const ISSUER_MARK: &str = "利川市纪委监委文件";
const DOC_NUMBER: &str = "利纪发〔2019〕12号";

/// 1 mm in PDF points.
const MM: f64 = 72.0 / 25.4;
/// The text block's left edge and centre on an A4 portrait page (GB/T 9704: 订口 28 mm,
/// text 156 mm wide).
const LEFT: f64 = 28.0 * MM;
const CENTRE: f64 = (28.0 + 156.0 / 2.0) * MM;

/// Lichuan built from a copy of its folder, with `report` appended to its campaign.toml.
fn lichuan_with(report: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("lichuan");
    copy_dir(&repo().join("data/lichuan"), &dir);
    let toml = dir.join("campaign.toml");
    let text = std::fs::read_to_string(&toml).unwrap() + "\n" + report;
    std::fs::write(&toml, text).unwrap();
    let out = tmp.path().join("out");
    let run = jianfu(
        tmp.path(),
        &[
            "build",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report = out.join("lichuan/2019-09-30");
    (tmp, report)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

const ALL_SET: &str = r#"[report]
issuer_mark = "利川市纪委监委文件"
doc_number = "利纪发〔2019〕12号"
recipients = "各乡镇党委、政府，市直各单位"
copy_to = "市委办公室，市政府办公室"
"#;

fn set() -> &'static Path {
    static BUILT: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    &BUILT.get_or_init(|| lichuan_with(ALL_SET)).1
}

fn unset() -> PathBuf {
    built_samples().join("lichuan/2019-09-30")
}

/// The words of one line of a page: those whose boxes share the first word's line,
/// left to right, joined.
fn line_of<'a>(page: &'a [Word], first: &Word) -> (String, Vec<&'a Word>) {
    let mut line: Vec<&Word> = page
        .iter()
        .filter(|w| w.y1.min(first.y1) - w.y0.max(first.y0) > 1.0)
        .collect();
    line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    (line.iter().map(|w| w.text.as_str()).collect(), line)
}

fn find<'a>(page: &'a [Word], starts: &str) -> Option<&'a Word> {
    page.iter().find(|w| w.text.starts_with(starts))
}

/// The pixels of page `n` (from 1) at 50 dpi, RGB, with the page's width and height.
fn pixels(pdf: &Path, n: usize) -> (Vec<[u8; 3]>, usize, usize) {
    let tmp = tempfile::tempdir().unwrap();
    let prefix = tmp.path().join("p");
    let page = n.to_string();
    let run = std::process::Command::new("pdftoppm")
        .args(["-r", "50", "-png", "-singlefile", "-f", &page, "-l", &page])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(run.status.success());
    let bytes = std::fs::read(prefix.with_extension("png")).unwrap();
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let rgb = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (rgb, info.width as usize, info.height as usize)
}

fn red(p: &[u8; 3]) -> bool {
    p[0] > 180 && p[1] < 90 && p[2] < 90
}

#[test]
fn the_letterhead_is_red_above_the_title_and_absent_when_unset() {
    let pdf = set().join("report.pdf");
    let pages = words(&pdf);
    let first = &pages[0];
    let mark = find(first, ISSUER_MARK).expect("the issuer's mark on page 1");
    let number = find(first, DOC_NUMBER).expect("the document number on page 1");
    let title = find(first, "关于2019年第三季度").expect("the title on page 1");
    assert!(
        mark.y1 < number.y0 && number.y1 < title.y0,
        "{mark:?} {number:?} {title:?}"
    );
    for w in [mark, number] {
        let centre = (w.x0 + w.x1) / 2.0;
        assert!((centre - CENTRE).abs() < 3.0, "not centred: {w:?}");
    }
    // GB/T 9704: the mark's top edge 35 mm under the text block's (37 mm from the top).
    assert!(mark.y0 > 60.0 * MM, "{mark:?}");
    // The mark is larger than the title.
    assert!(
        mark.y1 - mark.y0 > title.y1 - title.y0,
        "{mark:?} {title:?}"
    );

    // Red: the mark, and a rule as wide as the text block between the number and the title.
    let (rgb, width, height) = pixels(&pdf, 1);
    let scale = height as f64 / (297.0 * MM);
    let red_rows: Vec<usize> = (0..height)
        .filter(|&y| {
            rgb[y * width..(y + 1) * width]
                .iter()
                .filter(|p| red(p))
                .count()
                > 0
        })
        .collect();
    let in_mark = red_rows
        .iter()
        .filter(|&&y| (y as f64) >= mark.y0 * scale && (y as f64) <= mark.y1 * scale)
        .count();
    assert!(in_mark > 5, "the issuer's mark is not red");
    let rule = (0..height).find(|&y| {
        let row = &rgb[y * width..(y + 1) * width];
        row.iter().filter(|p| red(p)).count() as f64 >= 0.95 * 156.0 * MM * scale
    });
    let rule = rule.expect("a red rule as wide as the text block") as f64 / scale;
    assert!(number.y1 < rule && rule < title.y0, "rule at {rule}");

    // Unset: nothing of it, and nothing red on page 1.
    let plain = unset().join("report.pdf");
    let text = common::readable_text(&plain);
    assert!(
        !text.contains("文件\n") && !text.contains("〔2019〕"),
        "{text}"
    );
    let (rgb, _, _) = pixels(&plain, 1);
    assert_eq!(rgb.iter().filter(|p| red(p)).count(), 0, "red on page 1");
    let plain_title = find(&words(&plain)[0], "关于2019年第三季度").unwrap().y0;
    assert!(
        plain_title < title.y0 - 50.0 * MM,
        "the title starts the page as before"
    );
}

#[test]
fn recipients_stand_under_the_title_and_copy_to_ends_the_document_between_rules() {
    let pdf = set().join("report.pdf");
    let pages = words(&pdf);
    let first = &pages[0];
    let title = find(first, "整治情况的通报").expect("the title's last line");
    let to = find(first, "各乡镇党委").expect("主送 on page 1");
    let (line, _) = line_of(first, to);
    assert_eq!(line, "各乡镇党委、政府，市直各单位：");
    assert!(to.y0 > title.y1, "under the title");
    assert!((to.x0 - LEFT).abs() < 1.5, "flush left: {to:?}");
    let opening = find(first, "2019年4月30日以来").unwrap();
    assert!(opening.y0 > to.y1, "主送 comes before the opening");

    // 抄送 on the document's last page, after every annex (GB/T 9704: 附件 before 版记).
    let annexes: Vec<usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.first().is_some_and(|w| w.text.starts_with("附件")))
        .map(|(i, _)| i)
        .collect();
    assert!(annexes.len() >= 6, "{annexes:?}");
    let at = pages.len() - 1;
    assert!(at > *annexes.last().unwrap(), "after the last annex");
    let last = &pages[at];
    let copy = find(last, "抄送").expect("抄送 on the last page");
    let (line, _) = line_of(last, copy);
    assert_eq!(line, "抄送：市委办公室，市政府办公室。");
    assert!(
        pages[..at]
            .iter()
            .flatten()
            .all(|w| !w.text.contains("抄送")),
        "抄送 only once, at the end"
    );
    // At the page's foot: below it only the page number.
    assert!(
        last.iter()
            .filter(|w| w.y0 > copy.y1)
            .all(|w| w.text.contains('—') || w.text.chars().all(|c| c.is_ascii_digit())),
        "{last:?}"
    );
    // Its rules: dark rows across the text block's width above and below it.
    let (rgb, width, height) = pixels(&pdf, at + 1);
    let scale = height as f64 / (297.0 * MM);
    let rules: Vec<f64> = (0..height)
        .filter(|&y| {
            let row = &rgb[y * width..(y + 1) * width];
            row.iter().filter(|p| p.iter().all(|&c| c < 110)).count() as f64
                >= 0.95 * 156.0 * MM * scale
        })
        .map(|y| y as f64 / scale)
        .collect();
    assert!(
        rules.iter().any(|&y| y < copy.y0),
        "a rule above 抄送: {rules:?}"
    );
    assert!(
        rules.iter().any(|&y| y > copy.y1),
        "a rule under 抄送: {rules:?}"
    );

    // Unset: neither.
    let text = common::readable_text(&unset().join("report.pdf"));
    assert!(
        !text.contains("抄送") && !text.contains("各乡镇党委、政府，"),
        "{text}"
    );
}

#[test]
fn the_page_shows_the_same_parts_when_set_and_none_when_unset() {
    let select = |html: &Html, css: &str| -> Vec<String> {
        html.select(&Selector::parse(css).unwrap())
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    };
    let page = std::fs::read_to_string(set().join("index.html")).unwrap();
    let html = Html::parse_document(&page);
    assert_eq!(
        select(&html, "header .letterhead .issuer-mark"),
        [ISSUER_MARK]
    );
    assert_eq!(
        select(&html, "header .letterhead .doc-number"),
        [DOC_NUMBER]
    );
    assert_eq!(select(&html, "header .letterhead hr.red-rule").len(), 1);
    assert_eq!(
        select(&html, "p.recipients"),
        ["各乡镇党委、政府，市直各单位："]
    );
    assert_eq!(
        select(&html, ".colophon"),
        ["抄送：市委办公室，市政府办公室。"]
    );
    // The mark and its rule in red.
    assert!(page.contains("--red: #e60012"));

    let page = std::fs::read_to_string(unset().join("index.html")).unwrap();
    let html = Html::parse_document(&page);
    for css in [".letterhead", ".recipients", ".colophon"] {
        assert!(select(&html, css).is_empty(), "{css} when unset");
    }
}

#[test]
fn a_blank_or_control_character_setting_is_refused_or_left_out() {
    let (_tmp, report) = lichuan_with("[report]\nissuer_mark = \"  \"\ncopy_to = \"\"\n");
    let text = common::readable_text(&report.join("report.pdf"));
    assert!(!text.contains("抄送"));
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(!html.contains("class=\"letterhead\""));

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("lichuan");
    copy_dir(&repo().join("data/lichuan"), &dir);
    let toml = dir.join("campaign.toml");
    let text = std::fs::read_to_string(&toml).unwrap() + "\n[report]\ndoc_number = \"a\\u0007b\"\n";
    std::fs::write(&toml, text).unwrap();
    let run = jianfu(
        tmp.path(),
        &["build", dir.to_str().unwrap(), "--out", "out"],
    );
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("report.doc_number"), "{stderr}");
}

/// "1." of the 附件说明 (pdftotext may join it to "附件：" before it).
fn number(w: &Word) -> Option<&str> {
    let t = w.text.strip_prefix("附件：").unwrap_or(&w.text);
    let digits = t.strip_suffix('.')?;
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then_some(t)
}

/// The pages of a PDF that start an annex: (page index, annex number).
fn annex_starts(pages: &[Vec<Word>]) -> Vec<(usize, String)> {
    pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let first = p.first()?;
            let number = first.text.strip_prefix("附件")?;
            (!number.is_empty() && number.chars().all(|c| c.is_ascii_digit()))
                .then(|| (i, number.to_string()))
        })
        .collect()
}

#[test]
fn the_annex_note_lists_each_annex_and_each_annex_starts_a_page_under_its_number() {
    let pdf = unset().join("report.pdf");
    let pages = words(&pdf);
    let starts = annex_starts(&pages);
    let numbers: Vec<&str> = starts.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "5", "6"]);

    // 附件说明 on the body's last pages: "附件：" then "1." and each name, the names
    // aligned under the first, without the caption of the rows shown.
    let body = &pages[..starts[0].0];
    let (note_page, label) = body
        .iter()
        .enumerate()
        .find_map(|(i, p)| find(p, "附件：").map(|w| (i, w)))
        .expect("附件说明");
    assert!(
        (label.x0 - (LEFT + 2.0 * 16.0)).abs() < 1.5,
        "two characters in: {label:?}"
    );
    let items: Vec<(&Word, &Word)> = body[note_page..]
        .iter()
        .flat_map(|p| {
            p.iter().filter(|w| number(w).is_some()).map(move |n| {
                let name = p
                    .iter()
                    .filter(|w| (w.y0 - n.y0).abs() < 2.0 && w.x0 > n.x1)
                    .min_by(|a, b| a.x0.total_cmp(&b.x0))
                    .expect("a name after the number");
                (n, name)
            })
        })
        .collect();
    let listed: Vec<String> = items
        .iter()
        .map(|(n, w)| format!("{}{}", number(n).unwrap(), w.text))
        .collect();
    assert_eq!(
        listed,
        [
            "1.按单位统计的工作群清理情况",
            "2.按乡镇街道统计的工作群清理情况",
            "3.按层级统计的工作群清理情况",
            "4.按平台统计的工作群清理情况",
            "5.所在工作群最多的干部（化名）",
            "6.整改清单",
        ]
    );
    let x = items[0].1.x0;
    assert!(
        items.iter().all(|(_, w)| (w.x0 - x).abs() < 0.5),
        "names aligned: {items:?}"
    );
    assert!(items[0].0.x0 - label.x0 < 3.5 * 16.0, "1. follows 附件：");

    // Each annex: "附件N" flush left on the first line, its title centred under it.
    for (i, number) in &starts {
        let page = &pages[*i];
        let head = &page[0];
        assert_eq!(head.text, format!("附件{number}"));
        let title = page
            .iter()
            .find(|w| w.y0 > head.y1 + 10.0)
            .expect("a title under 附件N");
        let width = if page.iter().any(|w| w.x1 > 220.0 * MM) {
            243.0
        } else {
            156.0
        };
        let centre = (28.0 + width / 2.0) * MM;
        let (line, words) = line_of(page, title);
        let last = words.last().unwrap();
        // A closing bracket at the line's end is set half-width; its box is not.
        let trimmed = last.text.ends_with(['）', '》', '」']);
        let r = last.x1
            - if trimmed {
                (last.y1 - last.y0) / 2.0
            } else {
                0.0
            };
        let l = words[0].x0;
        assert!(
            ((l + r) / 2.0 - centre).abs() < 4.0,
            "{number}: {line} not centred"
        );
        // Not justified: a wrapped title's first line is not spread out character by
        // character (which pdftotext reads as words of one character).
        assert!(
            words.iter().all(|w| w.text.chars().count() > 1),
            "{number}: the title is spread across its line: {words:?}"
        );
        assert!(
            (head.x0 - LEFT).abs() < 1.5,
            "{number}: 附件N flush left: {head:?}"
        );
    }
}

#[test]
fn a_table_continued_on_the_next_page_repeats_its_header_under_continued() {
    let pdf = unset().join("report.pdf");
    let pages = words(&pdf);
    let starts = annex_starts(&pages);
    let mut continued = 0;
    for (k, (first, number)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(pages.len(), |(i, _)| *i);
        assert!(
            pages[*first].iter().all(|w| w.text != "续表"),
            "附件{number}'s first page"
        );
        // The header's labels, as its first page prints them under the title.
        let head: Vec<&str> = pages[*first]
            .iter()
            .skip_while(|w| w.text != "序号")
            .take(2)
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(head[0], "序号", "附件{number}");
        for page in &pages[first + 1..end] {
            assert_eq!(page[0].text, "续表", "附件{number} continued");
            assert!((page[0].x0 - LEFT).abs() < 1.5);
            let repeated: Vec<&str> = page[1..3].iter().map(|w| w.text.as_str()).collect();
            assert_eq!(
                repeated, head,
                "附件{number}: the header repeated under 续表"
            );
            continued += 1;
        }
    }
    // 附件1 (fifty units) runs onto a second page, 附件6 (142 rows) onto four more.
    assert!(continued >= 5, "{continued} continued pages");
}

#[test]
fn a_roll_up_or_a_comparison_never_takes_a_parts_letterhead() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("rolled");
    let zhuji = built_samples().join("zhuji/2019-06-30");
    let run = jianfu(
        tmp.path(),
        &[
            "rollup",
            set().to_str().unwrap(),
            zhuji.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--name",
            "两地汇总",
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let metrics = std::fs::read_to_string(out.join("metrics.json")).unwrap();
    let text = common::readable_text(&out.join("report.pdf"));
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    for shown in [&metrics, &text, &page] {
        for part in [
            ISSUER_MARK,
            DOC_NUMBER,
            "市委办公室，市政府办公室",
            "各乡镇党委、政府，",
        ] {
            assert!(!shown.contains(part), "the roll-up took {part}");
        }
    }
    for element in [
        "class=\"letterhead\"",
        "class=\"recipients\"",
        "class=\"colophon\"",
    ] {
        assert!(!page.contains(element), "the roll-up's page has {element}");
    }
    // A comparison of the campaign with another.
    let campaign = set()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("lichuan");
    let compared = tmp.path().join("compared");
    let run = jianfu(
        tmp.path(),
        &[
            "compare",
            campaign.to_str().unwrap(),
            repo().join("data/zhuji").to_str().unwrap(),
            "--out",
            compared.to_str().unwrap(),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = common::readable_text(&compared.join("report.pdf"));
    let page = std::fs::read_to_string(compared.join("index.html")).unwrap();
    for shown in [&text, &page] {
        for part in [
            ISSUER_MARK,
            DOC_NUMBER,
            "市委办公室，市政府办公室",
            "各乡镇党委、政府，",
        ] {
            assert!(!shown.contains(part), "the comparison took {part}");
        }
    }
    for file in files_under(&compared)
        .iter()
        .filter(|f| f.ends_with(".json"))
    {
        let json = std::fs::read_to_string(compared.join(file)).unwrap();
        assert!(!json.contains(ISSUER_MARK), "{file}");
    }
    // The part's own metrics.json keeps what it was issued with.
    let own = std::fs::read_to_string(set().join("metrics.json")).unwrap();
    assert!(own.contains(ISSUER_MARK));
}
