//! report.pdf, built by the real binary and checked with poppler's tools (pdftotext,
//! pdffonts, pdftoppm), which must be installed: CI installs poppler-utils and
//! fonts-noto-cjk, and a missing tool fails these tests rather than skipping them.

mod common;
use common::{Fixture, jianfu, repo};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs a poppler tool; a missing tool is a failure with the fix in the message.
fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run {tool} ({e}): install poppler-utils (apt-get install poppler-utils)")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn text_of(pdf: &Path) -> String {
    poppler("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

/// The 利川 sample built once into a temp dir shared by this file's tests.
fn lichuan() -> &'static Path {
    static OUT: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    OUT.get_or_init(|| build_lichuan(&[])).path()
}

fn build_lichuan(extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let campaign = repo().join("data/lichuan");
    let mut args = vec![
        "build",
        campaign.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = jianfu(&repo(), &args);
    assert!(
        run.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    out
}

fn pdf_in(out: &Path) -> PathBuf {
    out.join("lichuan/2019-09-30/report.pdf")
}

#[test]
fn the_pdf_says_the_campaign_and_its_headline_figures_in_chinese() {
    let text = text_of(&pdf_in(lichuan()));
    // pdftotext may break lines anywhere; compare without whitespace.
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for wanted in [
        "利川市微信工作群清理整治",
        "从2000个精简到450个",
        "77.5%",
        "一、总体情况",
        "二、主要问题",
        "三、下一步工作",
        "利川市纪委监委",
        "2019年9月30日",
        "合计",
    ] {
        assert!(
            flat.contains(wanted),
            "{wanted} not in the PDF's text:\n{text}"
        );
    }
    // Page numbers as official documents print them.
    assert!(flat.contains("—1—"), "no page number — 1 —:\n{text}");
}

#[test]
fn every_font_is_embedded_and_a_simplified_chinese_one_is_used() {
    let fonts = poppler("pdffonts", &[pdf_in(lichuan()).to_str().unwrap()]);
    let rows: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!rows.is_empty(), "no fonts listed:\n{fonts}");
    for row in &rows {
        // Columns: name, type (may hold spaces), encoding, emb, sub, uni, object ID (two
        // numbers). Long names overflow their column, so count from the right.
        let fields: Vec<&str> = row.split_whitespace().collect();
        assert!(fields.len() >= 7, "unexpected pdffonts row {row:?}");
        assert_eq!(
            fields[fields.len() - 5],
            "yes",
            "a font is not embedded:\n{fonts}"
        );
    }
    // Noto's faces are named like NotoSerifCJKsc-Regular; Source Han's SourceHanSerifSC.
    let names: Vec<String> = rows
        .iter()
        .map(|r| r.split_whitespace().next().unwrap_or("").to_uppercase())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.contains("CJKSC") || n.contains("SC-")),
        "no Simplified Chinese (SC) font:\n{fonts}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.contains("CJKJP") || n.contains("JP-")),
        "a Japanese face is used:\n{fonts}"
    );
}

