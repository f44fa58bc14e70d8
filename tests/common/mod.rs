//! Building small campaign folders on disk for tests, and running the real binary.
#![allow(dead_code)] // each test file uses a different part of this module

use std::path::{Path, PathBuf};
use std::process::Output;

/// A campaign folder in a temporary directory.
pub struct Fixture {
    pub root: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        let fixture = Fixture {
            root: tempfile::tempdir().expect("temp dir"),
        };
        fixture.file(
            "campaign.toml",
            "name = \"测试活动\"\nregion = \"测试市\"\nauthority = \"测试市纪委监委\"\n",
        );
        fixture
    }

    pub fn dir(&self) -> PathBuf {
        self.root.path().join("campaign")
    }

    /// Writes a file relative to the campaign folder.
    pub fn file(&self, relative: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Writes a snapshot table as UTF-8 CSV.
    pub fn table(&self, date: &str, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        self.file(&format!("snapshots/{date}/{name}"), content)
    }

    pub fn out(&self) -> PathBuf {
        self.root.path().join("out")
    }

    /// Builds the campaign into `out()` with the real binary; the build must succeed.
    pub fn build(&self) {
        let run = jianfu(
            self.root.path(),
            &[
                "build",
                self.dir().to_str().unwrap(),
                "--out",
                self.out().to_str().unwrap(),
            ],
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }

    pub fn report(&self) -> jianfu::model::Report {
        let inventory = jianfu::load::load_campaign(&self.dir(), jianfu::load::Scope::Latest)
            .unwrap_or_else(|problems| {
                panic!(
                    "load failed: {:#?}",
                    problems
                        .iter()
                        .map(|p| p.message(jianfu::lang::Lang::En))
                        .collect::<Vec<_>>()
                )
            });
        let mut report = jianfu::analyse::analyse(&inventory).expect("analyse");
        // As a build does before writing metrics.json.
        jianfu::present::findings::describe_all(&mut report);
        report
    }

    /// Problems of loading, as English messages.
    pub fn problems(&self) -> Vec<String> {
        match jianfu::load::load_campaign(&self.dir(), jianfu::load::Scope::Latest) {
            Ok(_) => vec![],
            Err(problems) => problems
                .iter()
                .map(|p| p.message(jianfu::lang::Lang::En))
                .collect(),
        }
    }
}

/// The repository, where data/ holds the sample campaigns.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every sample campaign built once, by the real binary, into a temp dir shared by the
/// tests of one test file.
pub fn built_samples() -> &'static Path {
    static OUT: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let run = jianfu(&repo(), &["build", "--out", out.path().to_str().unwrap()]);
        assert!(
            run.status.success(),
            "build failed: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        out
    })
    .path()
}

/// The binary under test: `JIANFU_BIN` when set (a copy taken right after the build, where
/// a shared target folder may be rebuilt by others meanwhile), else cargo's.
pub fn binary() -> PathBuf {
    std::env::var_os("JIANFU_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_jianfu")))
}

/// Runs the real binary with `args` in `cwd`.
pub fn jianfu(cwd: &Path, args: &[&str]) -> Output {
    std::process::Command::new(binary())
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run jianfu")
}

/// Every file under `dir`, relative, sorted.
pub fn files_under(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                out.push(
                    path.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

/// The text a reader of an output file can see: a PDF through pdftotext (its streams are
/// compressed, so its bytes say nothing), a workbook's cells, any other file as text.
pub fn readable_text(file: &Path) -> String {
    match file.extension().and_then(|e| e.to_str()) {
        Some("pdf") => {
            let out = std::process::Command::new("pdftotext")
                .args(["-enc", "UTF-8"])
                .arg(file)
                .arg("-")
                .output()
                .expect("pdftotext (poppler-utils) is needed: apt-get install poppler-utils");
            assert!(
                out.status.success(),
                "pdftotext failed on {}",
                file.display()
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
        Some("xlsx") => {
            use calamine::{Reader, open_workbook_auto};
            let mut book = open_workbook_auto(file).unwrap();
            let mut text = String::new();
            for name in book.sheet_names() {
                text += &name;
                text.push('\n');
                let range = book.worksheet_range(&name).unwrap();
                for row in range.rows() {
                    for cell in row {
                        text += &cell.to_string();
                        text.push('\t');
                    }
                    text.push('\n');
                }
            }
            text
        }
        _ => String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned(),
    }
}

/// A word of a PDF page and its box.
#[derive(Debug)]
pub struct Word {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

/// Every word of every page of a PDF, with its box in points from the top left, through
/// poppler's `pdftotext -bbox`.
pub fn words(pdf: &Path) -> Vec<Vec<Word>> {
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
