//! Every kind of bad input gives a message naming the file, row, header as written,
//! value and what was expected — and the real binary exits non-zero writing nothing.

mod common;
use common::{Fixture, files_under, jianfu};

const GOOD: &str = "编号,群名称,成员数,状态\nG1,党建群,10,\nG2,通知群,5,\n";

fn with_current(current: &str) -> Fixture {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", GOOD);
    f.table("2019-06-30", "groups.csv", current);
    f
}

fn assert_problem(f: &Fixture, expected: &[&str]) {
    let problems = f.problems();
    assert!(
        problems
            .iter()
            .any(|p| expected.iter().all(|e| p.contains(e))),
        "no problem contains all of {expected:?}; got {problems:#?}"
    );
}

#[test]
fn an_unreadable_count() {
    let f = with_current("编号,群名称,成员数,状态\nG1,党建群,十个,\n");
    assert_problem(
        &f,
        &[
            "2019-06-30/groups.csv, row 2, column '成员数', value '十个'",
            "expected a whole number ≥ 0",
        ],
    );
}

#[test]
fn an_unreadable_date_in_a_workbook_names_the_spreadsheet_row() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", GOOD);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "测试台账").unwrap();
    for (c, h) in ["编号", "建群日期"].iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    sheet.write_string(3, 0, "G1").unwrap();
    sheet.write_string(3, 1, "2019-02-30").unwrap();
    f.table("2019-06-30", "groups.xlsx", book.save_to_buffer().unwrap());
    assert_problem(
        &f,
        &[
            "groups.xlsx, row 4, column '建群日期', value '2019-02-30'",
            "expected a date",
        ],
    );
}

/// A year, a year and month or a bare number in a date column was read as an Excel serial:
/// 2024.3 and 2019 became days in 1905, 201906 one in 2452. Both readers refuse them.
#[test]
fn a_date_without_a_day_is_an_error_naming_the_cell() {
    let f = with_current(
        "编号,群名称,期限,到期日期\nG1,党建群,阶段性,2024.3\nG2,通知群,阶段性,2019\nG3,防汛群,阶段性,201906\nG4,专班群,阶段性,2024年3月\n",
    );
    for (value, row) in [("2024.3", 2), ("2019", 3), ("201906", 4), ("2024年3月", 5)] {
        assert_problem(
            &f,
            &[
                &format!("2019-06-30/groups.csv, row {row}, column '到期日期', value '{value}'"),
                "not a whole date",
                "such as 2024-03-31",
            ],
        );
    }
    // In a workbook: a year typed into a number cell, a serial before 1980, a year and
    // month as a decimal number; a real serial (43646 = 2019-06-30) is a date.
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", GOOD);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["编号", "到期日期"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (id, number)) in [
        ("G1", 2019.0),
        ("G2", 2024.3),
        ("G3", 43646.0),
        ("G4", 201906.0),
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(r as u32 + 1, 0, *id).unwrap();
        sheet.write_number(r as u32 + 1, 1, *number).unwrap();
    }
    f.table("2019-06-30", "groups.xlsx", book.save_to_buffer().unwrap());
    let problems = f.problems();
    for (row, value) in [(2, "2019"), (3, "2024.3"), (5, "201906")] {
        assert_problem(
            &f,
            &[
                &format!("groups.xlsx, row {row}, column '到期日期', value '{value}'"),
                "not a whole date",
            ],
        );
    }
    assert_eq!(problems.len(), 3, "{problems:#?}");
}

