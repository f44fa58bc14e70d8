//! index.html and the chart SVGs, built by the real binary: the headline figures show, user
//! strings are escaped, the page is self-contained, and a real headless Chromium opens it
//! with every network request blocked, runs its script without error and paints it.

mod common;
use common::{Fixture, built_samples as built, files_under, jianfu, repo};
use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn lichuan() -> PathBuf {
    built().join("lichuan/2019-09-30")
}

fn page(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("index.html")).expect("index.html is written")
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

fn text(e: &scraper::ElementRef) -> String {
    e.text().collect::<String>()
}

#[test]
fn lichuan_page_shows_the_headline_figures() {
    let html = Html::parse_document(&page(&lichuan()));
    assert!(html.errors.is_empty(), "{:?}", html.errors);
    let root = select(&html, "html")[0];
    assert_eq!(root.value().attr("lang"), Some("zh-CN"));
    let h1 = text(&select(&html, "h1")[0]);
    assert!(h1.contains("利川市") && h1.contains("通报"), "{h1}");
    let cards: Vec<String> = select(&html, ".card").iter().map(text).collect();
    let card = cards
        .iter()
        .find(|c| c.contains("精简占比"))
        .expect("a reduction card");
    for figure in ["77.5%", "2000", "450"] {
        assert!(card.contains(figure), "{figure} not in {card}");
    }
    let sections: Vec<String> = select(&html, "h2").iter().map(text).collect();
    assert_eq!(
        sections,
        ["一、总体情况", "二、主要问题", "三、下一步工作", "附件"]
    );
    // Annex tables: column headers, numbers right-aligned with a sort value, a 合计 footer
    // on the statistics tables (the rectification list and the cadre list have none).
    let tables = select(&html, "table");
    assert!(!tables.is_empty());
    for table in &tables {
        let t = Html::parse_fragment(&table.html());
        assert!(!select(&t, "caption").is_empty());
        assert!(!select(&t, "thead th[scope=col]").is_empty());
        let caption = text(&select(&t, "caption")[0]);
        if caption.contains("统计的") {
            assert!(text(&select(&t, "tfoot")[0]).contains("合计"), "{caption}");
        }
        for td in select(&t, "tbody td.num") {
            let sort = td.value().attr("data-sort").expect("data-sort");
            assert!(sort.parse::<f64>().is_ok(), "{sort}");
        }
    }
    let total = text(&select(&html, "#groups_by_unit tfoot")[0]);
    assert!(
        total.contains("2000") && total.contains("450") && total.contains("77.5%"),
        "{total}"
    );
    // The issuer and date close the page.
    let issuer = text(&select(&html, "footer.issuer")[0]);
    assert!(
        issuer.contains("利川市纪委监委") && issuer.contains("2019年9月30日"),
        "{issuer}"
    );
}