#[test]
fn the_first_page_is_not_blank() {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("page");
    poppler(
        "pdftoppm",
        &[
            "-r",
            "50",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf_in(lichuan()).to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let png = std::fs::read(dir.path().join("page.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    // A blank A4 page at 50 dpi compresses to well under 2 KB; a page of text does not.
    assert!(
        png.len() > 8_000,
        "first page looks blank ({} bytes)",
        png.len()
    );
}

#[test]
fn two_builds_give_the_same_pdf_bytes() {
    let again = build_lichuan(&[]);
    assert!(
        std::fs::read(pdf_in(lichuan())).unwrap() == std::fs::read(pdf_in(again.path())).unwrap(),
        "report.pdf differs between two builds"
    );
}

#[test]
fn pdf_a_is_written_on_request() {
    let out = build_lichuan(&["--pdf-a"]);
    let bytes = std::fs::read(pdf_in(out.path())).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"),
        "no PDF/A-2b identification in the XMP metadata"
    );
    // The default build is not PDF/A.
    let plain = String::from_utf8_lossy(&std::fs::read(pdf_in(lichuan())).unwrap()).into_owned();
    assert!(!plain.contains("pdfaid:part"));
}

/// A small campaign whose unit names are markup in typst and HTML.
fn hostile_fixture() -> Fixture {
    let f = Fixture::new();
    let csv = "编号,群名称,单位,状态\n\
               1,甲群,#set text(red),正常\n\
               2,乙群,<script>alert(1)</script>,正常\n\
               3,丙群,=1+1,正常\n\
               4,丁群,$x^2$ *粗* _斜_ @ref,正常\n";
    let after = "编号,群名称,单位,状态\n\
                 1,甲群,#set text(red),解散\n\
                 2,乙群,<script>alert(1)</script>,正常\n\
                 3,丙群,=1+1,正常\n\
                 4,丁群,$x^2$ *粗* _斜_ @ref,合并\n";
    f.table("2019-04-30", "groups.csv", csv);
    f.table("2019-09-30", "groups.csv", after);
    f
}

#[test]
fn unit_names_that_look_like_markup_are_printed_literally() {
    let f = hostile_fixture();
    f.build();
    let pdf = f.out().join("campaign/2019-09-30/report.pdf");
    let flat: String = text_of(&pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for name in [
        "#settext(red)",
        "<script>alert(1)</script>",
        "=1+1",
        "$x^2$*粗*_斜_@ref",
    ] {
        assert!(flat.contains(name), "{name} not printed literally:\n{flat}");
    }
}

#[test]
fn without_a_chinese_font_the_pdf_fails_clearly_and_the_rest_is_written() {
    let f = hostile_fixture();
    let empty = f.root.path().join("no-fonts");
    std::fs::create_dir_all(&empty).unwrap();
    let args = |lang: &'static str| {
        vec![
            "--lang".to_string(),
            lang.to_string(),
            "build".into(),
            f.dir().to_str().unwrap().into(),
            "--out".into(),
            f.out().to_str().unwrap().into(),
            "--font-dir".into(),
            empty.to_str().unwrap().into(),
            "--no-system-fonts".into(),
        ]
    };
    for (lang, words) in [("zh", "中文字体"), ("en", "Chinese")] {
        let a = args(lang);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let run = jianfu(f.root.path(), &a);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "the build should fail without fonts");
        assert!(stderr.contains("fonts-noto-cjk"), "{stderr}");
        assert!(stderr.contains("--font-dir"), "{stderr}");
        assert!(stderr.contains(words), "{stderr}");
        assert!(stderr.contains("report.pdf"), "{stderr}");
        let dir = f.out().join("campaign/2019-09-30");
        assert!(!dir.join("report.pdf").exists());
        // Every other output is there (index.html too, once the HTML renderer is in).
        for file in ["metrics.json", "manifest.json", "tables.xlsx"] {
            assert!(
                dir.join(file).is_file(),
                "{file} missing after the PDF failed"
            );
        }
    }
}

#[test]
fn a_font_dir_alone_is_enough() {
    // The system's Noto CJK folder given as --font-dir, system fonts off: the PDF builds.
    let noto = Path::new("/usr/share/fonts/opentype/noto");
    assert!(
        noto.is_dir(),
        "{} missing: install fonts-noto-cjk",
        noto.display()
    );
    let out = build_lichuan(&["--no-system-fonts", "--font-dir", noto.to_str().unwrap()]);
    assert!(pdf_in(out.path()).is_file());
}

#[test]
fn a_template_in_the_templates_folder_replaces_the_built_in_one() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("report.typ"),
        "#let view = json(\"view.json\")\n#set text(font: json(\"meta.json\").fonts.body)\n自定义模板：#view.campaign_name\n",
    )
    .unwrap();
    let out = build_lichuan(&["--templates", templates.path().to_str().unwrap()]);
    let text = text_of(&pdf_in(out.path()));
    assert!(
        text.contains("自定义模板：利川市微信工作群清理整治"),
        "{text}"
    );
}