/// A sheet with both 编号 and 群编号 took 编号 (often its running number) as the id.
#[test]
fn the_table_s_own_id_header_wins_over_a_bare_编号() {
    let f = Fixture::new();
    // 编号 numbers the rows; 群编号 holds the ids. G1 is gone now and G4 is new, so the
    // rows are numbered anew.
    f.table(
        "2019-01-01",
        "groups.csv",
        "编号,群编号,单位\n1,G1,U1\n2,G2,U2\n3,G3,U3\n",
    );
    f.table(
        "2019-06-30",
        "groups.csv",
        "编号,群编号,单位\n1,G2,U2\n2,G3,U3\n3,G4,U4\n",
    );
    let groups = f.report().groups.unwrap();
    let t = &groups.totals;
    assert_eq!((t.before, t.retained, t.dissolved, t.new), (3, 2, 1, 1));
    assert_eq!(groups.by_unit[0].key.as_deref(), Some("U1"));
    assert_eq!(groups.by_unit[0].figures.dissolved, 1);
    // 序号 loses to 编号 as before.
    let f = with_current("序号,编号,状态\n1,G1,\n2,G2,\n");
    assert!(f.problems().is_empty(), "{:#?}", f.problems());
}

/// The id column holds 1..n while another id column holds other values: an error, since
/// matching items across snapshots by row number makes every figure silently wrong.
#[test]
fn a_running_number_id_beside_another_id_column_is_refused() {
    let f = with_current("群编号,编号,群名称\n1,G1,党建群\n2,G2,通知群\n3,G3,防汛群\n");
    assert_problem(
        &f,
        &[
            "2019-06-30/groups.csv, column '群编号'",
            "running number from 1 to 3",
            "column '编号' holds other ids",
        ],
    );
    // Both columns running numbers: nothing else could be the id.
    let f = with_current("群编号,序号,群名称\n1,1,党建群\n2,2,通知群\n");
    assert!(
        !f.problems().iter().any(|p| p.contains("running number")),
        "{:#?}",
        f.problems()
    );
}

#[test]
fn an_unknown_status_word_lists_the_accepted_ones() {
    let f = with_current("编号,状态\nG1,待定\n");
    assert_problem(
        &f,
        &[
            "row 2, column '状态', value '待定'",
            "not a known status word",
            "解散",
            "合并",
        ],
    );
}

#[test]
fn a_duplicate_id_names_both_rows() {
    let f = with_current("编号,状态\nG1,\nG2,\nG1,\n");
    assert_problem(
        &f,
        &["row 4, column '编号', value 'G1'", "duplicate id: row 2"],
    );
}

#[test]
fn an_empty_id() {
    let f = with_current("编号,群名称\nG1,a\n,b\n");
    assert_problem(&f, &["row 3, column '编号'", "must not be empty"]);
}

#[test]
fn a_merge_target_that_does_not_exist() {
    let f = with_current("编号,状态,合并至\nG1,,\nG2,合并,G9\n");
    assert_problem(
        &f,
        &[
            "row 3, column '合并至', value 'G9'",
            "merge target not found",
        ],
    );
}

#[test]
fn a_missing_id_column() {
    let f = with_current("群名称,状态\n党建群,\n");
    assert_problem(&f, &["groups.csv: missing the required column id", "编号"]);
}

#[test]
fn a_file_without_a_header_row() {
    let f = with_current("");
    assert_problem(&f, &["2019-06-30/groups.csv: no header row found"]);
}

#[test]
fn a_snapshot_folder_that_is_not_a_date() {
    let f = with_current(GOOD);
    f.table("2019-13-01", "groups.csv", GOOD);
    assert_problem(
        &f,
        &["snapshots/2019-13-01: snapshot folder name is not a real date"],
    );
}

#[test]
fn a_broken_campaign_toml_names_its_line() {
    let f = with_current(GOOD);
    f.file("campaign.toml", "name = \"测试\"\nregion = \n");
    assert_problem(&f, &["campaign.toml: invalid setting on line 2"]);
    f.file("campaign.toml", "name = \"测试\"\n\nregoin = \"x\"\n");
    assert_problem(&f, &["campaign.toml: invalid setting on line 3", "regoin"]);
}