#[test]
fn every_sample_page_is_self_contained_with_its_charts() {
    for dir in [
        lichuan(),
        built().join("zhuji/2019-06-30"),
        built().join("pingdingshan-gxq/2019-09-30"),
    ] {
        let source = page(&dir);
        let html = Html::parse_document(&source);
        for attr in ["src", "href"] {
            for e in select(&html, &format!("[{attr}]")) {
                let v = e.value().attr(attr).unwrap().to_ascii_lowercase();
                assert!(
                    !v.contains("http://") && !v.contains("https://") && !v.starts_with("//"),
                    "{attr}={v} in {}",
                    dir.display()
                );
            }
        }
        assert!(select(&html, "link[rel=stylesheet]").is_empty());
        assert!(select(&html, "script[src]").is_empty());
        assert!(!source.contains("@import") && !source.contains("url("));
        let figures = select(&html, "figure");
        assert!(
            figures.len() >= 3,
            "{} charts in {}",
            figures.len(),
            dir.display()
        );
        assert!(source.matches("<svg").count() >= 3);
        let files = files_under(&dir);
        for figure in &figures {
            let svg = Html::parse_fragment(&figure.html());
            let svg = select(&svg, "svg");
            let svg = svg.first().expect("a figure holds its svg");
            assert_eq!(svg.value().attr("role"), Some("img"));
            let label = svg.value().attr("aria-label").unwrap_or("");
            assert!(label.chars().count() > 10, "{label}");
            assert!(!select(&Html::parse_fragment(&figure.html()), "figcaption").is_empty());
            let id = figure.value().attr("id").unwrap();
            let file = format!("charts/{}.svg", id.strip_prefix("chart-").unwrap());
            assert!(files.contains(&file), "{file} missing in {files:?}");
            let standalone = std::fs::read_to_string(dir.join(&file)).unwrap();
            assert!(standalone.starts_with("<svg ") && standalone.contains("xmlns="));
            assert!(standalone.trim_end().ends_with("</svg>"));
        }
        // Every chart file is in the page too.
        let charts = files.iter().filter(|f| f.starts_with("charts/")).count();
        assert_eq!(charts, figures.len());
    }
    let lichuan_files = files_under(&lichuan());
    for id in [
        "groups_by_township",
        "groups_reduction_by_unit",
        "groups_dispositions",
        "burden_histogram",
        "trend",
    ] {
        assert!(
            lichuan_files.contains(&format!("charts/{id}.svg")),
            "{id}: {lichuan_files:?}"
        );
    }
}

#[test]
fn charts_name_the_cjk_font_stack_and_label_values() {
    let svg = std::fs::read_to_string(lichuan().join("charts/groups_by_township.svg")).unwrap();
    assert!(svg.contains("Noto Sans CJK SC"));
    // The largest township first, its counts at its bars' ends.
    assert!(
        svg.contains(">\n忠路镇\n</text>") && svg.contains(">\n147\n</text>"),
        "{svg}"
    );
    // Units above the townships (299 groups) are no bar among townships of at most 147;
    // the text alternative gives their figures.
    assert!(!svg.contains(">\n市直单位\n</text>"), "{svg}");
    let alt = Html::parse_fragment(&svg);
    let root = select(&alt, "svg")[0];
    let label = root.value().attr("aria-label").unwrap();
    assert!(
        label.contains("共2000个") && label.contains("另有市直单位299个减至51个"),
        "{label}"
    );
}

fn hostile_fixture() -> Fixture {
    let f = Fixture::new();
    f.file(
        "campaign.toml",
        "name = \"<b>测试</b>&活动\"\nregion = \"测试市\"\nauthority = \"测试市<i>纪委</i>\"\n",
    );
    let unit = "<script>alert(1)</script>";
    let rows = |closed: bool| {
        let mut s = String::from("编号,群名称,单位,状态\n");
        for i in 1..=4 {
            let status = if closed && i > 1 { "解散" } else { "正常" };
            s += &format!("G{i},\"群\"\"{i}\"\"<img src=x onerror=alert(2)>\",{unit},{status}\n");
        }
        s += "G9,另一个群,市委办,正常\n";
        s
    };
    f.table("2019-06-30", "工作群台账.csv", rows(false));
    f.table("2019-09-30", "工作群台账.csv", rows(true));
    f
}

