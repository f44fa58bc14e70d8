//! The privacy promise: no name or phone number from the inputs appears in any output
//! (JSON, HTML, SVG, XLSX cells, PDF text), nor the pseudonym key.

mod common;
use common::{Fixture, files_under, readable_text, repo};
use jianfu::load::grid::{Cell, read_grid};
use std::collections::BTreeSet;
use std::path::Path;

const KEY: &str = "secret-pseudonym-key-7f3a";

/// Headers of the columns that hold people: names, phones, owners, admins, operators.
const PERSONAL: [&str; 6] = ["姓名", "手机号", "群主", "管理员", "群管理员", "运维人员"];

/// Every personal value in a campaign's input files, read as the files hold them (load
/// does not even keep most of these columns): every name of two characters or more, every
/// phone number. A two-character name that is also part of the inputs' other text (a
/// group, unit or account named 周末小镇街亭 beside a cadre named 周末) is left out: the
/// report shows that text by right.
fn personal_values(campaign: &Path) -> BTreeSet<String> {
    let mut values = BTreeSet::new();
    let mut other_text = String::new();
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
                for (i, cell) in cells.iter().enumerate() {
                    let text = cell.display().trim().to_string();
                    if columns.contains(&i) {
                        values.insert(text);
                    } else {
                        other_text += &text;
                        other_text.push('\n');
                    }
                }
            }
        }
    }
    values.retain(|v| {
        let chars = v.chars().count();
        chars >= 3 || (chars == 2 && !other_text.contains(v.as_str()))
    });
    values
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
        let two = personal.iter().filter(|v| v.chars().count() == 2).count();
        assert!(
            two > 20,
            "{campaign}: only {two} two-character names checked"
        );
        let dir = out.path().join(campaign);
        let files = files_under(&dir);
        assert!(files.iter().any(|f| f.ends_with("report.pdf")));
        for file in files {
            let text = readable_text(&dir.join(&file));
            if file.ends_with("report.pdf") {
                // The check reads the PDF's text, not its compressed bytes.
                assert!(
                    text.contains("通报"),
                    "{campaign}: no text read from the PDF"
                );
            }
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

/// The forms clerks type numbers in, in a group's name, read by the CSV fast path and by
/// the workbook path: none may reach an output. Each form used to be printed in full.
#[test]
fn phone_and_id_numbers_in_every_form_are_masked_on_both_reading_paths() {
    let forms = [
        "138-1234-5678",
        "138 1234 5678",
        "Tel13812345678",
        "+86 13812345678",
        "0718-1234567",
        "420528900101123",
        "42052819900101123X",
    ];
    // No group names its 管理员: each is listed, by name, in the rectification lists.
    let mut csv = String::from("编号,群名称,单位,管理员\n");
    for (i, form) in forms.iter().enumerate() {
        csv += &format!("G{i},联络群（{form}）,U{i},\n");
    }
    for ext in ["csv", "xlsx"] {
        let f = Fixture::new();
        for date in ["2019-01-01", "2019-06-30"] {
            let csv = csv.clone();
            let bytes = if ext == "csv" {
                csv.into_bytes()
            } else {
                let mut book = rust_xlsxwriter::Workbook::new();
                let sheet = book.add_worksheet();
                for (r, line) in csv.lines().enumerate() {
                    for (c, cell) in line.split(',').enumerate().filter(|(_, c)| !c.is_empty()) {
                        sheet.write_string(r as u32, c as u16, cell).unwrap();
                    }
                }
                book.save_to_buffer().unwrap()
            };
            f.table(date, &format!("groups.{ext}"), bytes);
        }
        f.build();
        let dir = f.out().join("campaign/2019-06-30");
        let metrics = std::fs::read_to_string(dir.join("metrics.json")).unwrap();
        for masked in [
            "联络群（138-****-5678）",
            "联络群（Tel138****5678）",
            "联络群（+86 138****5678）",
            "联络群（0718-***4567）",
            "联络群（420********1123）",
            "联络群（420***********123X）",
        ] {
            assert!(metrics.contains(masked), "{ext}: no {masked} in {metrics}");
        }
        for file in files_under(&dir) {
            let text = readable_text(&dir.join(&file));
            // Without the separators, so 138 1234 5678 is seen whatever way it is spaced.
            let compact = text.replace([' ', '-', '+'], "");
            for form in forms {
                let digits: String = form.chars().filter(char::is_ascii_digit).collect();
                assert!(
                    !text.contains(form) && !compact.contains(&digits),
                    "{ext}: {file} shows {form}"
                );
            }
        }
    }
}

/// An id that is a phone number (some offices number groups by the owner's mobile): its
/// 合并至 matches it as written, and no output shows it in full. The merge target used to
/// be masked while the id was not, so the merge named no item and the load failed.
#[test]
fn an_id_shaped_like_a_phone_number_merges_and_is_never_printed_in_full() {
    let f = Fixture::new();
    f.table(
        "2019-01-01",
        "groups.csv",
        "编号,群名称,单位,管理员,状态,合并至\n13812345678,党建群,U1,,,\n15900001111,通知群,U1,张三,,\n",
    );
    f.table(
        "2019-06-30",
        "groups.csv",
        "编号,群名称,单位,管理员,状态,合并至\n13812345678,党建群,U1,,,\n15900001111,通知群,U1,张三,合并,13812345678\n",
    );
    let report = f.report();
    let groups = report.groups.as_ref().unwrap();
    assert_eq!((groups.totals.merged, groups.totals.retained), (1, 1));
    // 13812345678 has no admin: its breach names it, masked.
    let missing: Vec<_> = report
        .rules
        .breaches
        .iter()
        .filter(|b| b.rule == jianfu::model::RuleId::MissingAdmin)
        .map(|b| b.id.as_deref())
        .collect();
    assert_eq!(missing, [Some("138****5678")]);
    f.build();
    let dir = f.out().join("campaign/2019-06-30");
    for file in files_under(&dir) {
        let text = readable_text(&dir.join(&file));
        for id in ["13812345678", "15900001111"] {
            assert!(!text.contains(id), "{file} shows {id}");
        }
    }
}