#[test]
fn a_file_that_is_not_what_its_extension_says() {
    let f = with_current(GOOD);
    f.table(
        "2019-06-30",
        "groups.csv",
        b"PK\x03\x04 not really a workbook",
    );
    assert_problem(&f, &["groups.csv: the content is not CSV (xlsx/zip)"]);
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", GOOD);
    f.table("2019-06-30", "groups.xlsx", "编号\nG1\n");
    assert_problem(&f, &["groups.xlsx: the content is not Excel"]);
}

#[test]
fn a_table_missing_from_the_current_snapshot() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", GOOD);
    f.table("2019-01-01", "accounts.csv", "编号\nA1\n");
    f.table("2019-06-30", "groups.csv", GOOD);
    assert_problem(
        &f,
        &["snapshots/2019-06-30: the 政务新媒体台账 table is missing"],
    );
}

#[test]
fn two_files_for_one_table() {
    let f = with_current(GOOD);
    f.table("2019-06-30", "工作群台账.csv", GOOD);
    assert_problem(&f, &["names the same table as"]);
}

#[test]
fn problems_are_capped_per_file_and_the_rest_counted() {
    let mut csv = String::from("编号,成员数\n");
    for i in 0..25 {
        csv += &format!("G{i},x\n");
    }
    let f = with_current(&csv);
    let problems = f.problems();
    assert_eq!(problems.len(), 21, "{problems:#?}");
    assert!(
        problems[20].ends_with("and 5 more problems not listed"),
        "{}",
        problems[20]
    );
}

#[test]
fn every_problem_of_every_file_is_listed_at_once() {
    let f = Fixture::new();
    f.table("2019-01-01", "groups.csv", "编号,成员数\nG1,x\n");
    f.table("2019-06-30", "groups.csv", "编号,状态\nG1,待定\n");
    assert_eq!(f.problems().len(), 2, "{:#?}", f.problems());
}

#[test]
fn the_binary_reports_in_chinese_by_default_and_writes_nothing() {
    let f = with_current("编号,群名称,成员数,状态\nG1,党建群,十个,\n");
    let campaign = f.dir();
    let out = f.out();
    let run = jianfu(
        f.root.path(),
        &[
            "build",
            campaign.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("groups.csv，第 2 行，列「成员数」，值「十个」：应为不小于 0 的整数"),
        "{stderr}"
    );
    assert!(files_under(&out).is_empty(), "{:?}", files_under(&out));

    let run = jianfu(
        f.root.path(),
        &["--lang", "en", "check", campaign.to_str().unwrap()],
    );
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("row 2, column '成员数', value '十个'"),
        "{stderr}"
    );
}

#[test]
fn a_folder_that_is_not_a_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let run = jianfu(dir.path(), &["--lang", "en", "check", "nowhere"]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("nowhere: not a campaign folder"));
}

// ---------------------------------------------------------------------------------------
// The corpus: one small campaign per bad input under tests/bad_inputs/, each run through
// the real binary (see tests/bad_inputs/README.md).

/// Where the corpus lives.
fn corpus() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs")
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Deterministic noise, so a failing case fails the same way every time.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as u8
        })
        .collect()
}