#[test]
fn user_strings_are_escaped_in_the_page_and_in_the_charts() {
    let f = hostile_fixture();
    let run = jianfu(
        &repo(),
        &[
            "build",
            f.dir().to_str().unwrap(),
            "--out",
            f.out().to_str().unwrap(),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let dir = f.out().join("campaign/2019-09-30");
    let source = page(&dir);
    let html = Html::parse_document(&source);
    // The unit name reads as text, nowhere as an element.
    assert_eq!(
        select(&html, "script").len(),
        2,
        "only the page's own scripts"
    );
    assert!(select(&html, "b, i, img").is_empty());
    assert!(!source.contains("<script>alert"));
    let cells: Vec<String> = select(&html, "#groups_by_unit tbody td")
        .iter()
        .map(text)
        .collect();
    assert!(
        cells.iter().any(|c| c == "<script>alert(1)</script>"),
        "{cells:?}"
    );
    assert!(text(&select(&html, "h1")[0]).contains("<b>测试</b>&活动"));
    // Inside the chart, too: plotters escapes the label and its tooltip.
    let svg = std::fs::read_to_string(dir.join("charts/groups_reduction_by_unit.svg")).unwrap();
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;"), "{svg}");
    let figure = select(&html, "#chart-groups_reduction_by_unit")[0];
    assert!(text(&figure).contains("<script>alert(1)</script>"));
}

#[test]
fn a_custom_template_replaces_the_default() {
    let f = hostile_fixture();
    let templates = f.root.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("report.html"),
        "<p>{{ view.title }}|{{ charts | length }}</p>",
    )
    .unwrap();
    let run = jianfu(
        &repo(),
        &[
            "build",
            f.dir().to_str().unwrap(),
            "--out",
            f.out().to_str().unwrap(),
            "--templates",
            templates.to_str().unwrap(),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let source = page(&f.out().join("campaign/2019-09-30"));
    assert!(
        source.starts_with("<p>关于") && source.contains("&lt;b&gt;"),
        "{source}"
    );
}

// ---- Chromium ----

const CHROMIUM: &str = "/usr/bin/chromium";

/// Runs headless Chromium on `page` with every non-file request blocked; returns stdout and
/// stderr. Fails the test when Chromium is missing: CI installs it.
fn chromium(page: &Path, profile: &Path, extra: &[&str]) -> (String, String) {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is not installed: the HTML test needs Debian's chromium package (apt-get install chromium)"
    );
    let url = format!("file://{}", page.display());
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-dev-shm-usage",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (out.join().unwrap(), err.join().unwrap())
}

/// Chromium logs every console message, whatever its level, as an INFO line tagged
/// CONSOLE (`[...:INFO:CONSOLE:1] "Uncaught Error: ...", source: ...`). The page logs
/// nothing on purpose, so any such line is a failure.
fn console_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

#[test]
fn chromium_runs_the_page_offline_and_paints_it() {
    let dir = lichuan();
    let page = dir.join("index.html");
    let profile = tempfile::tempdir().unwrap();

    let (dom, stderr) = chromium(&page, profile.path(), &["--dump-dom"]);
    let html = Html::parse_document(&dom);
    let root = select(&html, "html")[0];
    assert_eq!(
        root.value().attr("data-ready"),
        Some("1"),
        "the page's script did not run to its end; stderr:\n{stderr}"
    );
    assert_eq!(root.value().attr("data-script-error"), None);
    let errors = console_errors(&stderr);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    assert!(select(&html, "figure svg").len() >= 3);
    // The script turned every header into a sort button.
    assert!(!select(&html, "th[scope=col] > button").is_empty());

    let shot = profile.path().join("page.png");
    let (_, stderr) = chromium(
        &page,
        profile.path(),
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000",
        ],
    );
    let errors = console_errors(&stderr);
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    let bytes =
        std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot ({e}); stderr:\n{stderr}"));
    if let Ok(keep) = std::env::var("JIANFU_SCREENSHOT") {
        std::fs::write(keep, &bytes).unwrap();
    }
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1280, 2000));
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let first = pixels[0];
    let differing = pixels.iter().filter(|p| p[..3] != first[..3]).count();
    assert!(
        differing > pixels.len() / 100,
        "the screenshot is (nearly) one flat colour: {differing} of {} pixels differ",
        pixels.len()
    );
    // Some ink: dark pixels of text.
    let dark = pixels
        .iter()
        .filter(|p| u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]) < 200)
        .count();
    assert!(dark > 1000, "{dark} dark pixels");
}

