//! The privacy promise: no name or phone number from the inputs appears in any output
//! (JSON, HTML, SVG, XLSX cells, PDF text), nor the pseudonym key.

mod common;
use common::{files_under, repo};
use jianfu::load::grid::{Cell, read_grid};
use std::collections::BTreeSet;
use std::path::Path;

const KEY: &str = "secret-pseudonym-key-7f3a";

/// Headers of the columns that hold people: names, phones, owners, admins, operators.
const PERSONAL: [&str; 6] = ["姓名", "手机号", "群主", "管理员", "群管理员", "运维人员"];

/// Every personal value in a campaign's input files, read as the files hold them (load
/// does not even keep most of these columns).
fn personal_values(campaign: &Path) -> BTreeSet<String> {
    let mut values = BTreeSet::new();
    for snapshot in std::fs::read_dir(campaign.join("snapshots")).unwrap() {
        for file in std::fs::read_dir(snapshot.unwrap().path()).unwrap() {
            let grid = read_grid(&file.unwrap().path(), None, &[]).unwrap();
            let is_personal = |c: &Cell| PERSONAL.contains(&c.display().trim());
            let Some(header) = grid
                .rows
                .iter()
                .position(|(_, cells)| cells.iter().any(is_personal))
            else {
                continue;
            };
            let columns: Vec<usize> = (0..grid.rows[header].1.len())
                .filter(|&i| is_personal(&grid.rows[header].1[i]))
                .collect();
            for (_, cells) in &grid.rows[header + 1..] {
                values.extend(
                    columns
                        .iter()
                        .filter_map(|&i| cells.get(i))
                        .map(|c| c.display().trim().to_string()),
                );
            }
        }
    }
    // Two-character names also occur as ordinary words (周末, 新建); three and more, and
    // every phone number, must never appear.
    values.retain(|v| v.chars().count() >= 3);
    values
}

/// The text a reader of each output file can see.
fn readable_text(file: &Path) -> String {
    match file.extension().and_then(|e| e.to_str()) {
        Some("pdf") => {
            let out = std::process::Command::new("pdftotext")
                .arg(file)
                .arg("-")
                .output()
                .expect("pdftotext (poppler-utils) is needed: apt-get install poppler-utils");
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
        Some("xlsx") => {
            use calamine::{Reader, open_workbook_auto};
            let mut book = open_workbook_auto(file).unwrap();
            let mut text = String::new();
            for name in book.sheet_names() {
                let range = book.worksheet_range(&name).unwrap();
                for row in range.rows() {
                    for cell in row {
                        text += &cell.to_string();
                        text.push('\t');
                    }
                }
            }
            text
        }
        _ => String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned(),
    }
}

#[test]
fn no_name_phone_or_key_in_any_output() {
    let out = tempfile::tempdir().unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_jianfu"))
        .args(["build", "--out", out.path().to_str().unwrap()])
        .current_dir(repo())
        .env("JIANFU_PSEUDONYM_KEY", KEY)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut checked = 0;
    for campaign in ["lichuan", "zhuji", "pingdingshan-gxq"] {
        let personal = personal_values(&repo().join("data").join(campaign));
        assert!(
            personal.len() > 20,
            "{campaign}: the sample should hold personal data"
        );
        let dir = out.path().join(campaign);
        let files = files_under(&dir);
        assert!(files.iter().any(|f| f.ends_with("report.pdf")));
        for file in files {
            let text = readable_text(&dir.join(&file));
            assert!(
                !text.contains(KEY),
                "{campaign}/{file} holds the pseudonym key"
            );
            for value in &personal {
                assert!(
                    !text.contains(value.as_str()),
                    "{campaign}/{file} shows {value:?}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 3 * 6, "{checked} files checked");
}