/// A small valid groups workbook.
fn workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["编号", "群名称", "成员数", "状态"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=200u32 {
        sheet.write_string(r, 0, format!("G{r}")).unwrap();
        sheet.write_string(r, 1, format!("第{r}工作群")).unwrap();
        sheet.write_number(r, 2, f64::from(r)).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// Rewrites the sizes a workbook's zip declares for `entry`: the uncompressed size in
/// the central directory and, if `local` is set, in the entry's local header too.
fn patch_zip_size(zip: &mut [u8], entry: &str, size: u32, local: bool) {
    let u16_at = |z: &[u8], i: usize| u16::from_le_bytes([z[i], z[i + 1]]) as usize;
    let u32_at = |z: &[u8], i: usize| u32::from_le_bytes(z[i..i + 4].try_into().unwrap()) as usize;
    let eocd = (0..zip.len() - 21)
        .rev()
        .find(|&i| zip[i..i + 4] == *b"PK\x05\x06")
        .expect("end of central directory");
    let count = u16_at(zip, eocd + 10);
    let mut at = u32_at(zip, eocd + 16);
    for _ in 0..count {
        assert_eq!(zip[at..at + 4], *b"PK\x01\x02");
        let name_len = u16_at(zip, at + 28);
        let extra = u16_at(zip, at + 30);
        let comment = u16_at(zip, at + 32);
        let name = String::from_utf8_lossy(&zip[at + 46..at + 46 + name_len]).into_owned();
        if name == entry {
            zip[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
            if local {
                let header = u32_at(zip, at + 42);
                zip[header + 22..header + 26].copy_from_slice(&size.to_le_bytes());
            }
            return;
        }
        at += 46 + name_len + extra + comment;
    }
    panic!("no entry {entry}");
}

/// Writes the hostile part of a case that cannot be committed as text (binary files,
/// symlinks, pipes, modes). Returns the campaign folder to run, which may be renamed.
fn generate(case: &str, campaign: &std::path::Path) -> std::path::PathBuf {
    let current = campaign.join("snapshots/2019-06-30");
    std::fs::create_dir_all(&current).unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(current.join(name), bytes).unwrap();
    match case {
        "garbage_csv" => write("groups.csv", &noise(4096, 1)),
        "garbage_xlsx" => write("groups.xlsx", &noise(4096, 2)),
        "garbage_parquet" => {
            let mut bytes = b"PAR1".to_vec();
            bytes.extend(noise(4096, 3));
            bytes.extend(b"\x10\x00\x00\x00PAR1");
            write("groups.parquet", &bytes)
        }
        "truncated_xlsx" => {
            let book = workbook();
            write("groups.xlsx", &book[..book.len() / 2])
        }
        "corrupt_xlsx" => {
            let mut book = workbook();
            let at = book.len() / 3;
            for b in &mut book[at..at + 64] {
                *b ^= 0x55;
            }
            write("groups.xlsx", &book)
        }
        "zip_bomb_xlsx" => {
            // The directory says the sheet unzips to almost 4 GiB: refused unread.
            let mut book = workbook();
            patch_zip_size(&mut book, "xl/worksheets/sheet1.xml", 0xFFFF_FF00, false);
            write("groups.xlsx", &book)
        }
        "zip_bomb_lying_sizes" => {
            // The directory says 100 bytes; the sheet really inflates to far more.
            let mut book = workbook();
            patch_zip_size(&mut book, "xl/worksheets/sheet1.xml", 100, true);
            write("groups.xlsx", &book)
        }
        "year_as_a_number_in_a_workbook" => {
            // 到期日期 typed as the number 2019: Excel's serial 2019 is 1905-07-11.
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            for (c, h) in ["编号", "群名称", "期限", "到期日期"].iter().enumerate() {
                sheet.write_string(0, c as u16, *h).unwrap();
            }
            for (r, (id, term, date)) in [("G1", "长期", None), ("G2", "阶段性", Some(2019.0))]
                .into_iter()
                .enumerate()
            {
                let r = r as u32 + 1;
                sheet.write_string(r, 0, id).unwrap();
                sheet.write_string(r, 1, format!("第{r}工作群")).unwrap();
                sheet.write_string(r, 2, term).unwrap();
                if let Some(date) = date {
                    sheet.write_number(r, 3, date).unwrap();
                }
            }
            write("groups.xlsx", &book.save_to_buffer().unwrap())
        }
        "wrong_encoding" => write(
            "groups.csv",
            b"\xb1\xe0\xba\xc5,\xc8\xba\xc3\xfb\xb3\xc6\nG1,M\xfcller \xff\xfe\xff\n",
        ),
        "megabyte_cell" => {
            let big = "长".repeat(1 << 20);
            write(
                "groups.csv",
                format!("编号,群名称,状态\nG1,党建群,\nG2,{big},\n").as_bytes(),
            )
        }
        "nul_bytes" => {
            // Past the first 8 KiB, where sniffing for binary content stops looking.
            let mut csv = String::from("编号,群名称,状态\n");
            for i in 1..=400 {
                csv += &format!("G{i},第{i}工作群,\n");
            }
            csv += "G401,藏\0有空字符的群,\n";
            write("groups.csv", csv.as_bytes())
        }
        "symlink_loop" => {
            std::os::unix::fs::symlink("groups.csv", current.join("groups.csv")).unwrap();
            let snapshots = campaign.join("snapshots");
            std::os::unix::fs::symlink("2019-03-31", snapshots.join("2019-03-31")).unwrap();
        }
        "unreadable_file" => {
            use std::os::unix::fs::PermissionsExt;
            let path = current.join("groups.csv");
            std::fs::write(&path, "编号\nG1\n").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
            if std::fs::File::open(&path).is_ok() {
                // Running as root, mode 000 does not stop reading: a folder named like the
                // table cannot be read as one either.
                std::fs::remove_file(&path).unwrap();
                std::fs::create_dir(&path).unwrap();
            }
        }
        "fifo_named_like_table" => {
            let path =
                std::ffi::CString::new(current.join("groups.csv").to_str().unwrap().as_bytes())
                    .unwrap();
            // SAFETY: a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
        }
        "control_char_in_folder_name" => {
            let renamed = campaign.with_file_name("camp\u{1}aign");
            std::fs::rename(campaign, &renamed).unwrap();
            return renamed;
        }
        _ => {}
    }
    campaign.to_path_buf()
}

/// Runs the binary, killing it if it hangs (a pipe read as a file would block forever).
fn run_bounded(cwd: &std::path::Path, args: &[&str]) -> (bool, String) {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jianfu"))
        .args(args)
        .current_dir(cwd)
        .env("RUST_BACKTRACE", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("jianfu {args:?} hung for two minutes");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let stderr = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    (status.success(), stderr)
}

#[test]
fn every_case_of_the_corpus_fails_clearly_without_panic_or_output() {
    let mut cases: Vec<_> = std::fs::read_dir(corpus())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "{cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let expected = std::fs::read_to_string(corpus().join(case).join("expected.txt"))
            .unwrap_or_else(|_| panic!("{case}: no expected.txt"));
        let root = tempfile::tempdir().unwrap();
        let copied = root.path().join(case);
        copy_tree(&corpus().join(case), &copied);
        std::fs::remove_file(copied.join("expected.txt")).unwrap();
        let campaign = generate(case, &copied);
        let campaign = campaign.to_str().unwrap();
        let out = root.path().join("out");
        let out_arg = out.to_str().unwrap();
        for (lang, prefix) in [("en", "en:"), ("zh", "zh:")] {
            let fragments: Vec<&str> = expected
                .lines()
                .filter_map(|l| l.strip_prefix(prefix))
                .map(str::trim)
                .collect();
            for command in [
                vec!["--lang", lang, "check", campaign],
                vec!["--lang", lang, "build", campaign, "--out", out_arg],
            ] {
                let (ok, stderr) = run_bounded(root.path(), &command);
                if std::env::var_os("JIANFU_CORPUS_SHOW").is_some() {
                    eprintln!("== {case} {lang} {}\n{stderr}", command[2]);
                }
                let mut wrong = Vec::new();
                if ok {
                    wrong.push("exited 0".to_string());
                }
                if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
                    wrong.push("panicked".to_string());
                }
                for f in &fragments {
                    if !stderr.contains(f) {
                        wrong.push(format!("missing {f:?}"));
                    }
                }
                if !files_under(&out).is_empty() {
                    wrong.push(format!("wrote {:?}", files_under(&out)));
                }
                if !wrong.is_empty() {
                    failures.push(format!(
                        "{case} ({}): {wrong:?}\n{stderr}",
                        command.join(" ")
                    ));
                }
            }
            assert!(
                !fragments.is_empty(),
                "{case}: expected.txt has no {prefix} line"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{} bad inputs checked", cases.len());
}