#[test]
fn rounding_and_precision_follow_the_campaign_settings() {
    // 1 of 8 groups closed: exactly 12.5%, a half at zero decimals.
    let page = |settings: &str| {
        let f = Fixture::new();
        f.file("campaign.toml", format!("name = \"测试\"\n{settings}"));
        let eight: String = (1..=8).map(|g| format!("G{g}\n")).collect();
        f.table("2019-01-01", "groups.csv", format!("编号\n{eight}"));
        f.table(
            "2019-06-30",
            "groups.csv",
            format!("编号,状态\n{eight}").replace("G8\n", "G8,解散\n"),
        );
        let out = f.out();
        f.build();
        std::fs::read_to_string(out.join("campaign/2019-06-30/index.html")).unwrap()
    };
    assert!(page("").contains("精简占比达12.5%"));
    assert!(page("[report]\ndecimals = 0\n").contains("精简占比达12%"));
    assert!(page("[report]\ndecimals = 0\nrounding = \"half-up\"\n").contains("精简占比达13%"));
}

/// What the page looks like at `width` CSS pixels, measured in Chromium by a script added
/// to a copy of the page: the page's own width and scroll width, every table, figure and
/// card that is wider than its box (scroll boxes of their own excepted when `scrolls`),
/// and the smallest chart text as drawn. The copy is shown in a frame of that width (a
/// headless window is never narrower than 500 px), which is told the measures.
fn measured_at(page: &Path, width: u32) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("index.html");
    let html = std::fs::read_to_string(page).unwrap();
    let probe = r#"<script>
window.addEventListener("load", () => {
  const wide = [];
  for (const el of document.querySelectorAll(".table-wrap, figure, .card, table, svg")) {
    const box = el.getBoundingClientRect();
    const own = el.matches(".table-wrap") && el.getAttribute("aria-label");
    const parent = el.parentElement.getBoundingClientRect();
    if (own && el.scrollWidth > el.clientWidth + 1) wide.push({scrolls: el.className, label: own});
    else if (box.right > parent.right + 1 && !el.closest(".table-wrap"))
      wide.push({past: el.tagName + "." + el.className, right: box.right, parent: parent.right});
  }
  // The narrowest text cell holding four characters or more, in characters.
  let narrowest = 1e9;
  for (const td of document.querySelectorAll("td:not(.num):not(:first-child)")) {
    if (td.textContent.trim().length < 4) continue;
    narrowest = Math.min(narrowest, td.clientWidth / parseFloat(getComputedStyle(td).fontSize));
  }
  let smallest = 1e9;
  let shown = 0;
  for (const svg of document.querySelectorAll("figure svg")) {
    // Each chart is drawn wide and narrow; the screen's width shows one.
    if (svg.getBoundingClientRect().width === 0) continue;
    shown += 1;
    const view = svg.viewBox.baseVal;
    const scale = view && view.width ? svg.getBoundingClientRect().width / view.width : 1;
    for (const t of svg.querySelectorAll("text")) {
      smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * scale);
    }
  }
  parent.postMessage(JSON.stringify({
    width: window.innerWidth,
    scroll: document.documentElement.scrollWidth,
    wide: wide,
    smallest: smallest,
    shown: shown,
    narrowest: narrowest,
    figures: document.querySelectorAll("figure").length,
  }), "*");
});
</script></body>"#;
    std::fs::write(&copy, html.replacen("</body>", probe, 1)).unwrap();
    let host = dir.path().join("host.html");
    std::fs::write(
        &host,
        format!(
            r#"<!doctype html><html><body style="margin:0">
<iframe src="index.html" style="width:{width}px;height:900px;border:0"></iframe>
<script>window.addEventListener("message", e => {{ document.documentElement.dataset.layout = e.data; }});</script>
</body></html>"#
        ),
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let (dom, stderr) = chromium(
        &host,
        profile.path(),
        &["--dump-dom", &format!("--window-size={},1000", width + 100)],
    );
    let parsed = Html::parse_document(&dom);
    let root = select(&parsed, "html")[0];
    let layout = root
        .value()
        .attr("data-layout")
        .unwrap_or_else(|| panic!("the probe did not run; stderr:\n{stderr}"));
    serde_json::from_str(layout).unwrap()
}