#[test]
fn an_error_in_a_custom_template_names_its_line() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("report.typ"),
        "#let view = json(\"view.json\")\n\n#view.no_such_field\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let campaign = repo().join("data/lichuan");
    let run = jianfu(
        &repo(),
        &[
            "--lang",
            "en",
            "build",
            campaign.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--templates",
            templates.path().to_str().unwrap(),
        ],
    );
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("report.pdf: cannot render: report.typ line 3: "),
        "{stderr}"
    );
}

/// A chart as render::charts will hand it over: a standalone SVG with Chinese text.
fn chart() -> jianfu::render::Chart {
    jianfu::render::Chart {
        id: "groups_trend".into(),
        title: "各快照在用工作群数量".into(),
        alt: "在用工作群由2000个降至450个".into(),
        svg: r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200">
  <rect x="40" y="20" width="120" height="150" fill="#c0392b"/>
  <rect x="240" y="136" width="120" height="34" fill="#2980b9"/>
  <text x="100" y="190" font-size="14" text-anchor="middle">清理前</text>
  <text x="300" y="190" font-size="14" text-anchor="middle">清理后</text>
</svg>"##
            .into(),
        // Only the HTML page shows the narrow drawing.
        narrow: String::new(),
    }
}

#[test]
fn charts_are_laid_out_with_their_titles_and_their_text() {
    let inventory =
        jianfu::load::load_campaign(&repo().join("data/lichuan"), jianfu::load::Scope::Latest)
            .unwrap_or_else(|_| panic!("the lichuan sample loads"));
    let report = jianfu::analyse::analyse(&inventory).unwrap();
    let view = jianfu::present::view::view(&report);
    let output = jianfu::render::pdf::render_pdf(
        &view,
        &[chart()],
        &jianfu::config::RenderOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{:?}", e.lines(jianfu::lang::Lang::En)));
    assert_eq!(output.path, "report.pdf");
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&pdf, &output.bytes).unwrap();
    // JIANFU_KEEP_PDF=path keeps this PDF for looking at it.
    if let Some(keep) = std::env::var_os("JIANFU_KEEP_PDF") {
        std::fs::write(keep, &output.bytes).unwrap();
    }
    let flat: String = text_of(&pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for wanted in ["各快照在用工作群数量", "清理前", "清理后"] {
        assert!(flat.contains(wanted), "{wanted} not in the PDF:\n{flat}");
    }
    // The signature is never split from its date.
    assert!(flat.contains("利川市纪委监委2019年9月30日"), "{flat}");
    // The chart's own text (no font-family in the SVG) is not set in a Japanese face.
    let fonts = poppler("pdffonts", &[pdf.to_str().unwrap()]).to_uppercase();
    assert!(!fonts.contains("CJKJP"), "{fonts}");
}

#[test]
fn campaign_toml_font_dirs_are_relative_to_the_campaign() {
    let f = hostile_fixture();
    f.file(
        "campaign.toml",
        "name = \"测试活动\"\nauthority = \"测试市纪委监委\"\nfont_dirs = [\"fonts\"]\n",
    );
    let noto = Path::new("/usr/share/fonts/opentype/noto");
    assert!(
        noto.is_dir(),
        "{} missing: install fonts-noto-cjk",
        noto.display()
    );
    std::os::unix::fs::symlink(noto, f.dir().join("fonts")).unwrap();
    let run = jianfu(
        f.root.path(),
        &[
            "build",
            f.dir().to_str().unwrap(),
            "--out",
            f.out().to_str().unwrap(),
            "--no-system-fonts",
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(f.out().join("campaign/2019-09-30/report.pdf").is_file());
}