#[test]
fn nothing_runs_past_its_box_on_a_desktop_or_a_phone() {
    let out = built();
    for campaign in ["lichuan", "zhuji", "pingdingshan-gxq"] {
        for report in std::fs::read_dir(out.join(campaign)).unwrap().flatten() {
            let page = report.path().join("index.html");
            for width in [1280, 390] {
                let m = measured_at(&page, width);
                assert_eq!(
                    m["scroll"], m["width"],
                    "{campaign} at {width}: the page scrolls sideways"
                );
                // One drawing of each chart is shown, the one for the screen's width.
                assert_eq!(m["shown"], m["figures"], "{campaign} at {width}");
                for w in m["wide"].as_array().unwrap() {
                    // At a desktop's width nothing scrolls; on a phone a table may scroll in
                    // a labelled box of its own, and no chart does.
                    assert!(
                        width == 390 && w.get("scrolls").is_some(),
                        "{campaign} at {width}: {w}"
                    );
                }
                // A name in a table never runs down its cell a character a line.
                let narrowest = m["narrowest"].as_f64().unwrap();
                assert!(
                    narrowest >= 4.0,
                    "{campaign} at {width}: a text cell {narrowest} characters wide"
                );
                if width == 390 {
                    let smallest = m["smallest"].as_f64().unwrap();
                    assert!(
                        smallest >= 11.0,
                        "{campaign}: chart text {smallest} px on a phone"
                    );
                }
            }
        }
    }
}

/// The text of each page of a PDF, through `pdftotext -layout`.
fn pdf_pages(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

#[test]
fn the_page_prints_on_a4_with_each_annex_on_new_pages_under_its_header() {
    let page = lichuan().join("index.html");
    let profile = tempfile::tempdir().unwrap();
    let pdf = profile.path().join("printed.pdf");
    let (_, stderr) = chromium(
        &page,
        profile.path(),
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
        ],
    );
    assert!(pdf.exists(), "chromium printed nothing; stderr:\n{stderr}");
    let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("(A4)"), "not A4:\n{info}");

    let pages = pdf_pages(&pdf);
    let html = Html::parse_document(&std::fs::read_to_string(&page).unwrap());
    let captions: Vec<String> = select(&html, "section.annex caption")
        .iter()
        .map(text)
        .collect();
    assert_eq!(captions.len(), 6);
    let first_line = |p: &str| {
        p.lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let mut spans = Vec::new();
    for caption in &captions {
        let label = caption.split(' ').next().unwrap();
        // Its caption opens a page of its own.
        let start = pages
            .iter()
            .position(|p| first_line(p).starts_with(&format!("{label} ")))
            .unwrap_or_else(|| panic!("{label} does not start a page"));
        spans.push(start);
    }
    // Every page an annex table runs over shows its header row: 序号 and the last column's
    // label, before any row.
    let signed = pages
        .iter()
        .rposition(|p| p.contains("利川市纪委监委"))
        .unwrap();
    for (k, start) in spans.iter().enumerate() {
        let end = spans.get(k + 1).copied().unwrap_or(signed + 1);
        for (n, p) in pages.iter().enumerate().take(end).skip(*start) {
            let head = p
                .lines()
                .find(|l| l.contains("序号"))
                .unwrap_or_else(|| panic!("page {}: no header row:\n{p}", n + 1));
            let row = p.lines().position(|l| {
                l.trim_start().starts_with("1 ") || l.trim_start().starts_with(char::is_numeric)
            });
            let head_at = p.lines().position(|l| l == head).unwrap();
            assert!(
                row.is_none_or(|r| r > head_at),
                "page {}: rows above the header",
                n + 1
            );
        }
    }
    // 附件1's fifty rows and 附件6's 142 take more than a page each.
    assert!(spans[1] - spans[0] >= 2, "{spans:?}");
    assert!(signed - spans[5] >= 1, "{spans:?}");
}
